"""`/api/v1/subjects`, `/warrants`, `/arrests`, `/exhibits` (+ custody events), `/safeguarding`,
`/outcomes`: create with 201, list (newest first, paged) and read; every call audited."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import asdict
from typing import Any

from fastapi import APIRouter, Depends, Query, Request

from netsafe.operation.arrests import Arrest, record_arrest
from netsafe.operation.casefile import CaseRepositories
from netsafe.operation.exhibits import (
    CustodyEvent,
    Exhibit,
    check_custody,
    custody_events,
    hand_over,
    record_exhibit,
)
from netsafe.operation.outcomes import Outcome, record_outcome
from netsafe.operation.records import RecordRepository, visible_records
from netsafe.operation.safeguarding import SafeguardingRecord, record_safeguarding
from netsafe.operation.subjects import Subject, add_subject, note_helpline_details_given
from netsafe.operation.warrants import (
    Warrant,
    apply_for_warrant,
    decide_warrant,
    execute_warrant,
)
from netsafe.web.auditor import AuditDep
from netsafe.web.deps import SessionDep
from netsafe.web.operation.common import (
    PoliceViewer,
    ReposDep,
    answering,
    exhibit_runs,
    visible,
)
from netsafe.web.operation.schemas import (
    ArrestIn,
    CustodyEventIn,
    ExhibitIn,
    HelplineDetailsIn,
    OutcomeIn,
    SafeguardingIn,
    SubjectIn,
    WarrantDecisionIn,
    WarrantExecutionIn,
    WarrantIn,
)

router = APIRouter(prefix="/api/v1", tags=["casework"])


def _list_and_read(
    path: str,
    kind: str,
    model: Any,
    repository: Callable[[CaseRepositories], RecordRepository[Any]],
) -> None:
    """Add `GET /{path}` and `GET /{path}/{{kind}_id}` for one kind of record."""

    def listing(
        request: Request,
        viewer: PoliceViewer,
        repos: ReposDep,
        auditor: AuditDep,
        limit: int = Query(50, ge=1, le=500),
        offset: int = Query(0, ge=0),
    ) -> Any:
        with answering(request, f"{kind}.list", kind):
            found = visible_records(repository(repos), viewer, limit=limit, offset=offset)
        auditor.record(f"{kind}.list", kind, detail=f"{len(found)} shown")
        return found

    def reading(auditor: AuditDep, record: Any = Depends(visible(kind, repository))) -> Any:
        auditor.record(f"{kind}.read", kind, record.id)
        return record

    router.add_api_route(
        f"/{path}", listing, methods=["GET"], response_model=list[model], name=f"list_{kind}"
    )
    router.add_api_route(
        f"/{path}/{{{kind}_id}}",
        reading,
        methods=["GET"],
        response_model=model,
        name=f"read_{kind}",
    )


_VISIBLE_SUBJECT = Depends(visible("subject", lambda r: r.subjects))
_VISIBLE_WARRANT = Depends(visible("warrant", lambda r: r.warrants))
_VISIBLE_EXHIBIT = Depends(visible("exhibit", lambda r: r.exhibits))

_list_and_read("subjects", "subject", Subject, lambda r: r.subjects)
_list_and_read("warrants", "warrant", Warrant, lambda r: r.warrants)
_list_and_read("arrests", "arrest", Arrest, lambda r: r.arrests)
_list_and_read("safeguarding", "safeguarding", SafeguardingRecord, lambda r: r.safeguarding)
_list_and_read("outcomes", "outcome", Outcome, lambda r: r.outcomes)


@router.post("/subjects", status_code=201, response_model=Subject)
def create_subject(
    body: SubjectIn, request: Request, viewer: PoliceViewer, repos: ReposDep, auditor: AuditDep
) -> Subject:
    with answering(request, "subject.create", "referral", body.referral_id):
        subject = add_subject(
            repos.referrals,
            repos.subjects,
            viewer,
            body.referral_id,
            display_name=body.display_name,
            date_of_birth=body.date_of_birth,
            identifiers=body.identifiers,
            notes=body.notes,
        )
    auditor.record("subject.create", "subject", subject.id)
    return subject


@router.post(
    "/subjects/{subject_id}/helpline-details",
    response_model=Subject,
    dependencies=[_VISIBLE_SUBJECT],
)
def helpline_details(
    subject_id: int,
    body: HelplineDetailsIn,
    request: Request,
    viewer: PoliceViewer,
    repos: ReposDep,
    auditor: AuditDep,
) -> Subject:
    """Note that the subject or family was given the helpline's details (nothing is sent)."""
    with answering(request, "subject.helpline-details", "subject", subject_id):
        subject = note_helpline_details_given(
            repos.referrals,
            repos.subjects,
            viewer,
            subject_id,
            given_to=body.given_to,
            given_at=body.given_at,
        )
    auditor.record("subject.helpline-details", "subject", subject_id)
    return subject


