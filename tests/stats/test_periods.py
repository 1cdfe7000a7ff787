"""Periods in UK local dates: DST edges, month arithmetic, previous periods and baselines."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from netsafe.stats.comparison import BASELINES, change_pct, resolve
from netsafe.stats.periods import Period, PeriodError, add_months, uk_date


def test_a_record_just_after_midnight_on_the_dst_night_counts_on_that_day() -> None:
    # 2017-03-26 00:30 local is still GMT (clocks go forward at 01:00 GMT): 00:30 UTC.
    moment = datetime(2017, 3, 26, 0, 30, tzinfo=UTC)
    assert uk_date(moment) == date(2017, 3, 26)
    assert Period(date(2017, 3, 26), date(2017, 3, 26)).window.contains(moment)
    assert not Period(date(2017, 3, 25), date(2017, 3, 25)).window.contains(moment)


def test_summer_time_midnight_belongs_to_the_new_day_and_month() -> None:
    # 2017-07-01 00:30 BST is 2017-06-30 23:30 UTC: July in the UK, June in UTC.
    moment = datetime(2017, 6, 30, 23, 30, tzinfo=UTC)
    assert uk_date(moment) == date(2017, 7, 1)
    july = Period(date(2017, 7, 1), date(2017, 7, 31))
    june = Period(date(2017, 6, 1), date(2017, 6, 30))
    assert july.window.contains(moment)
    assert not june.window.contains(moment)
    assert june.window.end == july.window.start == datetime(2017, 6, 30, 23, 0, tzinfo=UTC)


def test_the_day_the_clocks_go_forward_has_23_hours_and_back_25() -> None:
    spring = Period(date(2017, 3, 26), date(2017, 3, 26)).window
    autumn = Period(date(2017, 10, 29), date(2017, 10, 29)).window
    assert (spring.end - spring.start).total_seconds() == 23 * 3600
    assert (autumn.end - autumn.start).total_seconds() == 25 * 3600


def test_months_and_previous_periods() -> None:
    year = Period.months_from(date(2016, 11, 1), 12)
    assert year == Period(date(2016, 11, 1), date(2017, 10, 31))
    assert year.previous() == Period(date(2015, 11, 1), date(2016, 10, 31))
    assert [m.first.month for m in year.months()] == [11, 12, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10]
    february = Period(date(2016, 2, 1), date(2016, 2, 29))
    assert february.previous() == Period(date(2016, 1, 1), date(2016, 1, 31))
    odd = Period(date(2017, 3, 10), date(2017, 3, 19))
    assert odd.previous() == Period(date(2017, 2, 28), date(2017, 3, 9))
    assert add_months(date(2016, 1, 31), 1) == date(2016, 2, 29)


def test_a_period_that_ends_before_it_starts_is_refused() -> None:
    with pytest.raises(PeriodError, match="before it starts"):
        Period(date(2017, 2, 1), date(2017, 1, 1))


def test_resolve_defaults_baselines_and_unknown_comparisons() -> None:
    latest = date(2018, 10, 31)
    period, comparison = resolve("previous", None, None, latest)
    assert period == Period(date(2017, 11, 1), date(2018, 10, 31))
    assert comparison.against == Period(date(2016, 11, 1), date(2017, 10, 31))
    period, comparison = resolve("launch-year", None, None, latest)
    assert (
        period == BASELINES["launch-year"].period == Period(date(2016, 11, 1), date(2017, 10, 31))
    )
    assert comparison.against == Period(date(2015, 11, 1), date(2016, 10, 31))
    period, comparison = resolve("none", date(2017, 1, 1), date(2017, 1, 31), latest)
    assert comparison.against is None
    with pytest.raises(PeriodError, match="unknown 'last-week'"):
        resolve("last-week", None, None, latest)


def test_change_pct() -> None:
    assert change_pct(1350, 900) == 50.0
    assert change_pct(3, 4) == -25.0
    assert change_pct(5, 0) is None
    assert change_pct(5, None) is None


def test_resolve_with_one_date_or_dates_and_a_baseline() -> None:
    latest = date(2018, 10, 31)
    period, _ = resolve("previous", date(2017, 1, 1), None, latest)
    assert period == Period(date(2017, 1, 1), date(2017, 12, 31))
    period, _ = resolve("previous", None, date(2017, 6, 30), latest)
    assert period == Period(date(2016, 7, 1), date(2017, 6, 30))
    period, comparison = resolve("launch-year", date(2017, 1, 1), date(2017, 1, 31), latest)
    assert period == Period(date(2017, 1, 1), date(2017, 1, 31))
    assert comparison.against == BASELINES["launch-year"].against
