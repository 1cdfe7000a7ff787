"""In-memory sources for the stats core's tests: each record is an event (metric, force, key,
instant), counted by the same half-open window rule the SQL queries use."""

from __future__ import annotations

from collections import Counter
from collections.abc import Collection
from dataclasses import dataclass, field
from datetime import date, datetime

from netsafe.stats.periods import Period, UtcWindow
from netsafe.stats.sources import NO_KEY, Count, PreventionCounts


@dataclass
class EventLog:
    """Enforcement records as (metric, force, key, when)."""

    events: list[tuple[str, str, str, datetime]] = field(default_factory=list)

    def add(self, metric: str, force: str, when: datetime, key: str = NO_KEY) -> None:
        self.events.append((metric, force, key, when))

    def count(self, metric: str, window: UtcWindow) -> list[Count]:
        counter = Counter(
            (force, key)
            for m, force, key, when in self.events
            if m == metric and window.contains(when)
        )
        return [Count(force, key, n) for (force, key), n in sorted(counter.items())]

    def latest_record(self, figures: Collection[str] | None = None) -> datetime | None:
        return max(
            (when for metric, *_, when in self.events if figures is None or metric in figures),
            default=None,
        )


@dataclass
class ContactLog:
    """Prevention contacts as (person, channel, who, area, UK date)."""

    contacts: list[tuple[str, str, str, str, date]] = field(default_factory=list)

    def add(self, person: str, channel: str, who: str, area: str, when: date) -> None:
        self.contacts.append((person, channel, who, area, when))

    def aggregate(self, period: Period, area: str | None) -> PreventionCounts:
        rows = [
            c
            for c in self.contacts
            if period.first <= c[4] <= period.last and (area is None or c[3] == area)
        ]
        return PreventionCounts(
            people_seeking_help=len({c[0] for c in rows}),
            contacts_by_channel=dict(Counter(c[1] for c in rows)),
            contacts_by_who=dict(Counter(c[2] for c in rows)),
        )

    def latest_day(self) -> date | None:
        return max((c[4] for c in self.contacts), default=None)
