"""SQL implementation of `netsafe.platform.audit.AuditRepository`, and how requests append.

Appenders serialise on the chain head: on PostgreSQL a transaction-scoped advisory lock, on
SQLite the database write lock (a no-op update of the one `audit_head` row). The lock is held
until the transaction ends, so two appenders never extend the same head.

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

from sqlalchemy import (
    Engine,
    Table,
    bindparam,
    delete,
    event,
    func,
    insert,
    select,
    update,
)
from sqlalchemy.orm import Session, SessionTransaction
from sqlalchemy.sql.dml import ReturningDelete

from netsafe.platform.audit import (
    AuditEvent,
    AuditQuery,
    AuditRecord,
    ChainHead,
    record,
)
from netsafe.settings import DEVELOPMENT_AUDIT_KEY
from netsafe.store.models.platform import AuditHeadRow, AuditPendingRow, AuditRow
from netsafe.timestamps import as_utc

HEAD_ID = 1
#: The PostgreSQL advisory lock of the chain head: this class id ("NSAU" in ASCII) and the hash of
#: the schema, so NetSafe databases sharing one PostgreSQL database in schemas never contend.
HEAD_LOCK_CLASS = 0x4E534155
SEAL_BATCH = 5000
_WROTE_PENDING = "netsafe.audit.wrote-pending"
_SEAL_DUE = "netsafe.audit.seal-due"
_DEFER_SEAL = "netsafe.audit.defer-seal"
_SCHEMA_KEY = func.hashtext(func.current_schema())
#: The columns of a record, in the order `records` unpacks them.
_COLUMNS = (
    "id", "at", "action", "resource_type", "resource_id", "actor_user_id", "actor",
    "actor_agency", "request_id", "client", "outcome", "detail", "prev_hash", "hash", "scheme",
)  # fmt: skip
_PENDING = "netsafe.audit.pending"
#: The tables, written with Core statements: the ORM's bulk-insert and bulk-update machinery
#: cost more than the statements themselves, on every request (pending) and every seal.
_LOG = cast(Table, AuditRow.__table__)
_HEAD = cast(Table, AuditHeadRow.__table__)
_PENDING_TABLE = cast(Table, AuditPendingRow.__table__)
# The statements of every request and seal, built once: building one and its cache key took as
# long as running it.
_TRY_LOCK = select(func.pg_try_advisory_xact_lock(HEAD_LOCK_CLASS, _SCHEMA_KEY))
_READ_HEAD = select(_HEAD.c.seq, _HEAD.c.hash).where(_HEAD.c.id == HEAD_ID)
_SET_HEAD = (
    update(_HEAD)
    .where(_HEAD.c.id == HEAD_ID)
    .values(seq=bindparam("head_seq"), hash=bindparam("head_hash"))
)
_INSERT_LOG = insert(_LOG)
_INSERT_PENDING = insert(_PENDING_TABLE)
log = logging.getLogger(__name__)


def _to_domain(row: Any) -> AuditRecord:
    """A record from an `AuditRow` or a Core row of `audit_log` (same attribute names)."""
    event_ = AuditEvent(
        at=as_utc(row.at),
        action=row.action,
        resource_type=row.resource_type,
        resource_id=row.resource_id,
        actor_user_id=row.actor_user_id,
        actor=row.actor,
        actor_agency=row.actor_agency,
        request_id=row.request_id,
        client=row.client,
        outcome=row.outcome,
        detail=row.detail,
    )
    return AuditRecord(
        seq=row.id, event=event_, prev_hash=row.prev_hash, hash=row.hash, scheme=row.scheme
    )


def _to_row(rec: AuditRecord) -> dict[str, object]:
    return {
        "id": rec.seq,
        **_event_values(rec.event),
        "prev_hash": rec.prev_hash,
        "hash": rec.hash,
        "scheme": rec.scheme,
    }


#: The chain key of each engine (`use_audit_key`); engines not given one use the development key.
_KEYS: weakref.WeakKeyDictionary[Engine, bytes] = weakref.WeakKeyDictionary()


def use_audit_key(engine: Engine, key: bytes) -> None:
    """Chain (and verify) the audit log of `engine`'s database with `key` (NETSAFE_AUDIT_KEY)."""
    _KEYS[engine] = key


