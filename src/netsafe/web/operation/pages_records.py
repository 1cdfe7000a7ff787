"""The warrant page (`/operation/warrants/{id}`: decision and execution) and the exhibit page
(`/operation/exhibits/{id}`: chain of custody, hand-overs and the exhibit's triage results).
A hand-over sent by htmx is answered with the custody section alone (`custody_fragment`)."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import HTMLResponse, Response

from netsafe.operation import record_kinds as kinds
from netsafe.operation.exhibits import Exhibit, check_custody, custody_events
from netsafe.operation.warrants import Warrant, WarrantResult
from netsafe.store.repositories.triage import SqlTriageRepository
from netsafe.web.auditor import AuditDep
from netsafe.web.deps import SessionDep, TemplatesDep
from netsafe.web.htmx import wants_fragment
from netsafe.web.operation.common import CaseworkDep, ReposDep, exhibit_runs, visible_of
from netsafe.web.operation.forms import FormError, form_time, page_answers, redirect

router = APIRouter(tags=["pages"], include_in_schema=False)
VISIBLE_WARRANT = Depends(visible_of(kinds.WARRANT))
VISIBLE_EXHIBIT = Depends(visible_of(kinds.EXHIBIT))
Text = Annotated[str, Form(max_length=4000)]
FINDINGS_SHOWN = 50


@router.get("/operation/warrants/{warrant_id}", response_class=HTMLResponse)
def warrant_page(
    warrant_id: int,
    request: Request,
    repos: ReposDep,
    auditor: AuditDep,
    templates: TemplatesDep,
    warrant: Warrant = VISIBLE_WARRANT,
) -> Response:
    referral = repos.referrals.get(warrant.referral_id)
    exhibits = [
        e for e in repos.exhibits.for_referral(warrant.referral_id) if e.warrant_id == warrant.id
    ]
    auditor.record("warrant.read", "warrant", warrant_id)
    return templates.TemplateResponse(
        request,
        "operation/warrant.html",
        {
            "warrant": warrant,
            "referral": referral,
            "exhibits": exhibits,
            "results": list(WarrantResult),
        },
    )


@router.post("/operation/warrants/{warrant_id}/decision", dependencies=[VISIBLE_WARRANT])
def warrant_decision(
    warrant_id: int,
    request: Request,
    casework: CaseworkDep,
    auditor: AuditDep,
    decision: Text = "",
    at: Text = "",
    court: Text = "",
) -> Response:
    back = f"/operation/warrants/{warrant_id}"
    try:
        with page_answers(request, "warrant.decide", "warrant", warrant_id):
            if decision not in ("granted", "refused"):
                raise FormError("decision: choose granted or refused")
            warrant = casework.decide_warrant(
                warrant_id,
                granted=decision == "granted",
                at=form_time(at, "at", default_now=True),
                court=court,
            )
    except FormError as error:
        return redirect(back, error=error.message)
    auditor.record("warrant.decide", "warrant", warrant_id, detail=warrant.status.value)
    return redirect(back, notice=f"Warrant {warrant.status.value}")


@router.post("/operation/warrants/{warrant_id}/execution", dependencies=[VISIBLE_WARRANT])
def warrant_execution(
    warrant_id: int,
    request: Request,
    casework: CaseworkDep,
    auditor: AuditDep,
    at: Text = "",
    result: Text = "",
    notes: Text = "",
) -> Response:
    back = f"/operation/warrants/{warrant_id}"
    try:
        with page_answers(request, "warrant.execute", "warrant", warrant_id):
            casework.execute_warrant(
                warrant_id,
                at=form_time(at, "at", default_now=True),
                result=result,
                notes=notes,
            )
    except FormError as error:
        return redirect(back, error=error.message)
    auditor.record("warrant.execute", "warrant", warrant_id)
    return redirect(back, notice="Warrant executed")


def triage_results(session: SessionDep, exhibit: Exhibit) -> list[dict[str, Any]]:
    """The exhibit's triage runs (newest first) with their first findings (paths and hashes)."""
    triage = SqlTriageRepository(session)
    runs = exhibit_runs(session, exhibit)
    return [
        {"run": run, "findings": triage.findings(run.id, limit=FINDINGS_SHOWN)}
        for run in sorted(runs, key=lambda r: r.finished_at, reverse=True)
    ]