@router.post("/warrants", status_code=201, response_model=Warrant)
def create_warrant(
    body: WarrantIn, request: Request, viewer: PoliceViewer, repos: ReposDep, auditor: AuditDep
) -> Warrant:
    with answering(request, "warrant.create", "referral", body.referral_id):
        warrant = apply_for_warrant(
            repos.referrals,
            repos.warrants,
            viewer,
            body.referral_id,
            subjects=repos.subjects,
            premises=body.premises,
            applied_at=body.applied_at,
            subject_id=body.subject_id,
            court=body.court,
        )
    auditor.record("warrant.create", "warrant", warrant.id)
    return warrant


@router.post(
    "/warrants/{warrant_id}/decision", response_model=Warrant, dependencies=[_VISIBLE_WARRANT]
)
def warrant_decision(
    warrant_id: int,
    body: WarrantDecisionIn,
    request: Request,
    viewer: PoliceViewer,
    repos: ReposDep,
    auditor: AuditDep,
) -> Warrant:
    """The court's decision: `granted` true or false, at a time."""
    with answering(request, "warrant.decide", "warrant", warrant_id):
        warrant = decide_warrant(
            repos.referrals,
            repos.warrants,
            viewer,
            warrant_id,
            granted=body.granted,
            at=body.at,
            court=body.court,
        )
    auditor.record("warrant.decide", "warrant", warrant_id, detail=warrant.status.value)
    return warrant


@router.post(
    "/warrants/{warrant_id}/execution", response_model=Warrant, dependencies=[_VISIBLE_WARRANT]
)
def warrant_execution(
    warrant_id: int,
    body: WarrantExecutionIn,
    request: Request,
    viewer: PoliceViewer,
    repos: ReposDep,
    auditor: AuditDep,
) -> Warrant:
    """Execute a granted warrant with its result (stops the referral's response clock)."""
    with answering(request, "warrant.execute", "warrant", warrant_id):
        warrant = execute_warrant(
            repos.referrals,
            repos.warrants,
            viewer,
            warrant_id,
            at=body.at,
            result=body.result,
            notes=body.notes,
        )
    auditor.record("warrant.execute", "warrant", warrant_id)
    return warrant


@router.post("/arrests", status_code=201, response_model=Arrest)
def create_arrest(
    body: ArrestIn, request: Request, viewer: PoliceViewer, repos: ReposDep, auditor: AuditDep
) -> Arrest:
    with answering(request, "arrest.create", "subject", body.subject_id):
        arrest = record_arrest(
            repos.referrals,
            repos.subjects,
            repos.arrests,
            viewer,
            body.subject_id,
            arrested_at=body.arrested_at,
            location=body.location,
            grounds=body.grounds,
            arresting_officer=body.arresting_officer,
            custody_reference=body.custody_reference,
        )
    auditor.record("arrest.create", "arrest", arrest.id)
    return arrest


@router.post("/safeguarding", status_code=201, response_model=SafeguardingRecord)
def create_safeguarding(
    body: SafeguardingIn,
    request: Request,
    viewer: PoliceViewer,
    repos: ReposDep,
    auditor: AuditDep,
) -> SafeguardingRecord:
    with answering(request, "safeguarding.create", "referral", body.referral_id):
        record = record_safeguarding(
            repos.referrals,
            repos.safeguarding,
            viewer,
            body.referral_id,
            children_identified=body.children_identified,
            children_safeguarded=body.children_safeguarded,
            referred_to_childrens_services=body.referred_to_childrens_services,
            local_authority=body.local_authority,
            notes=body.notes,
            recorded_at=body.recorded_at,
        )
    auditor.record("safeguarding.create", "safeguarding", record.id)
    return record


