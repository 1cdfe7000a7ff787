"""Audit sealing: how a request's or command's audit events reach the hash chain.

The interface, all that the web app and the CLI call:
- `append_at_commit(session, events)`: queue events; they are written to `audit_pending` inside
  the session's own transaction (committed or rolled back with the action);
- `defer_seal(session)`, `seal_due(session)`, `leave_seal_to_running(session)`,
  `seal_deferred(session)`: the web app's seal after its response is sent (`web/deps.py`);
- `seal_pending(engine)`: chain everything pending, in transactions of its own (the CLI);
- `seal_pending_in(session)`: the same inside the caller's transaction (readers of the log).

A request does not chain its events itself (that would make every request wait for the commits
of all others): `append_at_commit` writes them into `audit_pending` inside the request's own
transaction, so they commit or roll back with the action; right after the commit `seal_pending`
chains every pending event into `audit_log` in one short transaction. When another process is
sealing at that moment (PostgreSQL), the events are left for that or the next seal; reading the
log (`GET /api/v1/audit`, `netsafe audit verify`) seals first and so always sees them.

Seals after commits are coalesced per process: while one thread seals, others that commit leave
their events to it and it seals once more when done, so under load one seal chains the events of
many requests. The web app defers the seal until its response is sent (`defer_seal`,
`seal_deferred`): the request's commit, with its audit events, still comes first.
"""

from __future__ import annotations

import functools
import logging
import threading
import weakref
from collections.abc import Iterator, Sequence
from typing import Any, cast

from sqlalchemy import Engine, Table, delete, event, insert, select
from sqlalchemy.orm import Session, SessionTransaction
from sqlalchemy.sql.dml import ReturningDelete

from netsafe.platform.audit import AuditEvent, AuditQuery, AuditRecord, ChainHead, record
from netsafe.store.models.platform import AuditPendingRow
from netsafe.store.repositories.audit import SqlAuditRepository, engine_of, event_values
from netsafe.timestamps import as_utc

__all__ = [
    "append_at_commit",
    "defer_seal",
    "leave_seal_to_running",
    "seal_deferred",
    "seal_due",
    "seal_pending",
    "seal_pending_in",
]

SEAL_BATCH = 5000
_PENDING = "netsafe.audit.pending"
_WROTE_PENDING = "netsafe.audit.wrote-pending"
_SEAL_DUE = "netsafe.audit.seal-due"
_DEFER_SEAL = "netsafe.audit.defer-seal"
_PENDING_TABLE = cast(Table, AuditPendingRow.__table__)
_INSERT_PENDING = insert(_PENDING_TABLE)
log = logging.getLogger(__name__)


def append_at_commit(session: Session, events: Sequence[AuditEvent]) -> None:
    """Queue `events`: written to `audit_pending` just before `session` commits (nothing if it
    rolls back), chained into the log right after the commit."""
    pending: list[AuditEvent] | None = session.info.get(_PENDING)
    if pending is None:
        _listen_to_sessions()
        pending = []
        session.info[_PENDING] = pending
    pending.extend(events)


_LISTENING = False
_LISTENING_LOCK = threading.Lock()


def _listen_to_sessions() -> None:
    """Hook the commit of every `Session` once per process (each hook returns at once for a
    session without pending events). Hooking each session that appends instead cost ~0.1 ms a
    request: SQLAlchemy builds listener collections per instance."""
    global _LISTENING
    if _LISTENING:
        return
    with _LISTENING_LOCK:
        if not _LISTENING:
            event.listen(Session, "before_commit", _write_pending)
            event.listen(Session, "after_commit", _committed)
            event.listen(Session, "after_transaction_end", _seal_after_release)
            event.listen(Session, "after_rollback", _drop_pending)
            _LISTENING = True


def _write_pending(session: Session) -> None:
    pending: list[AuditEvent] | None = session.info.get(_PENDING)
    if pending:
        rows = [event_values(e) for e in pending]
        pending.clear()
        session.execute(_INSERT_PENDING, rows)
        session.info[_WROTE_PENDING] = True


def _committed(session: Session) -> None:
    if session.info.pop(_WROTE_PENDING, False):
        session.info[_SEAL_DUE] = True


def _seal_after_release(session: Session, transaction: SessionTransaction) -> None:
    """Once the committed transaction has given its connection back, seal (never holding two
    connections at once, so a busy pool cannot deadlock)."""
    if transaction.parent is not None or session.info.get(_DEFER_SEAL):
        return
    if session.info.pop(_SEAL_DUE, False):
        _seal_committed(session)


def defer_seal(session: Session) -> None:
    """Leave the seal after `session`'s commit to the caller's `seal_deferred(session)` (the web
    app: once its response is sent)."""
    session.info[_DEFER_SEAL] = True


def seal_due(session: Session) -> bool:
    """Whether `session` committed audit events that its caller has still to seal."""
    return bool(session.info.get(_SEAL_DUE))


def seal_deferred(session: Session) -> None:
    """Chain the events `session` committed, if any (for a session given to `defer_seal`)."""
    if session.info.pop(_SEAL_DUE, False):
        _seal_committed(session)


