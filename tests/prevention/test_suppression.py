"""Small-number suppression: every count under 5 reads "<5" when it crosses the wall."""

from __future__ import annotations

import pytest

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
