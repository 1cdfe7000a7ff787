"""The prevention side of statistics in SQL: the prevention area's own aggregate queries
(`SqlPreventionAggregates`) behind `netsafe.stats.prevention_source`, with its latest day.
Nothing here reads a single record's fields."""

from __future__ import annotations

from sqlalchemy.orm import Session

from netsafe.stats.prevention_source import AggregatePreventionSource
from netsafe.store.repositories.prevention import SqlPreventionAggregates


def sql_prevention_source(session: Session) -> AggregatePreventionSource:
    """Prevention aggregates for statistics from the caller's session; the latest day is the
    dashboard's (`SqlPreventionAggregates.latest_day`: the latest contact)."""
    aggregates = SqlPreventionAggregates(session)
    return AggregatePreventionSource(aggregates, aggregates.latest_day)