@router.get("/operation/exhibits/{exhibit_id}", response_class=HTMLResponse)
def exhibit_page(
    exhibit_id: int,
    request: Request,
    repos: ReposDep,
    session: SessionDep,
    auditor: AuditDep,
    templates: TemplatesDep,
    exhibit: Exhibit = VISIBLE_EXHIBIT,
) -> Response:
    events = custody_events(repos.custody, exhibit)
    auditor.record("exhibit.read", "exhibit", exhibit_id)
    return templates.TemplateResponse(
        request,
        "operation/exhibit.html",
        {
            "exhibit": exhibit,
            "referral": repos.referrals.get(exhibit.referral_id),
            "events": events,
            "check": check_custody(exhibit, events),
            "triage": triage_results(session, exhibit),
            "findings_shown": FINDINGS_SHOWN,
        },
    )


def custody_fragment(
    request: Request,
    repos: ReposDep,
    auditor: AuditDep,
    templates: TemplatesDep,
    exhibit: Exhibit,
    *,
    notice: str | None = None,
    error: str | None = None,
    submitted: dict[str, str] | None = None,
) -> Response:
    """The custody section alone, for an htmx hand-over: the table (with the new row), the form
    (refilled after a refusal, 422) and the holder and chain facts out of band. Audited as a read
    of the exhibit, as the page the plain form's redirect leads to is."""
    events = custody_events(repos.custody, exhibit)
    auditor.record("exhibit.read", "exhibit", exhibit.id, detail="custody")
    context = {
        "exhibit": exhibit,
        "events": events,
        "check": check_custody(exhibit, events),
        "custody_notice": notice,
        "custody_error": error,
        "custody_form": submitted,
        "custody_out_of_band": True,
    }
    status = 422 if error else 200
    return templates.TemplateResponse(
        request, "operation/_custody.html", context, status_code=status
    )


@router.post("/operation/exhibits/{exhibit_id}/custody")
def custody_form(
    exhibit_id: int,
    request: Request,
    casework: CaseworkDep,
    repos: ReposDep,
    auditor: AuditDep,
    templates: TemplatesDep,
    handed_to: Text = "",
    at: Text = "",
    location: Text = "",
    purpose: Text = "",
    seal_intact: Text = "",
    exhibit: Exhibit = VISIBLE_EXHIBIT,
) -> Response:
    """Record a hand-over; answers with a redirect to the exhibit page, or (htmx) with the
    custody section alone."""
    back = f"/operation/exhibits/{exhibit_id}"
    try:
        with page_answers(request, "custody.create", "exhibit", exhibit_id):
            event = casework.hand_over(
                exhibit_id,
                handed_to=handed_to,
                at=form_time(at, "at", default_now=True),
                location=location,
                purpose=purpose,
                seal_intact=seal_intact == "yes",
            )
    except FormError as error:
        if wants_fragment(request):
            submitted = {
                "handed_to": handed_to,
                "at": at,
                "location": location,
                "purpose": purpose,
                "seal_intact": seal_intact,
            }
            return custody_fragment(
                request,
                repos,
                auditor,
                templates,
                exhibit,
                error=error.message,
                submitted=submitted,
            )
        return redirect(back, error=error.message, fragment="custody")
    auditor.record("custody.create", "exhibit", exhibit_id, detail=f"to {event.handed_to}")
    notice = f"Handed over to {event.handed_to}"
    if wants_fragment(request):
        return custody_fragment(request, repos, auditor, templates, exhibit, notice=notice)
    return redirect(back, notice=notice, fragment="custody")
