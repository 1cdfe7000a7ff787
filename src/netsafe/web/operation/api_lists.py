"""The lists with filters: `GET /api/v1/referrals` (the queue: force, band, status, source,
received range, breached, due within) and `GET /api/v1/exhibits` (the examiners' list: triage
state, force, age). Each answers a page, earliest deadline (oldest seizure) first, with the
number found in all in `X-Total-Count`. Every call is audited."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

from fastapi import APIRouter, Query, Request, Response
from pydantic import BaseModel, TypeAdapter

from netsafe.operation.exhibit_list import ExhibitLine, TriageState, exhibit_list
from netsafe.operation.exhibits import DeviceType
from netsafe.operation.queue_filters import Breach, filtered_queue
from netsafe.web.auditor import AuditDep
from netsafe.web.operation.common import PoliceViewer, answering
from netsafe.web.operation.list_filters import QueueQuery, exhibit_filter
from netsafe.web.operation.schemas import ReferralOut
from netsafe.web.operation.work_common import WorkDep

router = APIRouter(prefix="/api/v1", tags=["lists"])
TOTAL_HEADER = "X-Total-Count"
#: The page's answer carries the number found in all.
PAGED: dict[int | str, dict[str, Any]] = {
    200: {
        "headers": {
            TOTAL_HEADER: {
                "description": "How many records the filter finds in all (every page).",
                "schema": {"type": "integer"},
            }
        }
    }
}


class ExhibitLineOut(BaseModel):
    """An exhibit in the list: the exhibit, its case and force, who holds it, its triage."""

    id: int
    referral_id: int
    reference: str
    device_type: DeviceType
    seal_number: str
    seized_at: datetime
    seized_by: str
    seized_from: str
    description: str
    subject_id: int | None
    warrant_id: int | None
    force: str
    case_reference: str
    holder: str
    triage_state: TriageState
    triage_runs: int
    files_matched: int
    last_triaged_at: datetime | None

    @classmethod
    def of(cls, line: ExhibitLine) -> ExhibitLineOut:
        e = line.exhibit
        return cls(
            id=e.id,
            referral_id=e.referral_id,
            reference=e.reference,
            device_type=e.device_type,
            seal_number=e.seal_number,
            seized_at=e.seized_at,
            seized_by=e.seized_by,
            seized_from=e.seized_from,
            description=e.description,
            subject_id=e.subject_id,
            warrant_id=e.warrant_id,
            force=line.force,
            case_reference=line.case_reference,
            holder=line.holder,
            triage_state=line.triage_state,
            triage_runs=line.runs,
            files_matched=line.files_matched,
            last_triaged_at=line.last_triaged_at,
        )


#: Lists written straight to JSON (returned as lists, FastAPI would validate them once more).
_REFERRAL_LIST = TypeAdapter(list[ReferralOut])
_EXHIBIT_LIST = TypeAdapter(list[ExhibitLineOut])


@router.get("/referrals", response_model=list[ReferralOut], responses=PAGED)
def queue(
    request: Request,
    viewer: PoliceViewer,
    work: WorkDep,
    auditor: AuditDep,
    awaiting_only: bool = False,
    force: list[str] = Query([], description="Force areas (repeat for several)."),
    band: list[str] = Query([], description="Risk bands, or `unassessed`."),
    status: list[str] = Query(
        [], description="`open` (default: new, assessed, actioned), `all`, or statuses."
    ),
    source: list[str] = Query([], description="Referral sources."),
    received_from: date | None = Query(None, description="Received on or after this day (UTC)."),
    received_to: date | None = Query(None, description="Received on or before this day (UTC)."),
    breached: Breach | None = Query(None, description="Deadline breached (`yes`) or not (`no`)."),
    due_within_hours: int | None = Query(
        None, ge=1, le=24 * 366, description="Awaiting a response, due within this many hours."
    ),
    limit: int = Query(50, ge=1, le=500),
    offset: int = Query(0, ge=0, le=10**9),
) -> Response:
    """The caller's queue: referrals they may see (open ones unless `status` says otherwise)
    matching the filters, earliest deadline first; `X-Total-Count` gives the number found."""
    now = datetime.now(UTC)
    query = QueueQuery(
        status=status,
        force=force,
        band=band,
        source=source,
        received_from=received_from,
        received_to=received_to,
        breached=breached,
        awaiting_only=awaiting_only,
        due_within_hours=due_within_hours,
    )
    with answering(request, "referral.list", "referral"):
        page = filtered_queue(
            work.queue, viewer, query.to_filter(now), now, limit=limit, offset=offset
        )
    auditor.record(
        "referral.list", "referral", detail=f"{len(page.referrals)} shown of {page.total}"
    )
    body = _REFERRAL_LIST.dump_json([ReferralOut.of(r, now) for r in page.referrals])
    return Response(body, media_type="application/json", headers={TOTAL_HEADER: str(page.total)})


@router.get("/exhibits", response_model=list[ExhibitLineOut], responses=PAGED)
def exhibits(
    request: Request,
    viewer: PoliceViewer,
    work: WorkDep,
    auditor: AuditDep,
    triage: TriageState | None = Query(None, description="How far examination has gone."),
    force: list[str] = Query([], description="Force areas (repeat for several)."),
    min_age_days: int | None = Query(
        None, ge=0, le=36_500, description="Seized at least this many days ago."
    ),
    max_age_days: int | None = Query(
        None, ge=0, le=36_500, description="Seized at most this many days ago."
    ),
    limit: int = Query(50, ge=1, le=500),
    offset: int = Query(0, ge=0, le=10**9),
) -> Response:
    """Exhibits the caller may see, oldest seizure first, with their case, holder and triage
    (awaiting triage, triaged, with matches); `X-Total-Count` gives the number found."""
    now = datetime.now(UTC)
    with answering(request, "exhibit.list", "exhibit"):
        wanted = exhibit_filter(
            triage=triage,
            force=force,
            min_age_days=min_age_days,
            max_age_days=max_age_days,
            now=now,
        )
        page = exhibit_list(work.exhibit_list, viewer, wanted, limit=limit, offset=offset)
    auditor.record("exhibit.list", "exhibit", detail=f"{len(page.lines)} shown of {page.total}")
    body = _EXHIBIT_LIST.dump_json([ExhibitLineOut.of(line) for line in page.lines])
    return Response(body, media_type="application/json", headers={TOTAL_HEADER: str(page.total)})