class _SealFlight:
    """At most one seal at a time per engine in this process. A thread finding one running
    leaves its events to it: the running thread seals again before it stops."""

    def __init__(self) -> None:
        self._running = threading.Lock()
        self._due = False

    def seal(self, engine: Engine) -> None:
        self._due = True
        while self._due and self._running.acquire(blocking=False):
            try:
                self._due = False
                seal_pending(engine, wait=False)
            finally:
                self._running.release()

    def leave_to_running(self) -> bool:
        """Ask for a seal; True when one is running, which will then seal once more before it
        stops (so the caller need not start one). `_due` is set before the lock is looked at:
        a seal seen running has yet to release it, and reads `_due` after releasing."""
        self._due = True
        return self._running.locked()


_FLIGHTS: weakref.WeakKeyDictionary[Engine, _SealFlight] = weakref.WeakKeyDictionary()
_FLIGHTS_LOCK = threading.Lock()


def _flight(session: Session) -> tuple[Engine, _SealFlight]:
    engine = engine_of(session)
    with _FLIGHTS_LOCK:
        flight = _FLIGHTS.get(engine)
        if flight is None:
            flight = _FLIGHTS[engine] = _SealFlight()
    return engine, flight


def leave_seal_to_running(session: Session) -> bool:
    """For a session given to `defer_seal`: when a seal is running in this process, leave the
    events `session` committed to it (it seals once more before it stops) and return True;
    otherwise False, and the caller runs `seal_deferred(session)`. Costs no database work, so
    an event loop can ask before handing the seal to a worker thread."""
    if not session.info.get(_SEAL_DUE):
        return True
    _engine, flight = _flight(session)
    if flight.leave_to_running():
        session.info.pop(_SEAL_DUE, None)
        return True
    return False


def _seal_committed(session: Session) -> None:
    engine, flight = _flight(session)
    try:
        flight.seal(engine)
    except Exception:  # the action is committed; its events wait for the next seal
        log.exception("could not seal the pending audit events (the next seal will)")


def _drop_pending(session: Session) -> None:
    pending: list[AuditEvent] | None = session.info.get(_PENDING)
    if pending:
        pending.clear()
    session.info.pop(_WROTE_PENDING, None)


def seal_pending(engine: Engine, *, wait: bool = True) -> int:
    """Chain every pending event into the log, oldest first, in transactions of its own; return
    how many. `wait=False` gives up at once when another transaction holds the head (it or the
    next seal will take these events)."""
    sealed = 0
    while True:
        with Session(engine) as session, session.begin():
            head = None if wait else SqlAuditRepository(session).try_lock_head()
            if not wait and head is None:
                return sealed
            batch = seal_pending_in(session, limit=SEAL_BATCH, head=head)
        sealed += batch
        if batch < SEAL_BATCH:
            return sealed


class _LockedHead:
    """The repository with its head lock already held: `record` reuses the head read once."""

    def __init__(self, repository: SqlAuditRepository, head: ChainHead) -> None:
        self._repository = repository
        self._head = head

    @property
    def key(self) -> bytes:
        return self._repository.key

    def lock_head(self) -> ChainHead:
        return self._head

    def head(self) -> ChainHead:
        return self._head

    def insert(self, records: Sequence[AuditRecord]) -> None:
        self._repository.insert(records)

    def set_head(self, head: ChainHead) -> None:
        self._repository.set_head(head)

    def records(self) -> Iterator[AuditRecord]:
        return self._repository.records()

    def query(self, query: AuditQuery) -> list[AuditRecord]:
        return self._repository.query(query)


_PENDING_COLUMNS = (
    "id", "at", "action", "resource_type", "resource_id", "actor_user_id", "actor",
    "actor_agency", "request_id", "client", "outcome", "detail",
)  # fmt: skip


def seal_pending_in(
    session: Session, *, limit: int | None = None, head: ChainHead | None = None
) -> int:
    """Chain pending events into the log inside `session`'s transaction (taking the head lock
    until it ends, unless `head` is given: the lock already taken, and the head it read); return
    how many.

    The events are taken out of `audit_pending` and returned by one `DELETE … RETURNING` (safe:
    only the head lock's holder takes them), then chained in id order."""
    repository = SqlAuditRepository(session)
    head = head if head is not None else repository.lock_head()
    returned = session.execute(_take_pending(limit))
    rows = sorted(returned, key=lambda row: int(row[0]))
    if not rows:
        return 0
    record(_LockedHead(repository, head), [_pending_event(row) for row in rows])
    return len(rows)


@functools.lru_cache(maxsize=4)
def _take_pending(limit: int | None) -> ReturningDelete[Any]:
    """`DELETE … RETURNING` of the oldest `limit` pending events (all with None), built once."""
    table = _PENDING_TABLE
    oldest = select(table.c.id).order_by(table.c.id)
    taken = delete(table).where(table.c.id.in_(oldest.limit(limit) if limit else oldest))
    return taken.returning(*(table.c[name] for name in _PENDING_COLUMNS))


def _pending_event(r: Any) -> AuditEvent:
    return AuditEvent(
        at=as_utc(r.at),
        action=r.action,
        resource_type=r.resource_type,
        resource_id=r.resource_id,
        actor_user_id=r.actor_user_id,
        actor=r.actor,
        actor_agency=r.actor_agency,
        request_id=r.request_id,
        client=r.client,
        outcome=r.outcome,
        detail=r.detail,
    )
