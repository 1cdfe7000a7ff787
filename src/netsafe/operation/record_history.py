"""The history of casework records: every correction, withdrawal and reopening, kept.

Nothing in a case is edited in place without a trace or deleted: a correction keeps each changed
field's earlier value (with who, when and why), a record entered in error is withdrawn (kept,
marked, left out of the figures), and a closed case is reopened by an explicit step. Each is a
`HistoryEntry`; the web layer audits it too.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any, Protocol


class HistoryAction(enum.StrEnum):
    CORRECTED = "corrected"
    WITHDRAWN = "withdrawn"
    REOPENED = "reopened"


@dataclass(frozen=True, slots=True)
class FieldChange:
    """A field's value before and after (as JSON values: times in ISO 8601, enums by value)."""

    before: Any
    after: Any


@dataclass(frozen=True, slots=True)
class HistoryEntry:
    """One step in a record's history. `kind` is the record kind's name (`arrest`)."""

    id: int
    kind: str
    record_id: int
    referral_id: int
    action: HistoryAction
    at: datetime
    by: str
    reason: str
    changes: dict[str, FieldChange]


class RecordHistory(Protocol):
    """Where the history of every kind of record is kept."""

    def add(self, entry: HistoryEntry) -> HistoryEntry:
        """Store an entry (its `id` is ignored) and return it with its id."""
        ...

    def for_record(self, kind: str, record_id: int) -> list[HistoryEntry]:
        """The record's history, oldest first."""
        ...

    def for_referral(self, referral_id: int) -> list[HistoryEntry]:
        """The history of every record of a case, oldest first."""
        ...


class CaseworkConflictError(Exception):
    """A write the record's state forbids (answered 409): the case is closed, the record was
    withdrawn, the case is not closed (reopen)."""


class CaseClosedError(CaseworkConflictError):
    """A write to a closed case."""


class RecordWithdrawnError(CaseworkConflictError):
    """A write to a withdrawn record."""


def as_json(value: Any) -> Any:
    """A field's value as stored in the history (JSON)."""
    if isinstance(value, enum.Enum):
        return value.value
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, tuple):
        return [as_json(v) for v in value]
    return value
