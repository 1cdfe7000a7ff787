"""Comparisons: a period against the previous one of the same length, against a named baseline,
or against nothing. Named baselines are the evaluation's own framing, e.g. "the 12 months after
launch against the 12 months before".
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from netsafe.stats.periods import Period, PeriodError, add_months, default_period

#: Operation NetSafe launched across Wales on 1 November 2016.
OPERATION_LAUNCH = date(2016, 11, 1)

COMPARE_PREVIOUS = "previous"
COMPARE_NONE = "none"


@dataclass(frozen=True, slots=True)
class Baseline:
    """A named evaluation framing: a period and the period it is compared with."""

    name: str
    description: str
    period: Period
    against: Period


BASELINES: dict[str, Baseline] = {
    b.name: b
    for b in (
        Baseline(
            "launch-year",
            "the 12 months after launch against the 12 months before",
            Period.months_from(OPERATION_LAUNCH, 12),
            Period.months_from(add_months(OPERATION_LAUNCH, -12), 12),
        ),
        Baseline(
            "second-year",
            "the second 12 months after launch against the first",
            Period.months_from(add_months(OPERATION_LAUNCH, 12), 12),
            Period.months_from(OPERATION_LAUNCH, 12),
        ),
    )
}


@dataclass(frozen=True, slots=True)
class Comparison:
    """What a period is compared with: `against` is None for no comparison."""

    mode: str
    against: Period | None
    description: str


def compare_choices() -> list[str]:
    return [COMPARE_PREVIOUS, COMPARE_NONE, *BASELINES]


def resolve(
    compare: str, first: date | None, last: date | None, latest: date
) -> tuple[Period, Comparison]:
    """The period asked for and its comparison. `compare` is `previous`, `none` or a baseline's
    name; a baseline gives the period too unless dates are given. `latest` is the default end
    (the day of the latest record, or today)."""
    baseline = BASELINES.get(compare)
    if compare not in (COMPARE_PREVIOUS, COMPARE_NONE) and baseline is None:
        raise PeriodError(f"--compare: unknown {compare!r}; one of {', '.join(compare_choices())}")
    if baseline is not None and first is None and last is None:
        return baseline.period, Comparison(compare, baseline.against, baseline.description)
    if first is None:
        period = default_period(last or latest)
    elif last is None:
        period = Period(first, max(first, min(latest, add_months(first, 12) - timedelta(days=1))))
    else:
        period = Period(first, last)
    if baseline is not None:
        return period, Comparison(compare, baseline.against, baseline.description)
    if compare == COMPARE_NONE:
        return period, Comparison(compare, None, "no comparison")
    before = period.previous()
    return period, Comparison(compare, before, f"the previous period ({before.label()})")


def change_pct(value: int, previous: int | None) -> float | None:
    """Percentage change from `previous` to `value`, one decimal; None when there is nothing to
    compare with or the previous count is zero (a rise from nothing has no percentage)."""
    if previous is None or previous == 0:
        return None
    return round((value - previous) * 100.0 / previous, 1)
