"""Recording audit events from a request: `auditor.record(action, resource_type, resource_id)`.

```python
@router.get("/api/v1/referrals/{referral_id}")
def read(referral_id: int, viewer: Annotated[Viewer, Depends(allow(...))], auditor: AuditDep):
    ...
    auditor.record("referral.read", "referral", referral_id)
```
The event carries the viewer, time, request id and client address; it is written with the
request's transaction (never if that rolls back) and chained into the log right after the commit
(`store.audit_seal`). `record_now` writes at once in a transaction of its own, for
refusals that end the request with an error.
"""

from __future__ import annotations

import logging
from datetime import UTC, datetime
from typing import Annotated

from fastapi import Depends, Request
from sqlalchemy.orm import Session

from netsafe.platform.audit import AuditEvent, Outcome
from netsafe.platform.roles import Viewer
from netsafe.store.audit_seal import append_at_commit
from netsafe.store.engine import unit_of_work
from netsafe.web.anonymous_requests import day_start, is_anonymous_path
from netsafe.web.deps import SessionDep

log = logging.getLogger(__name__)


def storable(text: str | None, limit: int | None = None) -> str | None:
    """`text` (cut to `limit` characters, if given) with any NUL or lone surrogate replaced, so
    an audit event can always be written (PostgreSQL refuses NUL in text; no database takes a
    lone surrogate)."""
    if text is None:
        return None
    cut = text[:limit].replace("\x00", "\ufffd")
    return cut.encode("utf-8", errors="replace").decode("utf-8")


def client_address(request: Request) -> str | None:
    """The client's IP (uvicorn puts the proxy's X-Forwarded-For here when trusted)."""
    return None if request.client is None else request.client.host[:64]


def audit_event(
    request: Request,
    action: str,
    resource_type: str,
    resource_id: object = None,
    *,
    outcome: str = Outcome.OK,
    detail: str | None = None,
    viewer: Viewer | None = None,
    actor: str | None = None,
) -> AuditEvent:
    """An event for this request, by `viewer` (default: the authenticated viewer, if any).

    An anonymous visitor of the public help, report and deterrence paths is recorded without
    address and with the day alone (`anonymous_requests.is_anonymous_path`)."""
    viewer = viewer or getattr(request.state, "viewer", None)
    unplaced = viewer is None and is_anonymous_path(request.scope.get("path", ""))
    now = datetime.now(UTC)
    return AuditEvent(
        at=day_start(now) if unplaced else now,
        action=action,
        resource_type=resource_type,
        resource_id=storable(None if resource_id is None else str(resource_id), 80),
        actor_user_id=None if viewer is None else viewer.user_id,
        actor=storable(actor, 63) or ("anonymous" if viewer is None else viewer.username),
        actor_agency=None if viewer is None else viewer.agency,
        request_id=getattr(request.state, "request_id", None),
        client=None if unplaced else client_address(request),
        outcome=outcome,
        detail=storable(detail),
    )


class Auditor:
    """Records this request's audit events in its own transaction (`AuditDep`)."""

    def __init__(self, request: Request, session: Session) -> None:
        self._request = request
        self._session = session

    def record(
        self,
        action: str,
        resource_type: str,
        resource_id: object = None,
        *,
        outcome: str = Outcome.OK,
        detail: str | None = None,
        actor: str | None = None,
    ) -> None:
        """Audit `action` (e.g. `referral.read`) on `resource_type` `resource_id`."""
        event = audit_event(
            self._request,
            action,
            resource_type,
            resource_id,
            outcome=outcome,
            detail=detail,
            actor=actor,
        )
        append_at_commit(self._session, [event])


def record_now(request: Request, event: AuditEvent) -> None:
    """Append `event` at once, in its own transaction (for requests that end in an error)."""
    try:
        with unit_of_work(request.app.state.sessions) as session:
            append_at_commit(session, [event])
    except Exception:  # an audit failure must not hide the refusal being answered
        log.exception("could not record audit event %s", event.action)


async def _auditor(request: Request, session: SessionDep) -> Auditor:
    return Auditor(request, session)


AuditDep = Annotated[Auditor, Depends(_auditor)]
