"""The prevention side of statistics in SQL: the prevention area's own aggregate queries
(`SqlPreventionAggregates`) behind `netsafe.stats.prevention_source`, plus the latest day with a
prevention record. Nothing here reads a single record's fields."""

from __future__ import annotations

from datetime import date

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from netsafe.stats.prevention_source import AggregatePreventionSource
from netsafe.store.models.prevention import (
    PreventionContactRow,
    PreventionFunnelCountRow,
    PreventionSelfHelpCountRow,
)
from netsafe.store.repositories.prevention import SqlPreventionAggregates


def sql_prevention_source(session: Session) -> AggregatePreventionSource:
    """Prevention aggregates for statistics from the caller's session."""

    def latest_day() -> date | None:
        days = [
            session.scalar(select(func.max(column)))
            for column in (
                PreventionContactRow.contact_date,
                PreventionSelfHelpCountRow.day,
                PreventionFunnelCountRow.day,
            )
        ]
        return max((d for d in days if d is not None), default=None)

    return AggregatePreventionSource(SqlPreventionAggregates(session), latest_day)
