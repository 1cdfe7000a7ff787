"""Prevention figures over a period and area — the only thing that crosses the charity wall.

The statistics engineer and the charity's dashboard read prevention through this module:
`PreventionAggregateSource` is the query protocol (the store implements it with SQL GROUP BYs),
`prevention_figures` gathers raw counts for the charity's own use, and `figures_across_the_wall`
turns them into what may leave: every count through `suppress_count` ("<5" under 5) and each
breakdown through `suppress_breakdown`; rates only where both counts are shown.

People seeking help are counted once per code word: distinct code-word hashes, plus every contact
made without a code word (each of those may be a different person, so each counts as one).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Protocol

from netsafe.prevention.contacts import Area, Channel, Concern, HeardVia, Who
from netsafe.prevention.counters import FunnelStep, SelfHelpEvent
from netsafe.prevention.suppression import suppress_breakdown, suppress_count


@dataclass(frozen=True, slots=True)
class Period:
    """A date range, both ends included."""

    date_from: date
    date_to: date

    def __post_init__(self) -> None:
        if self.date_to < self.date_from:
            raise ValueError(f"period: {self.date_to} is before {self.date_from}")

    def as_json(self) -> dict[str, str]:
        return {"from": self.date_from.isoformat(), "to": self.date_to.isoformat()}


def default_period(
    date_from: date | None, date_to: date | None, *, latest: date | None, today: date
) -> Period:
    """The asked period; by default the year up to the latest day with data (else today), never
    ending after today (a day in the future holds no figures yet)."""
    last = date_to or min(latest or today, today)
    first = date_from or last - timedelta(days=364)
    return Period(first, last)


@dataclass(frozen=True, slots=True)
class ContactTotals:
    """Raw contact counts for a period (and area): for the charity's eyes only until suppressed."""

    contacts: int = 0
    people: int = 0
    returning_people: int = 0
    follow_ups: int = 0
    by_channel: dict[str, int] = field(default_factory=dict)
    by_who: dict[str, int] = field(default_factory=dict)
    by_concern: dict[str, int] = field(default_factory=dict)
    by_area: dict[str, int] = field(default_factory=dict)
    by_heard_via: dict[str, int] = field(default_factory=dict)
    by_month: dict[str, int] = field(default_factory=dict)


class PreventionAggregateSource(Protocol):
    """Aggregate queries over prevention data (implemented by the store). Nothing per record."""

    def contact_totals(self, period: Period, area: Area | None) -> ContactTotals: ...

    def latest_day(self) -> date | None:
        """The latest day with any prevention data (a contact or a counter)."""
        ...

    def self_help_totals(self, period: Period) -> dict[str, dict[str, int]]:
        """{module: {"started": n, "completed": n}} for the period."""
        ...

    def funnel_totals(self, period: Period) -> dict[str, int]:
        """{funnel step: n} for the period."""
        ...


@dataclass(frozen=True, slots=True)
class PreventionFigures:
    """Raw prevention figures for one period and area (None: every area)."""

    period: Period
    area: Area | None
    contacts: ContactTotals
    self_help: dict[str, dict[str, int]]
    funnel: dict[str, int]


def _complete(counts: dict[str, int], keys: list[str]) -> dict[str, int]:
    """Every key present (zero when absent), in the enum's order."""
    return {key: counts.get(key, 0) for key in keys}


def prevention_figures(
    source: PreventionAggregateSource, period: Period, area: Area | None = None
) -> PreventionFigures:
    """Raw figures. Self-help and funnel counts carry no area: they are counted anonymously."""
    totals = source.contact_totals(period, area)
    contacts = ContactTotals(
        contacts=totals.contacts,
        people=totals.people,
        returning_people=totals.returning_people,
        follow_ups=totals.follow_ups,
        by_channel=_complete(totals.by_channel, [c.value for c in Channel]),
        by_who=_complete(totals.by_who, [w.value for w in Who]),
        by_concern=_complete(totals.by_concern, [c.value for c in Concern]),
        by_area=_complete(totals.by_area, [a.value for a in Area]),
        by_heard_via=_complete(totals.by_heard_via, [h.value for h in HeardVia]),
        by_month=dict(sorted(totals.by_month.items())),
    )
    self_help = {
        module: _complete(events, [e.value for e in SelfHelpEvent])
        for module, events in sorted(source.self_help_totals(period).items())
    }
    funnel = _complete(source.funnel_totals(period), [s.value for s in FunnelStep])
    return PreventionFigures(period, area, contacts, self_help, funnel)


def _rate(numerator: int, denominator: int) -> float | None:
    """A rate only when both counts would be shown (5 or more)."""
    if numerator < 5 or denominator < 5:
        return None
    return round(numerator / denominator, 4)


def funnel_rates(funnel: dict[str, int]) -> dict[str, float | None]:
    """Conversion along the funnel: views per warning, contact clicks per view."""
    clicks = funnel.get(FunnelStep.HELPLINE_CLICK, 0) + funnel.get(FunnelStep.CHAT_CLICK, 0)
    views = funnel.get(FunnelStep.HELP_PAGE_VIEW, 0)
    return {
        "help_page_views_per_warning": _rate(views, funnel.get(FunnelStep.WARNING_SHOWN, 0)),
        "contact_clicks_per_help_page_view": _rate(clicks, views),
    }


def figures_across_the_wall(figures: PreventionFigures) -> dict[str, object]:
    """What may leave the charity: every count suppressed under 5, as JSON-ready data."""
    c = figures.contacts
    return {
        "period": figures.period.as_json(),
        "area": None if figures.area is None else figures.area.value,
        "suppression": "counts under 5 read '<5'; 'suppressed' hides a cell that would reveal one",
        "contacts": {
            "total": suppress_count(c.contacts),
            "people": suppress_count(c.people),
            "returning_people": suppress_count(c.returning_people),
            "follow_ups": suppress_count(c.follow_ups),
            "by_channel": suppress_breakdown(c.by_channel),
            "by_who": suppress_breakdown(c.by_who),
            "by_concern": suppress_breakdown(c.by_concern, total_shown=False),
            "by_area": suppress_breakdown(c.by_area),
            "by_heard_via": suppress_breakdown(c.by_heard_via),
            "by_month": suppress_breakdown(c.by_month),
        },
        "self_help": {
            module: {event: suppress_count(n) for event, n in events.items()}
            for module, events in figures.self_help.items()
        },
        "funnel": {step: suppress_count(n) for step, n in figures.funnel.items()},
        "funnel_rates": funnel_rates(figures.funnel),
    }
