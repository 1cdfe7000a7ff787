"""Recording a referral (`/operation/referrals/new`) and the case page
(`/operation/referrals/{id}`: details, timeline, and the forms that add subjects, risk
assessments, warrants, arrests, exhibits, safeguarding and outcomes, derived from the
record-kinds table's writes)."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import HTMLResponse, Response
from starlette.concurrency import run_in_threadpool

from netsafe.operation import record_kinds as kinds
from netsafe.operation.corrections import REOPENERS
from netsafe.operation.exhibits import DeviceType, default_warrant_id
from netsafe.operation.outcomes import OutcomeKind
from netsafe.operation.record_history import HistoryAction
from netsafe.operation.record_kinds import KIND_BY_NAME
from netsafe.operation.referrals import ReferralSource, create_referral
from netsafe.operation.subjects import HelplineRecipient
from netsafe.platform.access import REFERRAL_AREAS
from netsafe.store.repositories.intake import SqlIntakeRepository
from netsafe.usecases.deconflict import notices_of
from netsafe.web.auditor import AuditDep
from netsafe.web.deps import SessionDep, TemplatesDep
from netsafe.web.operation.common import (
    CaseworkDep,
    CaseworkWriter,
    PoliceViewer,
    ReposDep,
    question_set,
    visible_of,
    visible_referral,
)
from netsafe.web.operation.form_input import read_form
from netsafe.web.operation.forms import FormError, page_answers, redirect
from netsafe.web.operation.pages_mywork import case_work
from netsafe.web.operation.record_sections import added_sections
from netsafe.web.operation.record_writes import WRITES, RecordWrite
from netsafe.web.operation.schemas import ReferralIn
from netsafe.web.operation.work_common import WorkDep

router = APIRouter(tags=["pages"], include_in_schema=False)
VISIBLE_REFERRAL = Depends(visible_referral)
VISIBLE_SUBJECT = Depends(visible_of(kinds.SUBJECT))
Text = Annotated[str, Form(max_length=4000)]


def case_url(referral_id: int) -> str:
    return f"/operation/referrals/{referral_id}"


@router.get("/operation/referrals/new", response_class=HTMLResponse)
def new_referral_form(
    request: Request, viewer: CaseworkWriter, templates: TemplatesDep
) -> Response:
    areas = REFERRAL_AREAS if viewer.role.sees_all_forces else (viewer.agency,)
    return templates.TemplateResponse(
        request,
        "operation/referral_new.html",
        {"areas": areas, "sources": list(ReferralSource), "viewer": viewer},
    )


@router.post("/operation/referrals/new", response_class=HTMLResponse)
async def new_referral(
    request: Request, viewer: PoliceViewer, repos: ReposDep, auditor: AuditDep
) -> Response:
    """The form read into the API's one input model (`ReferralIn`), created by the same
    service; a refusal names the field on the form's page."""
    form = await request.form()

    def create() -> Response:
        try:
            body = read_form(ReferralIn, form)
            with page_answers(request, "referral.create", "referral"):
                referral = create_referral(repos.referrals, body.to_domain(), by=viewer)
        except FormError as error:
            return redirect("/operation/referrals/new", error=error.message)
        auditor.record("referral.create", "referral", referral.id)
        return redirect(case_url(referral.id), notice=f"Referral {referral.reference} recorded")

    return await run_in_threadpool(create)


@router.get("/operation/referrals/{referral_id}", response_class=HTMLResponse)
def case_page(
    referral_id: int,
    request: Request,
    casework: CaseworkDep,
    session: SessionDep,
    auditor: AuditDep,
    templates: TemplatesDep,
    work: WorkDep,
) -> Response:
    """The case: referral details, owner and actions, timeline, records and the forms to add
    to them."""
    with page_answers(request, "referral.read", "referral", referral_id):
        case = casework.case(referral_id)
        intake = SqlIntakeRepository(session).record(case.referral.id)
        notices = notices_of(session, casework.viewer, case.referral)
        history = casework.case_history(referral_id)
        corrected = {
            f"{e.kind}:{e.record_id}": "corrected"
            for e in history
            if e.action is HistoryAction.CORRECTED
        }
    auditor.record("referral.read", "referral", referral_id)
    return templates.TemplateResponse(
        request,
        "operation/case.html",
        {
            "case": case,
            "intake": intake,
            "notices": notices,
            "now": datetime.now(UTC),
            "questions": question_set(request),
            "device_types": list(DeviceType),
            "outcome_kinds": list(OutcomeKind),
            "recipients": list(HelplineRecipient),
            "work": case_work(work, casework.viewer, case.referral),
            "default_warrant_id": default_warrant_id(case.warrants),
            "marks": corrected,
            "history": history,
            "kinds": KIND_BY_NAME,
            "may_reopen": casework.viewer.role in REOPENERS,
            "added": added_sections(case),
        },
    )


def _done(
    auditor: AuditDep, action: str, kind: str, record_id: int, referral_id: int, notice: str
) -> Response:
    auditor.record(action, kind, record_id)
    return redirect(case_url(referral_id), notice=notice, fragment=kind)


def _form_route(write: RecordWrite) -> None:
    """Add `POST /operation/referrals/{referral_id}/{path}`: the kind's form on the case page,
    read into the kind's one input model, done by the facade; back to the case page (or the
    record's own page) with a notice, or with the refusal naming the field."""
    kind, owner = write.kind, write.owner.removesuffix("_id")

    async def form_route(
        referral_id: int, request: Request, casework: CaseworkDep, auditor: AuditDep
    ) -> Response:
        form = await request.form()

        def done() -> Response:
            try:
                body = read_form(write.body, form, referral_id=referral_id)
                owner_id = write.owner_id(body)
                with page_answers(request, f"{kind.name}.create", owner, owner_id):
                    record = write.create(casework, owner_id, **write.fields(body))
                    notice = write.notice(casework, record)
            except FormError as error:
                return redirect(case_url(referral_id), error=error.message, fragment=kind.name)
            detail = write.audit_detail(record)
            auditor.record(f"{kind.name}.create", kind.name, record.id, detail=detail)
            if write.page is not None:
                return redirect(write.page(record), notice=notice)
            return redirect(case_url(referral_id), notice=notice, fragment=kind.name)

        return await run_in_threadpool(done)

    router.add_api_route(
        f"/operation/referrals/{{referral_id}}/{write.form_path}",
        form_route,
        methods=["POST"],
        dependencies=[VISIBLE_REFERRAL],
        name=f"{kind.name}_form",
    )


for _write in WRITES:
    if not _write.kind.nested:  # a custody step's form is on its exhibit's page
        _form_route(_write)


@router.post("/operation/subjects/{subject_id}/helpline-details", dependencies=[VISIBLE_SUBJECT])
def helpline_form(
    subject_id: int,
    request: Request,
    casework: CaseworkDep,
    auditor: AuditDep,
    given_to: Text = "",
) -> Response:
    """Note that the helpline's details were given (a flag only; nothing goes to the charity)."""
    try:
        with page_answers(request, "subject.helpline-details", "subject", subject_id):
            subject = casework.note_helpline_details_given(
                subject_id, given_to=given_to, given_at=datetime.now(UTC)
            )
    except FormError as error:
        referral_id = casework.repos.subjects.get(subject_id)
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
