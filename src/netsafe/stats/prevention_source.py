"""Prevention figures for statistics, read through the prevention area's aggregate API.

Statistics never query prevention records: they ask `netsafe.prevention.aggregates` for one
period's raw aggregates (the same figures the charity's dashboard shows) and suppress them in
`service.py` with the prevention area's own suppression rule.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

from netsafe.prevention.aggregates import Period as PreventionPeriod
from netsafe.prevention.aggregates import PreventionAggregateSource, prevention_figures
from netsafe.prevention.contacts import Area
from netsafe.prevention.counters import SelfHelpEvent
from netsafe.stats.periods import Period
from netsafe.stats.sources import PreventionCounts


class AggregatePreventionSource:
    """`PreventionSource` over the prevention area's `PreventionAggregateSource`."""

    def __init__(
        self, aggregates: PreventionAggregateSource, latest_day: Callable[[], date | None]
    ) -> None:
        self._aggregates = aggregates
        self._latest_day = latest_day

    def aggregate(self, period: Period, area: str | None) -> PreventionCounts:
        figures = prevention_figures(
            self._aggregates,
            PreventionPeriod(period.first, period.last),
            None if area is None else Area(area),
        )
        starts = sum(e.get(SelfHelpEvent.STARTED, 0) for e in figures.self_help.values())
        completions = sum(e.get(SelfHelpEvent.COMPLETED, 0) for e in figures.self_help.values())
        return PreventionCounts(
            people_seeking_help=figures.contacts.people,
            contacts_by_channel=figures.contacts.by_channel,
            contacts_by_who=figures.contacts.by_who,
            self_help_starts=starts,
            self_help_completions=completions,
            deterrence_funnel=dict(figures.funnel),
        )

    def latest_day(self) -> date | None:
        return self._latest_day()
