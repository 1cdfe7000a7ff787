"""SQL implementation of `netsafe.operation.audit.AuditRepository`.

Appenders serialise on the one `audit_head` row: `lock_head` first updates it (a no-op update),
which takes its row lock on PostgreSQL and the database write lock on SQLite, then reads it. The
lock is held until the transaction ends, so two appenders can never both extend the same head.
`append_at_commit` defers a request's events to just before its commit, keeping that lock short.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import Any

from sqlalchemy import event, insert, select, update
from sqlalchemy.orm import Session

from netsafe.operation.audit import (
    AuditEvent,
    AuditQuery,
    AuditRecord,
    ChainHead,
    record,
    utc,
)
from netsafe.store.models.platform import AuditHeadRow, AuditRow

HEAD_ID = 1
#: The columns of a record, in the order `records` unpacks them.
_COLUMNS = (
    "id", "at", "action", "resource_type", "resource_id", "actor_user_id", "actor",
    "actor_agency", "request_id", "client", "outcome", "detail", "prev_hash", "hash",
)  # fmt: skip
_PENDING = "netsafe.audit.pending"


def _to_domain(row: Any) -> AuditRecord:
    """A record from an `AuditRow` or a Core row of `audit_log` (same attribute names)."""
    event_ = AuditEvent(
        at=utc(row.at),
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
    return AuditRecord(seq=row.id, event=event_, prev_hash=row.prev_hash, hash=row.hash)


def _to_row(rec: AuditRecord) -> dict[str, object]:
    e = rec.event
    return {
        "id": rec.seq,
        "at": utc(e.at),
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
        "prev_hash": rec.prev_hash,
        "hash": rec.hash,
    }


class SqlAuditRepository:
    """The audit log in the `audit_log` and `audit_head` tables of the caller's session."""

    def __init__(self, session: Session) -> None:
        self._session = session

    def lock_head(self) -> ChainHead:
        result = self._session.execute(
            update(AuditHeadRow).where(AuditHeadRow.id == HEAD_ID).values(seq=AuditHeadRow.seq)
        )
        if getattr(result, "rowcount", 0) == 0:  # a database migrated without its head row
            self._session.execute(insert(AuditHeadRow).values(id=HEAD_ID, seq=0, hash="0" * 64))
        return self.head()

    def head(self) -> ChainHead:
        row = self._session.execute(
            select(AuditHeadRow.seq, AuditHeadRow.hash).where(AuditHeadRow.id == HEAD_ID)
        ).one_or_none()
        return ChainHead() if row is None else ChainHead(int(row.seq), row.hash)

    def insert(self, records: Sequence[AuditRecord]) -> None:
        self._session.execute(insert(AuditRow), [_to_row(r) for r in records])

    def set_head(self, head: ChainHead) -> None:
        self._session.execute(
            update(AuditHeadRow)
            .where(AuditHeadRow.id == HEAD_ID)
            .values(seq=head.seq, hash=head.hash)
        )

    def records(self) -> Iterator[AuditRecord]:
        c = AuditRow.__table__.c
        statement = (
            select(*(c[name] for name in _COLUMNS)).order_by(c.id).execution_options(yield_per=5000)
        )
        for row in self._session.execute(statement):
            seq, at, action, rtype, rid, uid, actor, agency, req, client, outcome, detail, *h = row
            event_ = AuditEvent(
                utc(at), action, rtype, rid, uid, actor, agency, req, client, outcome, detail
            )
            yield AuditRecord(seq, event_, h[0], h[1])

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
            statement = statement.where(AuditRow.at >= utc(query.since))
        if query.until is not None:
            statement = statement.where(AuditRow.at < utc(query.until))
        if query.before is not None:
            statement = statement.where(AuditRow.id < query.before)
        return [_to_domain(row) for row in self._session.scalars(statement)]


def append_at_commit(session: Session, events: Sequence[AuditEvent]) -> None:
    """Queue `events` to be appended to the chain just before `session` commits (nothing is
    written if it rolls back). Keeps the chain-head lock to the commit itself."""
    pending: list[AuditEvent] | None = session.info.get(_PENDING)
    if pending is None:
        pending = []
        session.info[_PENDING] = pending
        event.listen(session, "before_commit", _flush_pending)
        event.listen(session, "after_rollback", _drop_pending)
    pending.extend(events)


def _flush_pending(session: Session) -> None:
    pending: list[AuditEvent] = session.info.get(_PENDING) or []
    if pending:
        events = list(pending)
        pending.clear()
        record(SqlAuditRepository(session), events)


def _drop_pending(session: Session) -> None:
    pending: list[AuditEvent] | None = session.info.get(_PENDING)
    if pending:
        pending.clear()
