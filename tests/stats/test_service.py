"""The statistics service on small hand-counted fixtures: totals, forces, breakdowns, comparisons,
monthly series and suppression of prevention figures."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from netsafe.stats.periods import Period, StatsInputError
from netsafe.stats.service import (
    StatsRequest,
    compute_statistics,
    latest_record_date,
    monthly_series,
)
from tests.stats.memory_sources import ContactLog, EventLog


def at(year: int, month: int, day: int, hour: int = 12, minute: int = 0) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=UTC)


@pytest.fixture
def events() -> EventLog:
    log = EventLog()
    # March 2017: 3 warrants in gwent (one 00:30 on the DST night), 1 in north-wales.
    log.add("warrants_executed", "gwent", at(2017, 3, 1))
    log.add("warrants_executed", "gwent", at(2017, 3, 26, 0, 30))
    log.add("warrants_executed", "gwent", at(2017, 3, 31, 22, 59))  # 23:59 BST: still March
    log.add("warrants_executed", "north-wales", at(2017, 3, 31, 23, 0))  # 00:00 BST 1 April
    # February 2017: 2 warrants.
    log.add("warrants_executed", "gwent", at(2017, 2, 28, 23, 59))
    log.add("warrants_executed", "south-wales", at(2017, 2, 1, 0, 0))
    # Referrals by source in March.
    log.add("referrals_received", "gwent", at(2017, 3, 2), "national-referral")
    log.add("referrals_received", "gwent", at(2017, 3, 3), "national-referral")
    log.add("referrals_received", "dyfed-powys", at(2017, 3, 4), "public-report")
    return log


@pytest.fixture
def contacts() -> ContactLog:
    log = ContactLog()
    for n in range(7):  # 7 calls in March from 6 people (p0 calls twice)
        log.add(f"p{min(n, 5)}", "call", "own-behaviour", "gwent", date(2017, 3, 10 + n))
    log.add("q1", "chat", "family-friend", "gwent", date(2017, 3, 20))
    log.add("q2", "chat", "own-behaviour", "gwent", date(2017, 2, 20))
    return log


def test_totals_forces_breakdowns_and_previous_period(
    events: EventLog, contacts: ContactLog
) -> None:
    request = StatsRequest(date(2017, 3, 1), date(2017, 3, 31))
    stats = compute_statistics(events, contacts, request)
    assert stats.comparison.against == Period(date(2017, 2, 1), date(2017, 2, 28))
    warrants = stats.figures["warrants_executed"].to_json()
    assert warrants["value"] == 3
    assert warrants["previous"] == 2
    assert warrants["change_pct"] == 50.0
    assert warrants["by_force"]["gwent"] == {"value": 3, "previous": 1, "change_pct": 200.0}
    assert warrants["by_force"]["north-wales"]["value"] == 0
    referrals = stats.figures["referrals_received"].to_json()
    assert referrals["value"] == 3
    assert referrals["by_source"]["national-referral"]["value"] == 2
    assert referrals["by_source"]["public-report"]["value"] == 1


def test_force_filter(events: EventLog, contacts: ContactLog) -> None:
    request = StatsRequest(date(2017, 3, 1), date(2017, 4, 30), force="north-wales", compare="none")
    stats = compute_statistics(events, contacts, request)
    warrants = stats.figures["warrants_executed"].to_json()
    assert warrants == {"value": 1, "previous": None, "change_pct": None}
    with pytest.raises(StatsInputError, match="unknown force 'atlantis'"):
        compute_statistics(events, contacts, StatsRequest(force="atlantis"))


def test_prevention_figures_are_unique_and_suppressed(
    events: EventLog, contacts: ContactLog
) -> None:
    stats = compute_statistics(events, contacts, StatsRequest(date(2017, 3, 1), date(2017, 3, 31)))
    people = stats.figures["people_seeking_help"].to_json()
    assert people["value"] == 7  # p0..p5 and q1
    assert people["previous"] == "<5"  # one person in February
    assert people["change_pct"] is None
    channels = stats.figures["contacts_by_channel"].to_json()
    assert channels["value"] == 8
    assert channels["by_channel"]["call"]["value"] == "suppressed"  # else 8 - 7 reveals the chat
    assert channels["by_channel"]["chat"]["value"] == "<5"


def test_monthly_series(events: EventLog, contacts: ContactLog) -> None:
    period = Period(date(2017, 2, 1), date(2017, 4, 30))
    series = monthly_series(
        events, contacts, period, None, ["warrants_executed", "people_seeking_help"]
    )
    assert series.months == ["2017-02", "2017-03", "2017-04"]
    assert series.values["warrants_executed"] == [2, 3, 1]
    assert series.values["people_seeking_help"] == ["<5", 7, "<5"]


def test_a_record_dated_in_the_future_does_not_open_an_empty_future_period(
    events: EventLog, contacts: ContactLog
) -> None:
    today = date(2017, 4, 5)
    assert latest_record_date(events, contacts, today=today) == date(2017, 4, 1)  # 00:00 BST
    events.add("arrests", "gwent", at(2099, 1, 1))  # a mistyped date written before the rules
    assert latest_record_date(events, contacts, today=today) == today
    now = datetime.now(UTC).date()
    assert latest_record_date(events, contacts) <= now


def test_the_default_period_ends_on_headline_data_when_the_latest_records_stand_alone() -> None:
    """Referrals imported today into casework that ended years ago (the demo's intake): the
    twelve months up to today hold no headline record, so the period ends on the latest one."""
    log = EventLog()
    log.add("warrants_executed", "gwent", at(2018, 10, 30))
    log.add("arrests", "gwent", at(2018, 10, 31, 9))
    log.add("referrals_received", "gwent", at(2026, 12, 4), "national-referral")
    today = date(2026, 12, 4)
    assert latest_record_date(log, ContactLog(), today=today) == date(2018, 10, 31)
    stats = compute_statistics(log, ContactLog(), StatsRequest())
    assert stats.period == Period(date(2017, 11, 1), date(2018, 10, 31))
    assert stats.figures["arrests"].value == 1
    # a headline record within the twelve months up to the latest record: it ends there
    log.add("referrals_received", "gwent", at(2019, 6, 1), "national-referral")
    log.events.pop(2)  # today's referral gone: 1 June 2019 is the latest record
    assert latest_record_date(log, ContactLog(), today=today) == date(2019, 6, 1)
    # a help-seeking contact is headline data too
    contacts = ContactLog()
    contacts.add("p1", "call", "own-behaviour", "gwent", date(2020, 1, 2))
    assert latest_record_date(log, contacts, today=today) == date(2020, 1, 2)
