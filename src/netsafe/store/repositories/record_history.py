"""SQL behind `netsafe.operation.record_history.RecordHistory`: the `record_history` table."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from netsafe.operation.record_history import FieldChange, HistoryAction, HistoryEntry
from netsafe.store.models.operation import RecordHistoryRow
from netsafe.timestamps import as_utc


def _entry(row: RecordHistoryRow) -> HistoryEntry:
    changes: dict[str, Any] = row.changes or {}
    return HistoryEntry(
        id=row.id,
        kind=row.kind,
        record_id=row.record_id,
        referral_id=row.referral_id,
        action=HistoryAction(row.action),
        at=as_utc(row.at),
        by=row.by,
        reason=row.reason,
        changes={name: FieldChange(c["before"], c["after"]) for name, c in changes.items()},
    )


class SqlRecordHistory:
    """The history of casework records in the caller's session."""

    def __init__(self, session: Session) -> None:
        self._session = session

    def add(self, entry: HistoryEntry) -> HistoryEntry:
        row = RecordHistoryRow(
            kind=entry.kind,
            record_id=entry.record_id,
            referral_id=entry.referral_id,
            action=entry.action.value,
            at=entry.at,
            by=entry.by,
            reason=entry.reason,
            changes={
                name: {"before": c.before, "after": c.after} for name, c in entry.changes.items()
            },
        )
        self._session.add(row)
        self._session.flush()
        return _entry(row)

    def for_record(self, kind: str, record_id: int) -> list[HistoryEntry]:
        rows = self._session.scalars(
            select(RecordHistoryRow)
            .where(RecordHistoryRow.kind == kind, RecordHistoryRow.record_id == record_id)
            .order_by(RecordHistoryRow.id)
        )
        return [_entry(row) for row in rows]

    def for_referral(self, referral_id: int) -> list[HistoryEntry]:
        rows = self._session.scalars(
            select(RecordHistoryRow)
            .where(RecordHistoryRow.referral_id == referral_id)
            .order_by(RecordHistoryRow.id)
        )
        return [_entry(row) for row in rows]
