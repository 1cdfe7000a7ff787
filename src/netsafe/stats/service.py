"""The statistics service: every figure for a period, a force (or all) and a comparison; monthly
series and per-force splits for the charts. Counts come from the sources; rules live here.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime
from typing import Any

from netsafe.platform.agencies import FORCE_SLUGS
from netsafe.prevention.suppression import ShownCount, suppress_breakdown, suppress_count
from netsafe.stats.comparison import Comparison, resolve
from netsafe.stats.figures import Figure, Value
from netsafe.stats.metrics import (
    ENFORCEMENT_METRICS,
    HEADLINE,
    METRICS,
    PREVENTION_METRICS,
    Group,
    Metric,
)
from netsafe.stats.periods import Period, StatsInputError, default_period, month_label, uk_date
from netsafe.stats.sources import (
    Count,
    EnforcementSource,
    PreventionCounts,
    PreventionSource,
)

#: Prevention figures counted without any area (so the same for every force).
ALL_WALES_ONLY = frozenset({"self_help_starts", "self_help_completions", "deterrence_funnel"})


@dataclass(frozen=True, slots=True)
class StatsRequest:
    """What was asked: dates (None for the default), a force slug (None: all) and a comparison."""

    first: date | None = None
    last: date | None = None
    force: str | None = None
    compare: str = "previous"


@dataclass(frozen=True, slots=True)
class Statistics:
    """Every figure for one period and force, compared as asked."""

    period: Period
    comparison: Comparison
    force: str | None
    figures: dict[str, Figure]

    def to_json(self) -> dict[str, Any]:
        against = self.comparison.against
        return {
            "period": {"from": self.period.first.isoformat(), "to": self.period.last.isoformat()},
            "compare": {
                "mode": self.comparison.mode,
                "description": self.comparison.description,
                "from": None if against is None else against.first.isoformat(),
                "to": None if against is None else against.last.isoformat(),
            },
            "force": self.force or "all",
            "time_zone": "Europe/London",
            "figures": {name: figure.to_json() for name, figure in self.figures.items()},
        }


@dataclass(frozen=True, slots=True)
class MonthlySeries:
    """Per-month values of some figures over a period (months labelled `YYYY-MM`)."""

    months: list[str]
    values: dict[str, list[ShownCount]]


def check_force(force: str | None) -> str | None:
    """`force` when it is one of the four forces (or None for all); a clear error otherwise."""
    if force is None or force in ("", "all"):
        return None
    if force not in FORCE_SLUGS:
        raise StatsInputError(f"--force: unknown force {force!r}; one of {', '.join(FORCE_SLUGS)}")
    return force


#: The police figures the briefing leads with: the default period must hold one of their records.
HEADLINE_ENFORCEMENT = tuple(name for name in HEADLINE if METRICS[name].group is Group.ENFORCEMENT)


def latest_record_date(
    enforcement: EnforcementSource, prevention: PreventionSource, *, today: date | None = None
) -> date:
    """Where the default period ends: the UK date of the latest record on either side, never
    after today (a record dated in the future must not open the figures on an empty future
    period), or today when there are none. When the twelve months up to that day hold no
    headline record (a warrant executed, an arrest, a seizure, safeguarding, a help-seeking
    contact) but there is one before — referrals imported today into casework that ended years
    ago — it ends on the latest headline record's day instead: never on an empty period while
    data exists."""
    today = today or uk_date(datetime.now(UTC))

    def latest(figures: tuple[str, ...] | None) -> date | None:
        moment = enforcement.latest_record(figures)
        candidates = (None if moment is None else uk_date(moment), prevention.latest_day())
        days = [day for day in candidates if day is not None]
        return min(max(days), today) if days else None

    newest = latest(None)
    if newest is None:
        return today
    headline = latest(HEADLINE_ENFORCEMENT)
    if headline is None or headline >= default_period(newest).first:
        return newest
    return headline


def compute_statistics(
    enforcement: EnforcementSource, prevention: PreventionSource, request: StatsRequest
) -> Statistics:
    """Every figure for the request's period and force, with its comparison."""
    force = check_force(request.force)
    latest = latest_record_date(enforcement, prevention)
    period, comparison = resolve(request.compare, request.first, request.last, latest)
    figures: dict[str, Figure] = {}
    for metric in ENFORCEMENT_METRICS:
        current = enforcement.count(metric.name, period.window)
        before = None
        if comparison.against is not None:
            before = enforcement.count(metric.name, comparison.against.window)
        figures[metric.name] = _enforcement_figure(metric, current, before, force)
    now_counts = prevention.aggregate(period, force)
    before_counts = None
    if comparison.against is not None:
        before_counts = prevention.aggregate(comparison.against, force)
    for metric in PREVENTION_METRICS:
        figure = _prevention_figure(metric, now_counts, before_counts)
        if force is not None and metric.name in ALL_WALES_ONLY:
            figure = replace(figure, note="all Wales: these anonymous counts carry no area")
        figures[metric.name] = figure
    return Statistics(period, comparison, force, figures)


