"""What statistics read: counts of records in a UTC window. `store/` implements these over SQL.

Enforcement counts come back per force and breakdown key, so one query serves the all-Wales
figure, the per-force bars and every breakdown. Prevention comes back as one aggregate per period
(unique people can't be added up across months or areas), before any suppression; it is read
through the prevention area's own aggregate API (`prevention_source.py`).
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Protocol

from netsafe.stats.periods import Period, UtcWindow

#: The breakdown key of a figure without a breakdown.
NO_KEY = ""


@dataclass(frozen=True, slots=True)
class Count:
    """`count` records of one force (agency slug) and one breakdown key."""

    force: str
    key: str
    count: int


class EnforcementSource(Protocol):
    """Counts of police records."""

    def count(self, metric: str, window: UtcWindow) -> list[Count]:
        """The records `metric` (an enforcement metric's name) counts in `window`, grouped by
        force and breakdown key (`NO_KEY` when the metric has none)."""
        ...

    def latest_record(self, figures: Collection[str] | None = None) -> datetime | None:
        """When the latest record counted by `figures` (enforcement metrics' names; None: any)
        happened, none in the future (None when there are none)."""
        ...


@dataclass(frozen=True, slots=True)
class PreventionCounts:
    """The charity's aggregates for one window (unsuppressed: the caller suppresses)."""

    people_seeking_help: int = 0
    contacts_by_channel: dict[str, int] = field(default_factory=dict)
    contacts_by_who: dict[str, int] = field(default_factory=dict)
    self_help_starts: int = 0
    self_help_completions: int = 0
    deterrence_funnel: dict[str, int] = field(default_factory=dict)


class PreventionSource(Protocol):
    """Aggregates of prevention records, which carry a UK date and no time of day; `area` narrows
    contacts to one force area (self-help and funnel counters have no area: all-Wales)."""

    def aggregate(self, period: Period, area: str | None) -> PreventionCounts: ...

    def latest_day(self) -> date | None: ...
