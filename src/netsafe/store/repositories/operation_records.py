"""One SQL repository for every kind of case record (`netsafe.operation.records.RecordRepository`).

A record's dataclass and its table share field names; values are converted by the dataclass's
type hints: enums are stored by value, tuples as JSON lists, times come back as aware UTC.
"""

from __future__ import annotations

import dataclasses
import enum
import types
import typing as t
from collections.abc import Callable
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from netsafe.operation.exhibits import Exhibit
from netsafe.platform.access import Scope
from netsafe.store.models.operation import ExhibitRow, ReferralRow
from netsafe.store.repositories.operation_scope import scope_clause
from netsafe.timestamps import as_utc

D = t.TypeVar("D")


def _reader(hint: t.Any) -> Callable[[t.Any], t.Any]:
    origin = t.get_origin(hint)
    if origin in (t.Union, types.UnionType):
        inner = _reader(next(arg for arg in t.get_args(hint) if arg is not type(None)))
        return lambda value: None if value is None else inner(value)
    if origin is tuple:
        return lambda value: tuple(value or ())
    if hint is datetime:
        return as_utc
    if isinstance(hint, type) and issubclass(hint, enum.Enum):
        return hint
    return lambda value: value


def _written(value: t.Any) -> t.Any:
    if isinstance(value, enum.Enum):
        return value.value
    if isinstance(value, tuple):
        return list(value)
    return value


Layout = tuple[list[str], dict[str, Callable[[t.Any], t.Any]]]
_LAYOUTS: dict[str, Layout] = {}


def _layout(kind: type[t.Any]) -> Layout:
    """A dataclass's field names and the converter of each (worked out once per class)."""
    key = f"{kind.__module__}.{kind.__qualname__}"
    if key not in _LAYOUTS:
        hints = t.get_type_hints(kind)
        fields = [f.name for f in dataclasses.fields(kind)]
        _LAYOUTS[key] = (fields, {name: _reader(hints[name]) for name in fields})
    return _LAYOUTS[key]


class SqlRecordRepository(t.Generic[D]):
    """Records of dataclass `kind` in the table of `row_type`, in the caller's session."""

    def __init__(self, session: Session, kind: type[D], row_type: type[t.Any]) -> None:
        self._session = session
        self._kind = kind
        self._row_type = row_type
        self._fields, self._readers = _layout(kind)

    def to_domain(self, row: t.Any) -> D:
        return self._kind(**{n: self._readers[n](getattr(row, n)) for n in self._fields})

    def add(self, record: D) -> D:
        values = {n: _written(getattr(record, n)) for n in self._fields if n != "id"}
        row = self._row_type(**values)
        self._session.add(row)
        self._session.flush()
        return self.to_domain(row)

    def get(self, record_id: int) -> D | None:
        row = self._session.get(self._row_type, record_id)
        return None if row is None else self.to_domain(row)

    def update(self, record: D) -> None:
        row = self._session.get(self._row_type, getattr(record, "id"))  # noqa: B009
        if row is None:
            raise LookupError(f"{self._kind.__name__} {getattr(record, 'id')} not stored")  # noqa: B009
        for name in self._fields:
            if name != "id":
                setattr(row, name, _written(getattr(record, name)))
        self._session.flush()

    def for_referral(self, referral_id: int) -> list[D]:
        rows = self._session.scalars(
            select(self._row_type)
            .where(self._row_type.referral_id == referral_id)
            .order_by(self._row_type.id)
        )
        return [self.to_domain(row) for row in rows]

    def visible(self, scope: Scope, *, limit: int, offset: int) -> list[D]:
        query = (
            select(self._row_type)
            .join(ReferralRow, ReferralRow.id == self._row_type.referral_id)
            .where(scope_clause(scope))
            .order_by(self._row_type.id.desc())
            .limit(limit)
            .offset(offset)
        )
        return [self.to_domain(row) for row in self._session.scalars(query)]


class SqlExhibitRepository(SqlRecordRepository[Exhibit]):
    """Exhibits, also by force and reference; each row keeps its referral's force, which makes
    the reference unique per force (`uq_exhibits_force_reference`)."""

    def __init__(self, session: Session) -> None:
        super().__init__(session, Exhibit, ExhibitRow)

    def add(self, record: Exhibit) -> Exhibit:
        values = {n: _written(getattr(record, n)) for n in self._fields if n != "id"}
        force = self._session.scalar(
            select(ReferralRow.force).where(ReferralRow.id == record.referral_id)
        )
        if force is None:
            raise LookupError(f"referral {record.referral_id} not stored")
        row = ExhibitRow(force=force, **values)
        self._session.add(row)
        self._session.flush()
        return self.to_domain(row)

    def by_reference(self, force: str, reference: str) -> Exhibit | None:
        row = self._session.scalar(
            select(ExhibitRow).where(ExhibitRow.force == force, ExhibitRow.reference == reference)
        )
        return None if row is None else self.to_domain(row)
