"""Recording a referral (`/operation/referrals/new`) and the case page
(`/operation/referrals/{id}`: details, timeline, and the forms that add subjects, risk
assessments, warrants, arrests, exhibits, safeguarding and outcomes)."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import HTMLResponse, Response
from starlette.concurrency import run_in_threadpool

from netsafe.operation.arrests import record_arrest
from netsafe.operation.casefile import load_case
from netsafe.operation.exhibits import DeviceType, record_exhibit
from netsafe.operation.outcomes import OutcomeKind, record_outcome
from netsafe.operation.referrals import NewReferral, ReferralSource, create_referral
from netsafe.operation.risk import assess_risk
from netsafe.operation.safeguarding import record_safeguarding
from netsafe.operation.subjects import HelplineRecipient, add_subject, note_helpline_details_given
from netsafe.operation.warrants import apply_for_warrant
from netsafe.platform.access import REFERRAL_AREAS
from netsafe.web.auditor import AuditDep
from netsafe.web.deps import TemplatesDep
from netsafe.web.operation.api_referrals import question_set
from netsafe.web.operation.common import PoliceViewer, ReposDep, visible, visible_referral
from netsafe.web.operation.forms import (
    FormError,
    form_int,
    form_time,
    optional_id,
    page_answers,
    redirect,
)

router = APIRouter(tags=["pages"], include_in_schema=False)
VISIBLE_REFERRAL = Depends(visible_referral)
VISIBLE_SUBJECT = Depends(visible("subject", lambda r: r.subjects))
Text = Annotated[str, Form(max_length=4000)]


def case_url(referral_id: int) -> str:
    return f"/operation/referrals/{referral_id}"


@router.get("/operation/referrals/new", response_class=HTMLResponse)
def new_referral_form(request: Request, viewer: PoliceViewer, templates: TemplatesDep) -> Response:
    areas = REFERRAL_AREAS if viewer.role.sees_all_forces else (viewer.agency,)
    return templates.TemplateResponse(
        request,
        "operation/referral_new.html",
        {"areas": areas, "sources": list(ReferralSource), "viewer": viewer},
    )


@router.post("/operation/referrals/new", response_class=HTMLResponse)
def new_referral(
    request: Request,
    viewer: PoliceViewer,
    repos: ReposDep,
    auditor: AuditDep,
    source: Text = "",
    force: Text = "",
    received_at: Text = "",
    summary: Text = "",
) -> Response:
    try:
        with page_answers(request, "referral.create", "referral"):
            referral = create_referral(
                repos.referrals,
                NewReferral(
                    source=source,
                    force=force,
                    received_at=form_time(received_at, "received_at", default_now=True),
                    summary=summary,
                ),
                by=viewer,
            )
    except FormError as error:
        return redirect("/operation/referrals/new", error=error.message)
    auditor.record("referral.create", "referral", referral.id)
    return redirect(case_url(referral.id), notice=f"Referral {referral.reference} recorded")


@router.get("/operation/referrals/{referral_id}", response_class=HTMLResponse)
def case_page(
    referral_id: int,
    request: Request,
    viewer: PoliceViewer,
    repos: ReposDep,
    auditor: AuditDep,
    templates: TemplatesDep,
) -> Response:
    """The case: referral details, timeline, records and the forms to add to them."""
    with page_answers(request, "referral.read", "referral", referral_id):
        case = load_case(repos, viewer, referral_id)
    auditor.record("referral.read", "referral", referral_id)
    return templates.TemplateResponse(
        request,
        "operation/case.html",
        {
            "case": case,
            "now": datetime.now(UTC),
            "questions": question_set(request),
            "device_types": list(DeviceType),
            "outcome_kinds": list(OutcomeKind),
            "recipients": list(HelplineRecipient),
        },
    )


def _done(
    auditor: AuditDep, action: str, kind: str, record_id: int, referral_id: int, notice: str
) -> Response:
    auditor.record(action, kind, record_id)
    return redirect(case_url(referral_id), notice=notice, fragment=kind)


@router.post("/operation/referrals/{referral_id}/subjects", dependencies=[VISIBLE_REFERRAL])
def subject_form(
    referral_id: int,
    request: Request,
    viewer: PoliceViewer,
    repos: ReposDep,
    auditor: AuditDep,
    display_name: Text = "",
    identifiers: Text = "",
) -> Response:
    try:
        with page_answers(request, "subject.create", "referral", referral_id):
            subject = add_subject(
                repos.referrals,
                repos.subjects,
                viewer,
                referral_id,
                display_name=display_name,
                identifiers=identifiers,
            )
    except FormError as error:
        return redirect(case_url(referral_id), error=error.message, fragment="subject")
    return _done(auditor, "subject.create", "subject", subject.id, referral_id, "Subject added")


@router.post("/operation/referrals/{referral_id}/risk", dependencies=[VISIBLE_REFERRAL])
async def risk_form(
    referral_id: int,
    request: Request,
    viewer: PoliceViewer,
    repos: ReposDep,
    auditor: AuditDep,
    rationale: Text = "",
) -> Response:
    """The answers are the checked question boxes (`q_<key>`); the form is read here, the
    assessment runs on a worker thread like every other (synchronous) handler."""
    form = await request.form()
    questions = question_set(request)
    answers = {q.key: form.get(f"q_{q.key}") == "yes" for q in questions.questions}

    def assess() -> Response:
        try:
            with page_answers(request, "risk.create", "referral", referral_id):
                assessment, referral = assess_risk(
                    repos.referrals,
                    repos.assessments,
                    viewer,
                    referral_id,
                    answers,
                    subjects=repos.subjects,
                    questions=questions,
                    rationale=rationale,
                )
        except FormError as error:
            return redirect(case_url(referral_id), error=error.message, fragment="risk")
        due = f"{referral.deadline_at:%Y-%m-%d %H:%M} UTC"
        notice = f"Risk assessed: {assessment.band.label}; response due {due}"
        return _done(auditor, "risk.create", "risk", assessment.id, referral_id, notice)

    return await run_in_threadpool(assess)


@router.post("/operation/referrals/{referral_id}/warrants", dependencies=[VISIBLE_REFERRAL])
def warrant_form(
    referral_id: int,
    request: Request,
    viewer: PoliceViewer,
    repos: ReposDep,
    auditor: AuditDep,
    premises: Text = "",
    court: Text = "",
    subject_id: Text = "",
) -> Response:
    try:
        with page_answers(request, "warrant.create", "referral", referral_id):
            warrant = apply_for_warrant(
                repos.referrals,
                repos.warrants,
                viewer,
                referral_id,
                subjects=repos.subjects,
                premises=premises,
                court=court,
                subject_id=optional_id(subject_id),
            )
    except FormError as error:
        return redirect(case_url(referral_id), error=error.message, fragment="warrant")
    auditor.record("warrant.create", "warrant", warrant.id)
    return redirect(f"/operation/warrants/{warrant.id}", notice="Warrant application recorded")


@router.post("/operation/referrals/{referral_id}/arrests", dependencies=[VISIBLE_REFERRAL])
def arrest_form(
    referral_id: int,
    request: Request,
    viewer: PoliceViewer,
    repos: ReposDep,
    auditor: AuditDep,
    subject_id: Text = "",
    arrested_at: Text = "",
    location: Text = "",
    grounds: Text = "",
) -> Response:
    try:
        with page_answers(request, "arrest.create", "referral", referral_id):
            subject = optional_id(subject_id)
            if subject is None:
                raise FormError("subject_id: choose the subject arrested")
            arrest = record_arrest(
                repos.referrals,
                repos.subjects,
                repos.arrests,
                viewer,
                subject,
                arrested_at=form_time(arrested_at, "arrested_at", default_now=True),
                location=location,
                grounds=grounds,
            )
    except FormError as error:
        return redirect(case_url(referral_id), error=error.message, fragment="arrest")
    return _done(auditor, "arrest.create", "arrest", arrest.id, referral_id, "Arrest recorded")


@router.post("/operation/referrals/{referral_id}/exhibits", dependencies=[VISIBLE_REFERRAL])
def exhibit_form(
    referral_id: int,
    request: Request,
    viewer: PoliceViewer,
    repos: ReposDep,
    auditor: AuditDep,
    reference: Text = "",
    device_type: Text = "",
    seal_number: Text = "",
    seized_at: Text = "",
    seized_from: Text = "",
    description: Text = "",
    warrant_id: Text = "",
) -> Response:
    try:
        with page_answers(request, "exhibit.create", "referral", referral_id):
            exhibit = record_exhibit(
                repos.referrals,
                repos.exhibits,
                viewer,
                referral_id,
                subjects=repos.subjects,
                warrants=repos.warrants,
                reference=reference,
                device_type=device_type,
                seal_number=seal_number,
                seized_at=form_time(seized_at, "seized_at", default_now=True),
                seized_from=seized_from,
                description=description,
                warrant_id=optional_id(warrant_id),
            )
    except FormError as error:
        return redirect(case_url(referral_id), error=error.message, fragment="exhibit")
    auditor.record("exhibit.create", "exhibit", exhibit.id)
    return redirect(
        f"/operation/exhibits/{exhibit.id}", notice=f"Exhibit {exhibit.reference} recorded"
    )


@router.post("/operation/referrals/{referral_id}/safeguarding", dependencies=[VISIBLE_REFERRAL])
def safeguarding_form(
    referral_id: int,
    request: Request,
    viewer: PoliceViewer,
    repos: ReposDep,
    auditor: AuditDep,
    children_identified: Text = "0",
    children_safeguarded: Text = "0",
    referred_to_childrens_services: Text = "",
    local_authority: Text = "",
    notes: Text = "",
) -> Response:
    try:
        with page_answers(request, "safeguarding.create", "referral", referral_id):
            record = record_safeguarding(
                repos.referrals,
                repos.safeguarding,
                viewer,
                referral_id,
                children_identified=form_int(children_identified, "children_identified"),
                children_safeguarded=form_int(children_safeguarded, "children_safeguarded"),
                referred_to_childrens_services=referred_to_childrens_services == "yes",
                local_authority=local_authority,
                notes=notes,
            )
    except FormError as error:
        return redirect(case_url(referral_id), error=error.message, fragment="safeguarding")
    return _done(
        auditor,
        "safeguarding.create",
        "safeguarding",
        record.id,
        referral_id,
        "Safeguarding recorded",
    )


@router.post("/operation/referrals/{referral_id}/outcomes", dependencies=[VISIBLE_REFERRAL])
def outcome_form(
    referral_id: int,
    request: Request,
    viewer: PoliceViewer,
    repos: ReposDep,
    auditor: AuditDep,
    kind: Text = "",
    decided_at: Text = "",
    notes: Text = "",
) -> Response:
    try:
        with page_answers(request, "outcome.create", "referral", referral_id):
            outcome, referral = record_outcome(
                repos.referrals,
                repos.outcomes,
                viewer,
                referral_id,
                subjects=repos.subjects,
                kind=kind,
                decided_at=form_time(decided_at, "decided_at", default_now=True),
                notes=notes,
            )
    except FormError as error:
        return redirect(case_url(referral_id), error=error.message, fragment="outcome")
    notice = f"Outcome recorded: {outcome.kind.value}; referral {referral.status.value}"
    return _done(auditor, "outcome.create", "outcome", outcome.id, referral_id, notice)


@router.post("/operation/subjects/{subject_id}/helpline-details", dependencies=[VISIBLE_SUBJECT])
def helpline_form(
    subject_id: int,
    request: Request,
    viewer: PoliceViewer,
    repos: ReposDep,
    auditor: AuditDep,
    given_to: Text = "",
) -> Response:
    """Note that the helpline's details were given (a flag only; nothing goes to the charity)."""
    try:
        with page_answers(request, "subject.helpline-details", "subject", subject_id):
            subject = note_helpline_details_given(
                repos.referrals,
                repos.subjects,
                viewer,
                subject_id,
                given_to=given_to,
                given_at=datetime.now(UTC),
            )
    except FormError as error:
        referral_id = repos.subjects.get(subject_id)
        target = case_url(referral_id.referral_id) if referral_id else "/operation"
        return redirect(target, error=error.message, fragment="subject")
    return _done(
        auditor,
        "subject.helpline-details",
        "subject",
        subject.id,
        subject.referral_id,
        "Helpline details noted",
    )
