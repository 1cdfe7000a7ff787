"""The prevention API and public routes: records for the helpline, anonymous counters, the
deterrence check and funnel, the help page — no cookies set, nothing about the caller kept."""

from __future__ import annotations

from datetime import date

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine

from netsafe.platform.roles import Role
from netsafe.prevention.aggregates import Period
from netsafe.settings import Settings
from netsafe.store.engine import make_session_factory, unit_of_work
from netsafe.store.repositories.prevention import SqlPreventionAggregates
from netsafe.web.app import create_app
from netsafe.web.prevention.common import uk_today
from tests.web.prevention.web_helpers import client_for, write_prevention_file
from tests.web.support import Bearer

CONTACT = {
    "channel": "chat",
    "who": "family-friend",
    "concerns": ["online-images", "offline"],
    "area": "north-wales",
    "heard_via": "search-engine",
    "protective_actions": "Talk to the family about parental controls.",
    "notes": "Worried about a relative's browsing.",
}


@pytest.fixture
def client(settings: Settings, client: TestClient) -> TestClient:
    """The shared client (tests/conftest.py), the prevention file written before any request."""
    write_prevention_file(settings)
    return client


def today_totals(engine: Engine) -> tuple[dict[str, dict[str, int]], dict[str, int]]:
    with unit_of_work(make_session_factory(engine)) as session:
        source = SqlPreventionAggregates(session)
        period = Period(uk_today(), uk_today())
        return source.self_help_totals(period), source.funnel_totals(period)


def test_helpline_records_lists_and_reads_contacts(client: TestClient, bearer: Bearer) -> None:
    headers = bearer(Role.HELPLINE)
    created = client.post(
        "/api/v1/prevention/contacts",
        json={**CONTACT, "code_word": "Blue Kettle", "follow_ups": 2, "contact_date": "2026-03-04"},
        headers=headers,
    )
    assert created.status_code == 201, created.text
    body = created.json()
    contact_id = body["id"]
    assert body["has_code_word"] is True
    assert "kettle" not in created.text.lower()
    assert body["contact_date"] == "2026-03-04"

    minimal = client.post("/api/v1/prevention/contacts", json=CONTACT, headers=headers)
    assert minimal.status_code == 201
    assert minimal.json()["contact_date"] == uk_today().isoformat()

    read = client.get(f"/api/v1/prevention/contacts/{contact_id}", headers=headers)
    assert read.status_code == 200
    assert read.json()["concerns"] == ["offline", "online-images"]
    assert read.json()["follow_ups"] == 2

    listed = client.get(
        "/api/v1/prevention/contacts",
        params={"from": "2026-03-01", "to": "2026-03-31"},
        headers=headers,
    )
    assert listed.json()["total"] == 1
    assert listed.json()["contacts"][0]["id"] == contact_id
    assert (
        client.get(
            "/api/v1/prevention/contacts", params={"channel": "call"}, headers=headers
        ).json()["total"]
        == 0
    )

    followed = client.post(f"/api/v1/prevention/contacts/{contact_id}/follow-ups", headers=headers)
    assert followed.json()["follow_ups"] == 3
    assert client.get("/api/v1/prevention/contacts/999999", headers=headers).status_code == 404


def test_bad_fields_answer_422_naming_each_field(client: TestClient, bearer: Bearer) -> None:
    headers = bearer(Role.HELPLINE)
    answer = client.post(
        "/api/v1/prevention/contacts",
        json={**CONTACT, "channel": "fax", "notes": "his number is 07700 900123", "phone": "x"},
        headers=headers,
    )
    assert answer.status_code == 422
    problems = {p["field"]: p["message"] for p in answer.json()["detail"]}
    assert set(problems) == {"channel", "notes", "phone"}
    assert "phone number" in problems["notes"]
    assert "07700" not in answer.text
    assert client.post("/api/v1/prevention/contacts", json={}, headers=headers).status_code == 422


def test_the_charity_analyst_sees_suppressed_aggregates_only(
    client: TestClient, bearer: Bearer
) -> None:
    helpline = bearer(Role.HELPLINE)
    for _ in range(6):
        client.post("/api/v1/prevention/contacts", json=CONTACT, headers=helpline)
    analyst = bearer(Role.CHARITY_ANALYST)
    figures = client.get("/api/v1/prevention/aggregates", headers=analyst)
    assert figures.status_code == 200
    contacts = figures.json()["contacts"]
    assert contacts["total"] == 6
    assert contacts["by_channel"]["chat"] == 6
    assert contacts["by_channel"]["call"] == "<5"
    assert client.get("/api/v1/prevention/contacts", headers=analyst).status_code == 403
    assert (
        client.post("/api/v1/prevention/contacts", json=CONTACT, headers=analyst).status_code == 403
    )