def _engine_of(session: Session) -> Engine:
    bind = session.get_bind()
    return bind if isinstance(bind, Engine) else bind.engine


class SqlAuditRepository:
    """The audit log in the `audit_log` and `audit_head` tables of the caller's session."""

    def __init__(self, session: Session) -> None:
        self._session = session

    @property
    def key(self) -> bytes:
        """The chain's HMAC key: the one given to the engine, else the development key."""
        return _KEYS.get(_engine_of(self._session), DEVELOPMENT_AUDIT_KEY.encode())

    def _is_postgresql(self) -> bool:
        return self._session.get_bind().dialect.name == "postgresql"

    def try_lock_head(self) -> ChainHead | None:
        """Take the head lock if nobody holds it and return the head; None when another
        transaction holds it (PostgreSQL). Elsewhere wait for the lock.

        The head is read by a statement of its own, after the lock is taken: read in the same
        statement, it would come from that statement's snapshot, taken before the lock, and
        could miss the seal whose commit released the lock (the chain would fork)."""
        if not self._is_postgresql():
            return self.lock_head()
        return self.head() if self._session.scalar(_TRY_LOCK) else None

    def lock_head(self) -> ChainHead:
        if self._is_postgresql():
            self._session.execute(select(func.pg_advisory_xact_lock(HEAD_LOCK_CLASS, _SCHEMA_KEY)))
            return self.head()
        result = self._session.execute(
            update(_HEAD).where(_HEAD.c.id == HEAD_ID).values(seq=_HEAD.c.seq)
        )
        if getattr(result, "rowcount", 0) == 0:  # a database migrated without its head row
            self._session.execute(insert(_HEAD).values(id=HEAD_ID, seq=0, hash="0" * 64))
        return self.head()

    def head(self) -> ChainHead:
        row = self._session.execute(_READ_HEAD).one_or_none()
        return ChainHead() if row is None else ChainHead(int(row.seq), row.hash)

    def insert(self, records: Sequence[AuditRecord]) -> None:
        self._session.execute(_INSERT_LOG, [_to_row(r) for r in records])

    def set_head(self, head: ChainHead) -> None:
        self._session.execute(_SET_HEAD, {"head_seq": head.seq, "head_hash": head.hash})

    def records(self) -> Iterator[AuditRecord]:
        c = AuditRow.__table__.c
        statement = (
            select(*(c[name] for name in _COLUMNS)).order_by(c.id).execution_options(yield_per=5000)
        )
        for row in self._session.execute(statement):
            seq, at, action, rtype, rid, uid, actor, agency, req, client, outcome, detail, *h = row
            event_ = AuditEvent(
                as_utc(at), action, rtype, rid, uid, actor, agency, req, client, outcome, detail
            )
            yield AuditRecord(seq, event_, h[0], h[1], h[2])

    def query(self, query: AuditQuery) -> list[AuditRecord]:
        statement = select(AuditRow).order_by(AuditRow.id.desc()).limit(query.limit)
        filters = {
            AuditRow.actor: query.actor,
            AuditRow.actor_agency: query.actor_agency,
            AuditRow.action: query.action,
            AuditRow.resource_type: query.resource_type,
            AuditRow.resource_id: query.resource_id,
            AuditRow.outcome: query.outcome,
        }
        for column, value in filters.items():
            if value is not None:
                statement = statement.where(column == value)
        if query.since is not None:
            statement = statement.where(AuditRow.at >= as_utc(query.since))
        if query.until is not None:
            statement = statement.where(AuditRow.at < as_utc(query.until))
        if query.before is not None:
            statement = statement.where(AuditRow.id < query.before)
        return [_to_domain(row) for row in self._session.scalars(statement)]


def _event_values(e: AuditEvent) -> dict[str, object]:
    """An event's columns, shared by `audit_log` and `audit_pending`."""
    return {
        "at": as_utc(e.at),
        "action": e.action,
        "resource_type": e.resource_type,
        "resource_id": e.resource_id,
        "actor_user_id": e.actor_user_id,
        "actor": e.actor,
        "actor_agency": e.actor_agency,
        "request_id": e.request_id,
        "client": e.client,
        "outcome": e.outcome,
        "detail": e.detail,
    }


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
        rows = [_event_values(e) for e in pending]
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
    engine = _engine_of(session)
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
