"""`/api/v1/subjects`, `/risk-assessments` (created here, listed and read beside the risk
questions in `api_referrals.py`), `/warrants`, `/arrests`, `/exhibits` (+ custody events),
`/safeguarding`, `/outcomes`: create with 201, list (newest first, paged) and read; every call
audited.

The list, read and create routes are derived from the record-kinds table
(`operation/record_kinds.py`) and the table of writes (`record_writes.py`), a custody step's
under its exhibit; the routes here by hand are the steps a kind has beyond those (a warrant's
decision and execution, the helpline details note) and the exhibit's own reads (with its
custody chain and triage runs).
"""

from __future__ import annotations

from dataclasses import asdict
from typing import Any

from fastapi import APIRouter, Depends, Path, Query, Request

from netsafe.operation import record_kinds as kinds
from netsafe.operation.exhibits import CustodyEvent, Exhibit, check_custody
from netsafe.operation.record_kinds import RecordKind
from netsafe.operation.subjects import Subject
from netsafe.operation.warrants import Warrant
from netsafe.web.auditor import AuditDep
from netsafe.web.deps import SessionDep
from netsafe.web.operation.common import (
    CaseworkDep,
    ReposDep,
    answering,
    exhibit_runs,
    visible_of,
    with_body,
)
from netsafe.web.operation.record_writes import WRITES, RecordWrite
from netsafe.web.operation.schemas import (
    HelplineDetailsIn,
    WarrantDecisionIn,
    WarrantExecutionIn,
)

router = APIRouter(prefix="/api/v1", tags=["casework"])


def _list_and_read(kind: RecordKind) -> None:
    """Add `GET /{path}` and `GET /{path}/{{name}_id}` for a kind."""

    def listing(
        request: Request,
        casework: CaseworkDep,
        auditor: AuditDep,
        limit: int = Query(50, ge=1, le=500),
        offset: int = Query(0, ge=0),
    ) -> Any:
        with answering(request, f"{kind.name}.list", kind.name):
            found = casework.records(kind, limit=limit, offset=offset)
        auditor.record(f"{kind.name}.list", kind.name, detail=f"{len(found)} shown")
        return found

    def reading(auditor: AuditDep, record: Any = Depends(visible_of(kind))) -> Any:
        auditor.record(f"{kind.name}.read", kind.name, record.id)
        return record

    router.add_api_route(
        f"/{kind.path}",
        listing,
        methods=["GET"],
        response_model=list[kind.record],  # type: ignore[name-defined]
        name=f"list_{kind.name}",
    )
    router.add_api_route(
        f"/{kind.path}/{{{kind.name}_id}}",
        reading,
        methods=["GET"],
        response_model=kind.record,
        name=f"read_{kind.name}",
    )


def _create(write: RecordWrite) -> None:
    """Add `POST /{path}` (201) for a kind, from its row in the table of writes; a nested
    kind's is under its owner (`POST /exhibits/{exhibit_id}/custody-events`)."""
    kind, owner = write.kind, write.owner.removesuffix("_id")
    if kind.nested:
        _create_nested(write)
        return

    def creating(request: Request, casework: CaseworkDep, auditor: AuditDep, body: Any) -> Any:
        owner_id = write.owner_id(body)
        with answering(request, f"{kind.name}.create", owner, owner_id):
            record = write.create(casework, owner_id, **write.fields(body))
        detail = write.audit_detail(record)
        auditor.record(f"{kind.name}.create", write.audit_type, record.id, detail=detail)
        return record

    creating.__signature__ = with_body(creating, write.body)  # type: ignore[attr-defined]
    router.add_api_route(
        f"/{kind.path}",
        creating,
        methods=["POST"],
        status_code=201,
        response_model=kind.record,
        name=f"create_{kind.name}",
    )