def test_self_help_counters_are_anonymous_daily_counts(client: TestClient, engine: Engine) -> None:
    for _ in range(3):
        answer = client.post("/api/v1/prevention/self-help/managing-urges/started")
        assert answer.status_code == 204
        assert "set-cookie" not in answer.headers
    client.post("/api/v1/prevention/self-help/managing-urges/completed")
    assert client.post("/api/v1/prevention/self-help/not-configured/started").status_code == 404
    assert client.post("/api/v1/prevention/self-help/managing-urges/paused").status_code == 422
    self_help, _ = today_totals(engine)
    assert self_help == {"managing-urges": {"started": 3, "completed": 1}}


def test_the_deterrence_check_warns_with_the_helpline_and_counts_warnings(
    client: TestClient, engine: Engine
) -> None:
    warned = client.post("/api/v1/deterrence/check", json={"query": "Zebra Test Term"})
    assert warned.status_code == 200
    assert "set-cookie" not in warned.headers
    body = warned.json()
    assert body["warn"] is True
    assert body["helpline"]["phone"] == "0800 000 0000"
    assert body["message"]
    assert client.post(
        "/api/v1/deterrence/check", json={"url": "https://a.example.test/zebra-1"}
    ).json()["warn"]
    assert client.post(
        "/api/v1/deterrence/check", json={"hashes": ["69C459DD76C6198F72F0C20DDD3C9447"]}
    ).json()["warn"]
    quiet = client.post("/api/v1/deterrence/check", json={"query": "weather tomorrow"}).json()
    assert quiet == {"warn": False, "message": None, "helpline": None}
    assert client.post("/api/v1/deterrence/check", json={"query": "x" * 5000}).status_code == 422
    _, funnel = today_totals(engine)
    assert funnel == {"warning-shown": 3}


def test_the_funnel_counts_help_page_views_and_clicks(client: TestClient, engine: Engine) -> None:
    page = client.get("/help")
    assert page.status_code == 200
    assert "Test helpline" in page.text
    assert "0800 000 0000" in page.text
    client.get("/help")
    chat = client.get("/help/chat")
    assert chat.status_code == 303
    assert chat.headers["location"] == "https://help.example.test/chat"
    for _ in range(2):
        answer = client.post("/api/v1/prevention/funnel/helpline-click")
        assert answer.status_code == 204
        assert "set-cookie" not in answer.headers
    assert client.post("/api/v1/prevention/funnel/warning-shown").status_code == 422
    assert client.post("/api/v1/prevention/funnel/anything").status_code == 422
    _, funnel = today_totals(engine)
    assert funnel == {"help-page-view": 2, "chat-click": 1, "helpline-click": 2}


def test_without_a_prevention_file_nothing_warns(settings: Settings) -> None:
    client = client_for(create_app(settings))
    assert (
        client.post("/api/v1/deterrence/check", json={"query": "zebra-test-term"}).json()["warn"]
        is False
    )
    assert client.get("/help").status_code == 200
    assert client.get("/help/chat").status_code == 404


def test_contact_dates_default_to_the_uk_day() -> None:
    assert abs((uk_today() - date.today()).days) <= 1


def test_record_access_is_audited_for_the_charity_only(client: TestClient, bearer: Bearer) -> None:
    headers = bearer(Role.HELPLINE)
    contact_id = client.post("/api/v1/prevention/contacts", json=CONTACT, headers=headers).json()[
        "id"
    ]
    client.get(f"/api/v1/prevention/contacts/{contact_id}", headers=headers)
    client.get("/api/v1/prevention/contacts", headers=headers)
    client.post(f"/api/v1/prevention/contacts/{contact_id}/follow-ups", headers=headers)
    entries = client.get("/api/v1/prevention/audit", headers=headers).json()["entries"]
    assert [e["action"] for e in entries] == [
        "contact.follow-up",
        "contact.list",
        "contact.read",
        "contact.create",
    ]
    assert entries[0]["contact_id"] == contact_id
    assert entries[0]["actor"].startswith("helpline-")
    assert set(entries[0]) == {"day", "actor", "action", "contact_id"}  # no time, no address
    assert entries[0]["day"] == uk_today().isoformat()
    analyst = bearer(Role.CHARITY_ANALYST)
    assert client.get("/api/v1/prevention/audit", headers=analyst).status_code == 403