def _sum(counts: Iterable[Count], *, force: str | None = None, key: str | None = None) -> int:
    return sum(
        c.count
        for c in counts
        if (force is None or c.force == force) and (key is None or c.key == key)
    )


def _enforcement_figure(
    metric: Metric, current: list[Count], before: list[Count] | None, force: str | None
) -> Figure:
    def pair(*, in_force: str | None, key: str | None = None) -> Value:
        previous = None if before is None else _sum(before, force=in_force, key=key)
        return Value.of(_sum(current, force=in_force, key=key), previous)

    breakdown: dict[str, Value] = {}
    if metric.breakdown is not None:
        keys = sorted({c.key for c in current} | {c.key for c in before or []})
        breakdown = {key: pair(in_force=force, key=key) for key in keys}
    by_force = {} if force is not None else {slug: pair(in_force=slug) for slug in FORCE_SLUGS}
    return Figure(
        metric.name,
        metric.label,
        pair(in_force=force),
        metric.breakdown,
        breakdown,
        by_force,
    )


def _prevention_parts(counts: PreventionCounts, metric: Metric) -> tuple[int, dict[str, int]]:
    """The total and the breakdown of one prevention figure, unsuppressed."""
    channels, who = counts.contacts_by_channel, counts.contacts_by_who
    parts: Mapping[str, Any] = {
        "people_seeking_help": (counts.people_seeking_help, {}),
        "contacts_by_channel": (sum(channels.values()), channels),
        "contacts_by_who": (sum(who.values()), who),
        "self_help_starts": (counts.self_help_starts, {}),
        "self_help_completions": (counts.self_help_completions, {}),
        "deterrence_funnel": (
            next(iter(counts.deterrence_funnel.values()), 0),
            counts.deterrence_funnel,
        ),
    }
    total, breakdown = parts[metric.name]
    return int(total), dict(breakdown)


def _prevention_figure(
    metric: Metric, current: PreventionCounts, before: PreventionCounts | None
) -> Figure:
    total, parts = _prevention_parts(current, metric)
    previous_total, previous_parts = (
        (None, {}) if before is None else _prevention_parts(before, metric)
    )
    # A funnel's steps are not parts of a total, so no secondary suppression is needed there.
    total_shown = metric.name != "deterrence_funnel"
    shown = suppress_breakdown(parts, total_shown=total_shown)
    shown_before = suppress_breakdown(previous_parts, total_shown=total_shown)
    keys = list(dict.fromkeys([*parts, *previous_parts]))
    breakdown = {
        key: Value.of(
            shown.get(key, suppress_count(0)),
            None if before is None else shown_before.get(key, suppress_count(0)),
        )
        for key in keys
    }
    previous = None if previous_total is None else suppress_count(previous_total)
    return Figure(
        metric.name,
        metric.label,
        Value.of(suppress_count(total), previous),
        metric.breakdown,
        breakdown,
        suppressed=True,
    )


def monthly_series(
    enforcement: EnforcementSource,
    prevention: PreventionSource,
    period: Period,
    force: str | None,
    names: Iterable[str],
) -> MonthlySeries:
    """Each named figure's total per calendar month of `period` (prevention values suppressed)."""
    force = check_force(force)
    months = list(period.months())
    values: dict[str, list[ShownCount]] = defaultdict(list)
    wanted = [METRICS[name] for name in names]
    for month in months:
        prevention_counts: PreventionCounts | None = None
        for metric in wanted:
            if metric in ENFORCEMENT_METRICS:
                values[metric.name].append(
                    _sum(enforcement.count(metric.name, month.window), force=force)
                )
                continue
            if prevention_counts is None:
                prevention_counts = prevention.aggregate(month, force)
            total, _ = _prevention_parts(prevention_counts, metric)
            values[metric.name].append(suppress_count(total))
    return MonthlySeries([month_label(m) for m in months], dict(values))
