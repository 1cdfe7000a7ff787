"""SQL behind `netsafe.stats.sources.EnforcementSource`: one grouped count per figure.

Each query counts records whose date falls in a half-open UTC window `[start, end)` and groups
them by the referral's force (and the figure's breakdown key). The definitions they implement are
written in `netsafe.stats.metrics`; the counting rules live there and in this one file only.
"""

from __future__ import annotations

from collections.abc import Callable, Collection
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import ColumnElement, Select, func, literal, or_, select
from sqlalchemy.orm import Session

from netsafe.stats.periods import UtcWindow
from netsafe.stats.sources import NO_KEY, Count
from netsafe.store.models.operation import (
    ArrestRow,
    ExhibitRow,
    OutcomeRow,
    ReferralRow,
    RiskAssessmentRow,
    SafeguardingRow,
    WarrantRow,
)
from netsafe.store.repositories.stats_triage import devices_triaged, matched_files
from netsafe.timestamps import as_utc

#: A grouped count: (force, breakdown key, count) rows.
CountQuery = Select[str, str, int]
QueryBuilder = Callable[[UtcWindow, datetime], CountQuery]


def in_window(column: Any, window: UtcWindow) -> ColumnElement[bool]:
    """`column` in `[start, end)`; both ends as UTC (how every NetSafe time is stored)."""
    start: ColumnElement[bool] = column >= window.start
    end: ColumnElement[bool] = column < window.end
    return start & end


def standing(row: Any) -> ColumnElement[bool]:
    """The record and its referral were not withdrawn (withdrawn records leave the figures)."""
    condition: ColumnElement[bool] = row.withdrawn_at.is_(None)
    if row is not ReferralRow:
        condition = condition & ReferralRow.withdrawn_at.is_(None)
    return condition


def _per_force(row: Any, column: Any, window: UtcWindow, key: Any = None) -> CountQuery:
    """count(*) of `row` joined to its referral, in the window, by force (and key)."""
    key_column = (literal(NO_KEY) if key is None else key).label("key")
    return (
        select(ReferralRow.force, key_column, func.count().label("n"))
        .select_from(row)
        .join(ReferralRow, ReferralRow.id == row.referral_id)
        .where(in_window(column, window), standing(row))
        .group_by(ReferralRow.force, key_column)
    )


def _referrals(window: UtcWindow, _now: datetime) -> CountQuery:
    key = ReferralRow.source.label("key")
    return (
        select(ReferralRow.force, key, func.count().label("n"))
        .where(in_window(ReferralRow.received_at, window), standing(ReferralRow))
        .group_by(ReferralRow.force, key)
    )


def _subjects_assessed(window: UtcWindow, _now: datetime) -> CountQuery:
    """Each subject (or, unnamed, referral) once, with the band of its latest assessment."""
    who = func.coalesce(RiskAssessmentRow.subject_id, -RiskAssessmentRow.referral_id)
    latest = (
        select(
            RiskAssessmentRow.referral_id,
            RiskAssessmentRow.band,
            func.row_number()
            .over(
                partition_by=who,
                order_by=(RiskAssessmentRow.assessed_at.desc(), RiskAssessmentRow.id.desc()),
            )
            .label("rank"),
        )
        .where(
            in_window(RiskAssessmentRow.assessed_at, window),
            RiskAssessmentRow.withdrawn_at.is_(None),
        )
        .subquery()
    )
    key = latest.c.band.label("key")
    return (
        select(ReferralRow.force, key, func.count().label("n"))
        .select_from(latest)
        .join(ReferralRow, ReferralRow.id == latest.c.referral_id)
        .where(latest.c.rank == 1, ReferralRow.withdrawn_at.is_(None))
        .group_by(ReferralRow.force, key)
    )


