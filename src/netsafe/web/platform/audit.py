"""The audit log over the web: `GET /api/v1/audit` (JSON) and the Audit page.

Supervisors read the events of their own agency's users; the operation lead and admins read all.
Reading the log is itself audited.
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any
from urllib.parse import urlencode

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import HTMLResponse, Response
from pydantic import BaseModel

from netsafe.platform.audit import AuditQuery, AuditRecord
from netsafe.platform.roles import Role, Viewer
from netsafe.store.audit_seal import seal_pending_in
from netsafe.store.repositories.audit import SqlAuditRepository
from netsafe.web.auditor import AuditDep
from netsafe.web.deps import SessionDep, TemplatesDep
from netsafe.web.policy import allow

#: Roles that may read the audit log (a supervisor: their own agency's users' events).
AUDIT_READERS = (Role.SUPERVISOR, Role.OPERATION_LEAD, Role.ADMIN)
AuditReader = Annotated[Viewer, Depends(allow(*AUDIT_READERS))]
MAX_LIMIT = 500

router = APIRouter(tags=["audit"])


class AuditRecordOut(BaseModel):
    """One audit row."""

    seq: int
    at: datetime
    actor: str
    actor_user_id: int | None
    actor_agency: str | None
    action: str
    resource_type: str
    resource_id: str | None
    request_id: str | None
    client: str | None
    outcome: str
    detail: str | None
    hash: str


class AuditPage(BaseModel):
    """A page of the log, newest first; pass `next_before` as `before` for the next page."""

    items: list[AuditRecordOut]
    next_before: int | None


def _out(rec: AuditRecord) -> AuditRecordOut:
    e = rec.event
    return AuditRecordOut(
        seq=rec.seq,
        at=e.at,
        actor=e.actor,
        actor_user_id=e.actor_user_id,
        actor_agency=e.actor_agency,
        action=e.action,
        resource_type=e.resource_type,
        resource_id=e.resource_id,
        request_id=e.request_id,
        client=e.client,
        outcome=e.outcome,
        detail=e.detail,
        hash=rec.hash,
    )


def audit_query(
    viewer: AuditReader,
    actor: Annotated[str | None, Query(max_length=63)] = None,
    actor_agency: Annotated[str | None, Query(max_length=40)] = None,
    action: Annotated[str | None, Query(max_length=80)] = None,
    resource_type: Annotated[str | None, Query(max_length=40)] = None,
    resource_id: Annotated[str | None, Query(max_length=80)] = None,
    outcome: Annotated[str | None, Query(max_length=20)] = None,
    since: datetime | None = None,
    until: datetime | None = None,
    before: Annotated[int | None, Query(ge=1)] = None,
    limit: Annotated[int, Query(ge=1, le=MAX_LIMIT)] = 50,
) -> AuditQuery:
    """The filters asked for; a supervisor's are narrowed to their own agency."""
    if viewer.role is Role.SUPERVISOR:
        actor_agency = viewer.agency
    return AuditQuery(
        actor=actor or None,
        actor_agency=actor_agency or None,
        action=action or None,
        resource_type=resource_type or None,
        resource_id=resource_id or None,
        outcome=outcome or None,
        since=since,
        until=until,
        before=before,
        limit=limit,
    )


AuditQueryDep = Annotated[AuditQuery, Depends(audit_query)]


def _page(session: SessionDep, query: AuditQuery) -> AuditPage:
    seal_pending_in(session)  # events of requests still waiting for their seal
    records = SqlAuditRepository(session).query(query)
    more = len(records) == query.limit and records[-1].seq > 1
    return AuditPage(
        items=[_out(r) for r in records], next_before=records[-1].seq if more else None
    )


@router.get("/api/v1/audit", response_model=AuditPage)
def read_audit(
    viewer: AuditReader, query: AuditQueryDep, session: SessionDep, auditor: AuditDep
) -> AuditPage:
    """The audit log, newest first, filtered; `before` pages back (supervisor: own agency)."""
    page = _page(session, query)
    auditor.record("audit.read", "audit", None, detail=f"{len(page.items)} rows")
    return page


@router.get("/audit", response_class=HTMLResponse, include_in_schema=False)
def audit_page(
    request: Request,
    viewer: AuditReader,
    query: AuditQueryDep,
    session: SessionDep,
    templates: TemplatesDep,
    auditor: AuditDep,
) -> Response:
    page = _page(session, query)
    auditor.record("audit.read", "audit", None, detail=f"{len(page.items)} rows (page)")
    filters: dict[str, Any] = {
        name: getattr(query, name) or ""
        for name in ("actor", "action", "resource_type", "resource_id", "outcome")
    }
    next_query = None
    if page.next_before is not None:
        params = {k: v for k, v in filters.items() if v} | {"before": page.next_before}
        next_query = urlencode(params)
    return templates.TemplateResponse(
        request,
        "audit.html",
        {
            "page": page,
            "filters": filters,
            "own_agency_only": viewer.role is Role.SUPERVISOR,
            "next_query": next_query,
        },
    )