def _create_nested(write: RecordWrite) -> None:
    """`POST /{owner's path}/{{owner}_id}/{path}` (201): the owner of the path (404 before the
    body is read when the caller may not see it); the event is audited on the owner."""
    kind, owner = write.kind, kinds.KIND_BY_NAME[write.owner.removesuffix("_id")]

    def creating(
        request: Request,
        casework: CaseworkDep,
        auditor: AuditDep,
        body: Any,
        owner_id: int = Path(alias=write.owner),
    ) -> Any:
        with answering(request, f"{kind.name}.create", owner.name, owner_id):
            record = write.create(casework, owner_id, **write.fields(body))
        detail = write.audit_detail(record)
        auditor.record(f"{kind.name}.create", owner.name, owner_id, detail=detail)
        return record

    creating.__signature__ = with_body(creating, write.body)  # type: ignore[attr-defined]
    router.add_api_route(
        f"/{owner.path}/{{{write.owner}}}/{kind.path}",
        creating,
        methods=["POST"],
        status_code=201,
        response_model=kind.record,
        dependencies=[Depends(visible_of(owner))],
        name=f"create_{kind.name}",
    )


_VISIBLE_SUBJECT = Depends(visible_of(kinds.SUBJECT))
_VISIBLE_WARRANT = Depends(visible_of(kinds.WARRANT))
_VISIBLE_EXHIBIT = Depends(visible_of(kinds.EXHIBIT))

#: Kinds listed and read elsewhere: risk assessments (`api_referrals.py`, beside their
#: questions), custody steps (under their exhibit, below) and exhibits (the examiners' filtered
#: list in `api_lists.py`; read below, with custody and triage runs). A second route on the same
#: method and path would never answer, yet /openapi.json would describe it.
_LISTED_ELSEWHERE = (kinds.RISK, kinds.CUSTODY, kinds.EXHIBIT)
for _kind in kinds.CASE_RECORD_KINDS:
    if _kind not in _LISTED_ELSEWHERE:
        _list_and_read(_kind)
for _write in WRITES:
    _create(_write)


@router.post(
    "/subjects/{subject_id}/helpline-details",
    response_model=Subject,
    dependencies=[_VISIBLE_SUBJECT],
)
def helpline_details(
    subject_id: int,
    body: HelplineDetailsIn,
    request: Request,
    casework: CaseworkDep,
    auditor: AuditDep,
) -> Subject:
    """Note that the subject or family was given the helpline's details (nothing is sent)."""
    with answering(request, "subject.helpline-details", "subject", subject_id):
        subject = casework.note_helpline_details_given(
            subject_id, given_to=body.given_to, given_at=body.given_at
        )
    auditor.record("subject.helpline-details", "subject", subject_id)
    return subject


@router.post(
    "/warrants/{warrant_id}/decision", response_model=Warrant, dependencies=[_VISIBLE_WARRANT]
)
def warrant_decision(
    warrant_id: int,
    body: WarrantDecisionIn,
    request: Request,
    casework: CaseworkDep,
    auditor: AuditDep,
) -> Warrant:
    """The court's decision: `granted` true or false, at a time."""
    with answering(request, "warrant.decide", "warrant", warrant_id):
        warrant = casework.decide_warrant(
            warrant_id, granted=body.granted, at=body.at, court=body.court
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
    casework: CaseworkDep,
    auditor: AuditDep,
) -> Warrant:
    """Execute a granted warrant with its result (stops the referral's response clock)."""
    with answering(request, "warrant.execute", "warrant", warrant_id):
        warrant = casework.execute_warrant(
            warrant_id, at=body.at, result=body.result, notes=body.notes
        )
    auditor.record("warrant.execute", "warrant", warrant_id)
    return warrant


@router.get("/exhibits/{exhibit_id}")
def read_exhibit(
    exhibit_id: int,
    repos: ReposDep,
    casework: CaseworkDep,
    session: SessionDep,
    auditor: AuditDep,
    exhibit: Exhibit = _VISIBLE_EXHIBIT,
) -> dict[str, Any]:
    """The exhibit with its chain of custody (and whether it is unbroken) and its triage runs."""
    events = casework.custody_events(exhibit)
    runs = exhibit_runs(session, exhibit)
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
    exhibit_id: int, casework: CaseworkDep, auditor: AuditDep, exhibit: Exhibit = _VISIBLE_EXHIBIT
) -> list[CustodyEvent]:
    auditor.record("custody.list", "exhibit", exhibit_id)
    return casework.custody_events(exhibit)