def _deadline_breaches(window: UtcWindow, now: datetime) -> CountQuery:
    """Deadline in the window and missed: answered after it, or unanswered and already past."""
    missed = or_(
        ReferralRow.responded_at > ReferralRow.deadline_at,
        ReferralRow.responded_at.is_(None) & (ReferralRow.deadline_at < now),
    )
    key = literal(NO_KEY).label("key")
    return (
        select(ReferralRow.force, key, func.count().label("n"))
        .where(in_window(ReferralRow.deadline_at, window), missed, standing(ReferralRow))
        .group_by(ReferralRow.force, key)
    )


def _children(column: Any) -> QueryBuilder:
    def build(window: UtcWindow, _now: datetime) -> CountQuery:
        key = literal(NO_KEY).label("key")
        return (
            select(ReferralRow.force, key, func.coalesce(func.sum(column), 0).label("n"))
            .select_from(SafeguardingRow)
            .join(ReferralRow, ReferralRow.id == SafeguardingRow.referral_id)
            .where(in_window(SafeguardingRow.recorded_at, window), standing(SafeguardingRow))
            .group_by(ReferralRow.force, key)
        )

    return build


QUERIES: dict[str, QueryBuilder] = {
    "referrals_received": _referrals,
    "subjects_assessed": _subjects_assessed,
    "deadline_breaches": _deadline_breaches,
    "warrants_executed": lambda w, _: _per_force(WarrantRow, WarrantRow.executed_at, w),
    "arrests": lambda w, _: _per_force(ArrestRow, ArrestRow.arrested_at, w),
    "devices_seized": lambda w, _: _per_force(ExhibitRow, ExhibitRow.seized_at, w),
    "devices_triaged": lambda w, _: devices_triaged(w),
    "matched_files": lambda w, _: matched_files(w),
    "children_identified": _children(SafeguardingRow.children_identified),
    "children_safeguarded": _children(SafeguardingRow.children_safeguarded),
    "outcomes": lambda w, _: _per_force(OutcomeRow, OutcomeRow.decided_at, w, OutcomeRow.kind),
}

#: The dated records each figure counts, for the latest one (the default period ends there).
#: Deadline breaches and the triage figures count no record of their own: passed over.
_DATED: dict[str, tuple[Any, Any]] = {
    "referrals_received": (ReferralRow, ReferralRow.received_at),
    "subjects_assessed": (RiskAssessmentRow, RiskAssessmentRow.assessed_at),
    "warrants_executed": (WarrantRow, WarrantRow.executed_at),
    "arrests": (ArrestRow, ArrestRow.arrested_at),
    "devices_seized": (ExhibitRow, ExhibitRow.seized_at),
    "children_identified": (SafeguardingRow, SafeguardingRow.recorded_at),
    "children_safeguarded": (SafeguardingRow, SafeguardingRow.recorded_at),
    "outcomes": (OutcomeRow, OutcomeRow.decided_at),
}


class SqlEnforcementSource:
    """Enforcement counts from the operation's tables in the caller's session."""

    def __init__(self, session: Session, now: datetime | None = None) -> None:
        self._session = session
        self._now = now or datetime.now(UTC)

    def count(self, metric: str, window: UtcWindow) -> list[Count]:
        try:
            build = QUERIES[metric]
        except KeyError:
            raise ValueError(f"not an enforcement figure: {metric!r}") from None
        rows = self._session.execute(build(window, self._now)).all()
        return [Count(force, str(key), int(n)) for force, key, n in rows if n]

    def latest_record(self, figures: Collection[str] | None = None) -> datetime | None:
        """The latest standing record counted by `figures` (None: any figure) not in the
        future: one mistyped into the future (stored before dates were checked) must not open
        the figures on an empty period."""
        names = [n for n in (_DATED if figures is None else figures) if n in _DATED]
        dated = {(_DATED[n][0].__tablename__, _DATED[n][1].key): _DATED[n] for n in names}
        moments = [
            self._session.scalar(
                select(func.max(column)).where(column <= self._now, row.withdrawn_at.is_(None))
            )
            for row, column in dated.values()
        ]
        found = [as_utc(m) for m in moments if m is not None]
        return max(found, default=None)
