"""The charity's pages: quick entry (with a real login, session cookie and CSRF token), problems
named on the form, the list with filters, a record with its follow-up button, the dashboard."""

from __future__ import annotations

import re

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine

from netsafe.platform.roles import Role
from netsafe.settings import Settings
from netsafe.web.csrf import CSRF_FIELD
from tests.platform.platform_helpers import add_user
from tests.web.prevention.web_helpers import agency_of, write_prevention_file
from tests.web.support import Bearer

PASSWORD = "correct horse battery staple"
FORM = {
    "contact_date": "2026-05-02",
    "channel": "call",
    "who": "own-behaviour",
    "concerns": ["online-images", "online-contact"],
    "area": "dyfed-powys",
    "heard_via": "deterrence-message",
    "protective_actions": "Blocking software installed during the call.",
    "notes": "",
    "follow_ups": "0",
    "code_word": "",
}


@pytest.fixture(autouse=True)
def prevention_file(settings: Settings) -> None:
    write_prevention_file(settings)


def csrf_from(page: str) -> str:
    match = re.search(rf'name="{CSRF_FIELD}" value="([^"]+)"', page)
    assert match, "the page has a CSRF field"
    return match.group(1)


def log_in(client: TestClient, username: str) -> None:
    form = client.get("/login")
    answer = client.post(
        "/login",
        data={"username": username, "password": PASSWORD, CSRF_FIELD: csrf_from(form.text)},
    )
    assert answer.status_code == 303, answer.text


def test_a_helpline_practitioner_enters_contacts_through_the_form(
    client: TestClient, engine: Engine
) -> None:
    add_user(engine, "helpline.one", agency="charity", role=Role.HELPLINE, password=PASSWORD)
    log_in(client, "helpline.one")
    form = client.get("/prevention/contacts/new")
    assert form.status_code == 200
    assert "autofocus" in form.text
    # the options in words; the values sent stay the coded slugs
    assert 'value="own-behaviour"' in form.text
    assert "> Worried about their own behaviour</label>" in form.text
    assert "> own-behaviour</label>" not in form.text
    token = csrf_from(form.text)

    saved = client.post("/prevention/contacts", data={**FORM, CSRF_FIELD: token})
    assert saved.status_code == 303
    assert re.fullmatch(r"/prevention/contacts/new\?saved=\d+", saved.headers["location"])
    again = client.get(saved.headers["location"])
    assert "Saved contact #" in again.text

    refused = client.post(
        "/prevention/contacts",
        data={**FORM, "notes": "email me at someone@example.org", "who": "", CSRF_FIELD: token},
    )
    assert refused.status_code == 422
    assert "Notes: looks like it contains e-mail address" in refused.text
    assert "Who: required" in refused.text
    # shown back in the form only, for the practitioner to edit out; never stored
    assert "email me at someone@example.org</textarea>" in refused.text

    no_token = client.post("/prevention/contacts", data=FORM)
    assert no_token.status_code == 403

    listed = client.get("/prevention/contacts")
    assert "Contacts <small>(1)</small>" in listed.text
    assert "<td>Dyfed-Powys</td>" in listed.text  # coded values in words, not slugs
    assert "Online contact with children, Online images" in listed.text


def test_list_filters_record_and_follow_up(client: TestClient, bearer: Bearer) -> None:
    headers = bearer(Role.HELPLINE)
    ids = []
    for channel, area in [("call", "gwent"), ("chat", "gwent"), ("email", "north-wales")]:
        answer = client.post(
            "/api/v1/prevention/contacts",
            json={**FORM, "channel": channel, "area": area, "follow_ups": 0},
            headers=headers,
        )
        ids.append(answer.json()["id"])
    page = client.get("/prevention/contacts", params={"area": "gwent"}, headers=headers)
    assert "Contacts <small>(2)</small>" in page.text
    page = client.get(
        "/prevention/contacts", params={"area": "gwent", "channel": "chat"}, headers=headers
    )
    assert "Contacts <small>(1)</small>" in page.text
    assert (
        client.get("/prevention/contacts", params={"area": "mars"}, headers=headers).status_code
        == 422
    )

    record = client.get(f"/prevention/contacts/{ids[0]}", headers=headers)
    assert record.status_code == 200
    assert "Blocking software installed" in record.text
    follow = client.post(f"/prevention/contacts/{ids[0]}/follow-ups", headers=headers)
    assert follow.status_code == 303
    record = client.get(f"/prevention/contacts/{ids[0]}", headers=headers)
    assert '<dd id="follow-ups">1</dd>' in record.text
    assert client.get("/prevention/contacts/999999", headers=headers).status_code == 404