@router.post("/outcomes", status_code=201, response_model=Outcome)
def create_outcome(
    body: OutcomeIn, request: Request, viewer: PoliceViewer, repos: ReposDep, auditor: AuditDep
) -> Outcome:
    """Record an outcome; a final one closes the referral unless `close_case` is false."""
    with answering(request, "outcome.create", "referral", body.referral_id):
        outcome, _ = record_outcome(
            repos.referrals,
            repos.outcomes,
            viewer,
            body.referral_id,
            subjects=repos.subjects,
            kind=body.kind,
            decided_at=body.decided_at,
            subject_id=body.subject_id,
            notes=body.notes,
            close_case=body.close_case,
        )
    auditor.record("outcome.create", "outcome", outcome.id, detail=outcome.kind.value)
    return outcome


@router.post("/exhibits", status_code=201, response_model=Exhibit)
def create_exhibit(
    body: ExhibitIn, request: Request, viewer: PoliceViewer, repos: ReposDep, auditor: AuditDep
) -> Exhibit:
    with answering(request, "exhibit.create", "referral", body.referral_id):
        exhibit = record_exhibit(
            repos.referrals,
            repos.exhibits,
            viewer,
            body.referral_id,
            subjects=repos.subjects,
            warrants=repos.warrants,
            reference=body.reference,
            device_type=body.device_type,
            seal_number=body.seal_number,
            seized_at=body.seized_at,
            seized_from=body.seized_from,
            seized_by=body.seized_by,
            description=body.description,
            subject_id=body.subject_id,
            warrant_id=body.warrant_id,
        )
    auditor.record("exhibit.create", "exhibit", exhibit.id, detail=exhibit.reference)
    return exhibit


@router.get("/exhibits", response_model=list[Exhibit])
def list_exhibits(
    request: Request,
    viewer: PoliceViewer,
    repos: ReposDep,
    auditor: AuditDep,
    limit: int = Query(50, ge=1, le=500),
    offset: int = Query(0, ge=0),
) -> list[Exhibit]:
    with answering(request, "exhibit.list", "exhibit"):
        found = visible_records(repos.exhibits, viewer, limit=limit, offset=offset)
    auditor.record("exhibit.list", "exhibit", detail=f"{len(found)} shown")
    return found


@router.get("/exhibits/{exhibit_id}")
def read_exhibit(
    exhibit_id: int,
    repos: ReposDep,
    session: SessionDep,
    auditor: AuditDep,
    exhibit: Exhibit = _VISIBLE_EXHIBIT,
) -> dict[str, Any]:
    """The exhibit with its chain of custody (and whether it is unbroken) and its triage runs."""
    events = custody_events(repos.custody, exhibit)
    runs = exhibit_runs(session, repos, exhibit)
    auditor.record("exhibit.read", "exhibit", exhibit_id)
    return {
        **asdict(exhibit),
        "custody_events": [asdict(e) for e in events],
        "custody_check": asdict(check_custody(exhibit, events)),
        "triage_runs": [
            {
                "id": run.id,
                "started_at": run.started_at,
                "finished_at": run.finished_at,
                "files_scanned": run.files_scanned,
                "files_matched": run.files_matched,
                "findings": run.findings,
                "files_ignored": run.files_ignored,
                "items_in_error": run.items_in_error,
                "category_counts": run.category_counts,
            }
            for run in runs
        ],
    }


@router.get("/exhibits/{exhibit_id}/custody-events", response_model=list[CustodyEvent])
def list_custody(
    exhibit_id: int, repos: ReposDep, auditor: AuditDep, exhibit: Exhibit = _VISIBLE_EXHIBIT
) -> list[CustodyEvent]:
    auditor.record("custody.list", "exhibit", exhibit_id)
    return custody_events(repos.custody, exhibit)


@router.post(
    "/exhibits/{exhibit_id}/custody-events",
    status_code=201,
    response_model=CustodyEvent,
    dependencies=[_VISIBLE_EXHIBIT],
)
def create_custody_event(
    exhibit_id: int,
    body: CustodyEventIn,
    request: Request,
    viewer: PoliceViewer,
    repos: ReposDep,
    auditor: AuditDep,
) -> CustodyEvent:
    """Record a hand-over; it must continue the chain (from the current holder, in time order)."""
    with answering(request, "custody.create", "exhibit", exhibit_id):
        event = hand_over(
            repos.referrals,
            repos.exhibits,
            repos.custody,
            viewer,
            exhibit_id,
            handed_to=body.handed_to,
            at=body.at,
            location=body.location,
            handed_from=body.handed_from,
            purpose=body.purpose,
            seal_intact=body.seal_intact,
        )
    auditor.record("custody.create", "exhibit", exhibit_id, detail=f"to {event.handed_to}")
    return event
