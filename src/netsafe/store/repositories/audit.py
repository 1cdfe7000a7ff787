"""SQL implementation of `netsafe.platform.audit.AuditRepository` over `audit_log` and
`audit_head`. How a request's events reach the chain (pending, then sealed) is
`netsafe.store.audit_seal`.

Appenders serialise on the chain head: on PostgreSQL a transaction-scoped advisory lock, on
SQLite the database write lock (a no-op update of the one `audit_head` row). The lock is held
until the transaction ends, so two appenders never extend the same head.
"""

from __future__ import annotations

import weakref
from collections.abc import Iterator, Sequence
from typing import Any, cast

from sqlalchemy import (
    Engine,
    Table,
    bindparam,
    func,
    insert,
    select,
    update,
)
from sqlalchemy.orm import Session

from netsafe.platform.audit import (
    AuditEvent,
    AuditQuery,
    AuditRecord,
    ChainHead,
)
from netsafe.settings import DEVELOPMENT_AUDIT_KEY
from netsafe.store.models.platform import AuditHeadRow, AuditRow
from netsafe.timestamps import as_utc

HEAD_ID = 1
#: The PostgreSQL advisory lock of the chain head: this class id ("NSAU" in ASCII) and the hash of
#: the schema, so NetSafe databases sharing one PostgreSQL database in schemas never contend.
HEAD_LOCK_CLASS = 0x4E534155
_SCHEMA_KEY = func.hashtext(func.current_schema())
#: The columns of a record, in the order `records` unpacks them.
_COLUMNS = (
    "id", "at", "action", "resource_type", "resource_id", "actor_user_id", "actor",
    "actor_agency", "request_id", "client", "outcome", "detail", "prev_hash", "hash", "scheme",
)  # fmt: skip
#: The tables, written with Core statements: the ORM's bulk-insert and bulk-update machinery
#: cost more than the statements themselves, on every request (pending) and every seal.
_LOG = cast(Table, AuditRow.__table__)
_HEAD = cast(Table, AuditHeadRow.__table__)
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
        **event_values(rec.event),
        "prev_hash": rec.prev_hash,
        "hash": rec.hash,
        "scheme": rec.scheme,
    }


#: The chain key of each engine (`use_audit_key`); engines not given one use the development key.
_KEYS: weakref.WeakKeyDictionary[Engine, bytes] = weakref.WeakKeyDictionary()


def use_audit_key(engine: Engine, key: bytes) -> None:
    """Chain (and verify) the audit log of `engine`'s database with `key` (NETSAFE_AUDIT_KEY)."""
    _KEYS[engine] = key


def engine_of(session: Session) -> Engine:
    bind = session.get_bind()
    return bind if isinstance(bind, Engine) else bind.engine


class SqlAuditRepository:
    """The audit log in the `audit_log` and `audit_head` tables of the caller's session."""

    def __init__(self, session: Session) -> None:
        self._session = session

    @property
    def key(self) -> bytes:
        """The chain's HMAC key: the one given to the engine, else the development key."""
        return _KEYS.get(engine_of(self._session), DEVELOPMENT_AUDIT_KEY.encode())

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


def event_values(e: AuditEvent) -> dict[str, object]:
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