def test_the_dashboard_shows_exact_and_shared_figures(client: TestClient, bearer: Bearer) -> None:
    helpline = bearer(Role.HELPLINE)
    for _ in range(7):
        client.post(
            "/api/v1/prevention/contacts",
            json={**FORM, "contact_date": None, "code_word": "blue kettle"},
            headers=helpline,
        )
    client.post("/api/v1/deterrence/check", json={"query": "zebra-test-term"})
    client.get("/help")
    analyst = bearer(Role.CHARITY_ANALYST)
    page = client.get("/prevention", headers=analyst)
    assert page.status_code == 200
    assert '<td id="people">1</td>' in page.text  # one code word, seven contacts
    assert '<td id="contacts">7</td>' in page.text
    assert "&lt;5" in page.text  # the shared column
    assert "New contact" not in page.text  # the analyst has no record pages
    assert client.get("/prevention", headers=helpline).status_code == 200


def test_a_view_of_the_help_page_today_does_not_empty_the_default_periods(
    client: TestClient, bearer: Bearer
) -> None:
    """Issue 17: the dashboard and /stats open on the year up to the latest contact, not on the
    year up to an anonymous counter (the help page viewed today) with no contact in it."""
    helpline = bearer(Role.HELPLINE)
    for day in ("2017-03-01", "2017-03-10"):
        answer = client.post(
            "/api/v1/prevention/contacts",
            json={**FORM, "contact_date": day},
            headers=helpline,
        )
        assert answer.status_code == 201, answer.text
    assert client.get("/help").status_code == 200  # counted today
    analyst = bearer(Role.CHARITY_ANALYST)
    page = client.get("/prevention", headers=analyst)
    assert '<td id="contacts">2</td>' in page.text
    assert 'value="2017-03-10"' in page.text
    aggregates = client.get("/api/v1/prevention/aggregates", headers=analyst).json()
    assert aggregates["period"] == {"from": "2016-03-11", "to": "2017-03-10"}
    police = bearer(Role.SUPERVISOR, "south-wales")
    stats = client.get("/api/v1/stats", headers=police).json()
    assert stats["period"]["to"] == "2017-03-10"


def test_police_and_admin_pages_are_refused(client: TestClient, bearer: Bearer) -> None:
    for role in (Role.INVESTIGATOR, Role.SUPERVISOR, Role.OPERATION_LEAD, Role.ADMIN):
        headers = bearer(role, agency_of(role))
        for url in ("/prevention", "/prevention/contacts", "/prevention/contacts/new"):
            assert client.get(url, headers=headers).status_code == 403, (role, url)


def test_the_help_page_is_public_and_counts_views(client: TestClient) -> None:
    page = client.get("/help")
    assert page.status_code == 200
    assert 'href="/help/chat"' in page.text
    assert 'data-funnel="helpline-click"' in page.text
    assert "Log in" in page.text  # anonymous: the public navigation


def test_the_help_page_adds_the_operators_helpline_text(
    client: TestClient, settings: Settings
) -> None:
    (settings.home / "helpline.txt").write_text(
        "Local support line.\nhttps://support.example.test\n\nSecond paragraph.", encoding="utf-8"
    )
    page = client.get("/help")
    assert '<a href="https://support.example.test">' in page.text
    assert "Second paragraph." in page.text
