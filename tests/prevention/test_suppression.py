"""Small-number suppression: every count under 5 reads "<5" when it crosses the wall."""

from __future__ import annotations

from datetime import date

import pytest

from netsafe.prevention.aggregates import Period, default_period
from netsafe.prevention.suppression import (
    SECONDARY_SUPPRESSED,
    SUPPRESSED,
    suppress_breakdown,
    suppress_count,
)


@pytest.mark.parametrize("count", [0, 1, 2, 3, 4])
def test_counts_under_five_read_less_than_five(count: int) -> None:
    assert suppress_count(count) == "<5" == SUPPRESSED


@pytest.mark.parametrize("count", [5, 6, 50, 1350])
def test_counts_of_five_or_more_are_shown(count: int) -> None:
    assert suppress_count(count) == count


def test_negative_counts_are_an_error() -> None:
    with pytest.raises(ValueError, match="negative"):
        suppress_count(-1)


def test_one_hidden_cell_next_to_a_total_hides_the_smallest_shown_cell_too() -> None:
    shown = suppress_breakdown({"call": 40, "chat": 12, "email": 3, "other": 7})
    assert shown == {"call": 40, "chat": 12, "email": "<5", "other": SECONDARY_SUPPRESSED}


def test_without_a_total_only_small_cells_are_hidden() -> None:
    shown = suppress_breakdown({"call": 40, "email": 3, "other": 7}, total_shown=False)
    assert shown == {"call": 40, "email": "<5", "other": 7}


def test_two_hidden_cells_need_no_secondary_suppression() -> None:
    shown = suppress_breakdown({"call": 40, "chat": 2, "email": 3})
    assert shown == {"call": 40, "chat": "<5", "email": "<5"}


def test_the_default_period_is_the_year_up_to_the_latest_data() -> None:
    today = date(2026, 11, 23)
    latest = date(2018, 10, 31)
    assert default_period(None, None, latest=latest, today=today) == Period(
        date(2017, 11, 1), latest
    )
    assert default_period(None, None, latest=None, today=today).date_to == today
    # a day in the future (a mistyped date) does not move the default past today
    future = default_period(None, None, latest=date(2099, 1, 1), today=today)
    assert future == Period(date(2025, 11, 24), today)
    asked = default_period(date(2026, 1, 1), date(2026, 2, 1), latest=latest, today=today)
    assert asked == Period(date(2026, 1, 1), date(2026, 2, 1))
    with pytest.raises(ValueError, match="before"):
        default_period(date(2026, 3, 1), date(2026, 2, 1), latest=latest, today=today)
