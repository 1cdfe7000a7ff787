"""Prevention storage on every backend: records, filters, atomic daily counters, aggregates."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import Engine, inspect
from sqlalchemy.orm import Session

from netsafe.platform.roles import Role, Viewer
from netsafe.prevention.aggregates import (
    Period,
    figures_across_the_wall,
    prevention_figures,
)
from netsafe.prevention.code_words import CodeWordHasher
from netsafe.prevention.contacts import (
    Area,
    Channel,
    Concern,
    ContactDraft,
    ContactFilter,
    HeardVia,
    RecordAccessError,
    Who,
    list_contacts,
    read_contact,
    record_contact,
    record_follow_up,
)
from netsafe.prevention.counters import (
    FunnelStep,
    SelfHelpEvent,
    UnknownModuleError,
    count_funnel_step,
    count_self_help,
)
from netsafe.store.engine import make_session_factory, unit_of_work
from netsafe.store.repositories.prevention import (
    SqlContactRepository,
    SqlCounterRepository,
    SqlPreventionAggregates,
)

HELPLINE = Viewer(1, "helper", "charity", Role.HELPLINE)
HASHER = CodeWordHasher.from_secret("test-secret-key-0123456789abcdef")
DAY = date(2026, 3, 10)


def draft(**changes: object) -> ContactDraft:
    fields: dict[str, object] = {
        "contact_date": DAY,
        "channel": Channel.CALL,
        "who": Who.OWN_BEHAVIOUR,
        "concerns": frozenset({Concern.ONLINE_IMAGES}),
        "area": Area.GWENT,
        "heard_via": HeardVia.DETERRENCE_MESSAGE,
        "protective_actions": "blocking software",
        "notes": "",
        "follow_ups": 0,
        "code_word_hash": None,
    }
    fields.update(changes)
    return ContactDraft(**fields)  # type: ignore[arg-type]


def test_the_tables_have_no_place_for_identifiers(engine: Engine) -> None:
    inspector = inspect(engine)
    forbidden = ("name", "phone", "email", "ip", "address", "user_agent", "cookie", "postcode")
    tables = (
        "prevention_contacts",
        "prevention_self_help_counts",
        "prevention_funnel_counts",
        "prevention_access_audit",
    )
    for table in tables:
        columns = [c["name"] for c in inspector.get_columns(table)]
        for column in columns:
            assert not any(column == word or column.startswith(f"{word}_") for word in forbidden)
    for table in ("prevention_contacts", "prevention_access_audit"):
        columns = [c["name"] for c in inspector.get_columns(table)]
        assert not {"created_at", "at", "time", "timestamp"} & set(columns)  # no time of day


def test_a_contact_round_trips(session: Session) -> None:
    repository = SqlContactRepository(session)
    stored = record_contact(
        repository,
        HELPLINE,
        draft(
            concerns=frozenset({Concern.ONLINE_IMAGES, Concern.OFFLINE}), code_word_hash="ab" * 32
        ),
    )
    again = read_contact(repository, HELPLINE, stored.id)
    assert again == stored
    assert again.concerns == {Concern.ONLINE_IMAGES, Concern.OFFLINE}
    assert again.has_code_word
    assert "code_word_hash" not in again.as_json()
    assert read_contact(repository, HELPLINE, stored.id + 1000) is None


def test_filters_and_counts(session: Session) -> None:
    repository = SqlContactRepository(session)
    record_contact(repository, HELPLINE, draft())
    record_contact(repository, HELPLINE, draft(channel=Channel.CHAT, area=Area.NORTH_WALES))
    record_contact(
        repository,
        HELPLINE,
        draft(contact_date=date(2026, 4, 1), concerns=frozenset({Concern.OFFLINE})),
    )
    listed, total = list_contacts(repository, HELPLINE, ContactFilter(channel=Channel.CHAT))
    assert total == 1
    assert listed[0].area is Area.NORTH_WALES
    _, in_march = list_contacts(
        repository, HELPLINE, ContactFilter(date_from=date(2026, 3, 1), date_to=date(2026, 3, 31))
    )
    assert in_march == 2
    _, offline = list_contacts(repository, HELPLINE, ContactFilter(concern=Concern.OFFLINE))
    assert offline == 1
    page, total = list_contacts(repository, HELPLINE, ContactFilter(limit=2))
    assert len(page) == 2
    assert total == 3
    assert page[0].contact_date == date(2026, 4, 1)  # newest first


def test_follow_ups_are_counted(session: Session) -> None:
    repository = SqlContactRepository(session)
    stored = record_contact(repository, HELPLINE, draft())
    updated = record_follow_up(repository, HELPLINE, stored.id)
    assert updated is not None
    assert updated.follow_ups == 1
    assert record_follow_up(repository, HELPLINE, stored.id + 99) is None


def test_only_the_helpline_reads_and_writes_records(session: Session) -> None:
    repository = SqlContactRepository(session)
    stored = record_contact(repository, HELPLINE, draft())
    for role in [r for r in Role if r is not Role.HELPLINE]:
        viewer = Viewer(2, "someone", "south-wales", role)
        with pytest.raises(RecordAccessError):
            record_contact(repository, viewer, draft())
        with pytest.raises(RecordAccessError):
            read_contact(repository, viewer, stored.id)
        with pytest.raises(RecordAccessError):
            list_contacts(repository, viewer, ContactFilter())
        with pytest.raises(RecordAccessError):
            record_follow_up(repository, viewer, stored.id)


def test_counters_add_up_in_one_row_per_day(engine: Engine) -> None:
    factory = make_session_factory(engine)
    modules = ("managing-urges", "telling-someone")
    for _ in range(3):  # separate transactions, as separate requests would be
        with unit_of_work(factory) as session:
            counters = SqlCounterRepository(session)
            count_self_help(counters, modules, "managing-urges", SelfHelpEvent.STARTED, DAY)
            count_funnel_step(counters, FunnelStep.HELP_PAGE_VIEW, DAY)
    with unit_of_work(factory) as session:
        counters = SqlCounterRepository(session)
        count_self_help(counters, modules, "managing-urges", SelfHelpEvent.COMPLETED, DAY)
        count_self_help(
            counters, modules, "managing-urges", SelfHelpEvent.STARTED, date(2026, 3, 11)
        )
        with pytest.raises(UnknownModuleError):
            count_self_help(counters, modules, "not-a-module", SelfHelpEvent.STARTED, DAY)
    with unit_of_work(factory) as session:
        counters = SqlCounterRepository(session)
        rows = counters.self_help_counts(DAY, DAY)
        assert [(r.name, r.key, r.count) for r in rows] == [
            ("completed", "managing-urges", 1),
            ("started", "managing-urges", 3),
        ]
        assert [(r.name, r.count) for r in counters.funnel_counts(DAY, date(2026, 3, 31))] == [
            ("help-page-view", 3)
        ]


def test_aggregates_count_people_once_per_code_word(session: Session) -> None:
    repository = SqlContactRepository(session)
    kettle, lamp = HASHER.hash("blue kettle"), HASHER.hash("green lamp")
    for code_word in (kettle, kettle, kettle, lamp, None, None):
        record_contact(repository, HELPLINE, draft(code_word_hash=code_word, follow_ups=1))
    for _ in range(6):
        record_contact(repository, HELPLINE, draft(channel=Channel.CHAT, area=Area.SOUTH_WALES))
    record_contact(repository, HELPLINE, draft(contact_date=date(2025, 1, 1)))  # outside
    counters = SqlCounterRepository(session)
    for _ in range(7):
        counters.add_funnel(DAY, FunnelStep.WARNING_SHOWN)
    counters.add_funnel(DAY, FunnelStep.HELP_PAGE_VIEW)
    counters.add_self_help(DAY, "managing-urges", SelfHelpEvent.STARTED)

    period = Period(date(2026, 1, 1), date(2026, 12, 31))
    figures = prevention_figures(SqlPreventionAggregates(session), period)
    c = figures.contacts
    assert c.contacts == 12
    assert c.people == 2 + 2 + 6  # two code words, two anonymous, six anonymous chats
    assert c.returning_people == 1
    assert c.follow_ups == 6
    assert c.by_channel == {"call": 6, "chat": 6, "email": 0, "self-help": 0, "other": 0}
    assert c.by_area["gwent"] == 6
    assert c.by_concern == {"online-images": 12, "online-contact": 0, "offline": 0}
    assert c.by_month == {"2026-03": 12}
    assert figures.funnel["warning-shown"] == 7
    assert figures.self_help == {"managing-urges": {"started": 1, "completed": 0}}

    gwent = prevention_figures(SqlPreventionAggregates(session), period, Area.GWENT)
    assert gwent.contacts.contacts == 6
    assert gwent.contacts.people == 4

    shown = figures_across_the_wall(figures)
    contacts = shown["contacts"]
    assert isinstance(contacts, dict)
    assert contacts["total"] == 12
    assert contacts["returning_people"] == "<5"
    assert contacts["by_channel"] == {
        "call": 6,
        "chat": 6,
        "email": "<5",
        "self-help": "<5",
        "other": "<5",
    }
    assert shown["funnel"] == {
        "warning-shown": 7,
        "help-page-view": "<5",
        "helpline-click": "<5",
        "chat-click": "<5",
    }
    assert shown["funnel_rates"] == {
        "help_page_views_per_warning": None,
        "contact_clicks_per_help_page_view": None,
    }
    assert shown["self_help"] == {"managing-urges": {"started": "<5", "completed": "<5"}}


def test_latest_day_is_the_latest_contact_counters_only_without_one(session: Session) -> None:
    """The default periods end on the latest contact: an anonymous view of the help page today
    must not open the dashboard on a year with no contact in it."""
    aggregates = SqlPreventionAggregates(session)
    assert aggregates.latest_day() is None
    SqlCounterRepository(session).add_funnel(date(2026, 2, 1), FunnelStep.HELP_PAGE_VIEW)
    assert aggregates.latest_day() == date(2026, 2, 1)  # no contact yet: the counters' day
    record_contact(SqlContactRepository(session), HELPLINE, draft())
    assert aggregates.latest_day() == DAY
    SqlCounterRepository(session).add_funnel(date(2026, 4, 2), FunnelStep.CHAT_CLICK)
    assert aggregates.latest_day() == DAY
