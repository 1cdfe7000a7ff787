"""The filtered queue and the exhibit list (issue 17 point 2), API and pages: each filter, the
count in `X-Total-Count` and on the page, pages that keep the filters, an unknown value named,
dashboard counters linking to the list they count, the landing page after login, and nothing of
another force. SQLite and PostgreSQL."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine
from sqlalchemy.orm import Session

from netsafe.operation.exhibits import record_exhibit
from netsafe.operation.referrals import NewReferral, ReferralStatus, create_referral
from netsafe.platform.roles import Role
from netsafe.store.engine import make_session_factory, unit_of_work
from netsafe.store.repositories.operation import case_repositories
from tests.operation.operation_seeds import SEEDER
from tests.operation.operation_triage import store_triage_run
from tests.platform.platform_helpers import PASSWORD, add_user

NOW = datetime.now(UTC).replace(microsecond=0)
Headers = dict[str, str]


def _referral(
    session: Session,
    force: str,
    *,
    days_ago: float,
    source: str = "partner",
    band: str | None = None,
    status: ReferralStatus | None = None,
) -> int:
    repos = case_repositories(session)
    new = NewReferral(source, force, NOW - timedelta(days=days_ago), f"List test {force}")
    referral = create_referral(repos.referrals, new, by=SEEDER, now=NOW)
    if band or status:
        changed = replace(referral, risk_band=band, status=status or referral.status)
        if status is ReferralStatus.CLOSED:  # closed by an outcome, 5 days in: answered late
            changed = replace(changed, responded_at=referral.received_at + timedelta(days=5))
        repos.referrals.update(changed)
    return referral.id


@pytest.fixture
def seeded(engine: Engine) -> dict[str, int]:
    """Gwent: an overdue high-band partner referral (40 days), a fresh national referral, a closed
    one answered late; South Wales: one of its own."""
    with unit_of_work(make_session_factory(engine)) as session:
        return {
            "late": _referral(session, "gwent", days_ago=40, band="high"),
            "fresh": _referral(session, "gwent", days_ago=0.1, source="national-referral"),
            "closed": _referral(session, "gwent", days_ago=20, status=ReferralStatus.CLOSED),
            "south": _referral(session, "south-wales", days_ago=1),
        }


def _ids(answer: object) -> list[int]:
    return [r["id"] for r in answer.json()]  # type: ignore[attr-defined]


def test_the_queue_api_filters_and_counts(
    client: TestClient, seeded: dict[str, int], bearer: Callable[..., Headers]
) -> None:
    gwent = bearer(Role.INVESTIGATOR, "gwent")
    lead = bearer(Role.OPERATION_LEAD)

    def ask(query: str, headers: Headers = gwent) -> list[int]:
        answer = client.get(f"/api/v1/referrals?{query}", headers=headers)
        assert answer.status_code == 200, answer.text
        assert int(answer.headers["X-Total-Count"]) >= len(answer.json())
        return _ids(answer)

    assert ask("") == [seeded["late"], seeded["fresh"]]  # open ones, deadline order
    assert ask("status=all") == [seeded["late"], seeded["closed"], seeded["fresh"]]
    assert ask("status=closed") == [seeded["closed"]]
    assert ask("band=high") == [seeded["late"]]
    assert ask("band=unassessed") == [seeded["fresh"]]
    assert ask("source=national-referral") == [seeded["fresh"]]
    assert ask("breached=yes") == [seeded["late"]]
    assert ask("breached=no") == [seeded["fresh"]]
    assert ask("breached=yes&status=all") == [seeded["late"], seeded["closed"]]
    received = (NOW - timedelta(days=2)).date().isoformat()
    assert ask(f"received_from={received}") == [seeded["fresh"]]
    assert ask(f"received_to={received}") == [seeded["late"]]
    assert ask("due_within_hours=72") == [seeded["fresh"]]
    assert ask("force=south-wales") == []  # another force's: never shown
    assert ask("force=south-wales&force=gwent", lead) == [
        seeded["late"],
        seeded["south"],
        seeded["fresh"],
    ]
    page = client.get("/api/v1/referrals?limit=1&offset=1", headers=gwent)
    assert _ids(page) == [seeded["fresh"]]
    assert page.headers["X-Total-Count"] == "2"
    for bad in ("band=purple", "force=atlantis", "status=lost", "source=pigeon", "breached=maybe"):
        refused = client.get(f"/api/v1/referrals?{bad}", headers=gwent)
        assert refused.status_code == 422, bad
        assert bad.split("=")[0] in refused.text


def test_the_queue_page_keeps_its_filters_in_the_url(
    client: TestClient, seeded: dict[str, int], bearer: Callable[..., Headers]
) -> None:
    lead = bearer(Role.OPERATION_LEAD)
    page = client.get("/operation/queue?show=open&status=all&breached=yes", headers=lead).text
    assert "2 referrals found · page 1 of 1" in page
    assert f"/operation/referrals/{seeded['late']}" in page
    assert f"/operation/referrals/{seeded['closed']}" in page
    assert f"/operation/referrals/{seeded['fresh']}" not in page
    assert '<option value="yes" selected>breached</option>' in page
    refused = client.get("/operation/queue?band=purple", headers=lead)
    assert refused.status_code == 200
    assert "unknown band &#39;purple&#39;" in refused.text
    # an address edited by hand: the page, its form and what was wrong, not a bare 422
    for address, said in (
        ("/operation/queue?show=all", "show: one of awaiting, open, not &#39;all&#39;"),
        ("/operation/queue?page=0", "page: a whole number from 1 to 100,000, not &#39;0&#39;"),
        ("/operation/queue?page=x&show=open", "page: a whole number"),
        ("/operation/queue?received_from=2017-13-01", "received_from"),
    ):
        answer = client.get(address, headers=lead)
        assert answer.status_code == 200, address
        assert said in answer.text, address
        assert 'id="filter-force"' in answer.text or "<form" in answer.text
    # what the date input can't hold is said beside the form, not put back into the input
    edited = client.get("/operation/queue?received_from=2017-13-01", headers=lead).text
    assert 'name="received_from" type="date" value=""' in edited
    kept = client.get("/operation/queue?received_from=2017-01-02", headers=lead).text
    assert 'name="received_from" type="date" value="2017-01-02"' in kept
    with unit_of_work(make_session_factory(client.app.state.engine)) as session:  # type: ignore[attr-defined]
        for number in range(55):
            _referral(session, "dyfed-powys", days_ago=1 + number / 100)
    first = client.get("/operation/queue?force=dyfed-powys", headers=lead).text
    assert "55 referrals found · page 1 of 2" in first
    assert 'href="/operation/queue?page=2&amp;show=awaiting&amp;force=dyfed-powys"' in first
    second = client.get("/operation/queue?page=2&show=awaiting&force=dyfed-powys", headers=lead)
    assert "page 2 of 2" in second.text


def test_dashboard_counters_link_to_the_lists_they_count(
    client: TestClient, seeded: dict[str, int], bearer: Callable[..., Headers]
) -> None:
    gwent = bearer(Role.INVESTIGATOR, "gwent")
    dashboard = client.get("/operation", headers=gwent).text
    found = re.findall(r'<dd id="([a-z-]+)"><a href="([^"]+)">(\d+)</a>', dashboard)
    links = {counter: url for counter, url, _count in found}
    assert set(links) >= {"open-count", "breached-open", "breached", "due-soon-count"}
    for counter, url in links.items():
        listed = client.get(url.replace("&amp;", "&"), headers=gwent).text
        counted = re.search(rf'<dd id="{counter}"><a href="[^"]+">(\d+)<', dashboard)
        assert counted is not None
        assert f"{counted.group(1)} referral" in listed, (counter, url)


def _exhibit(session: Session, referral_id: int, reference: str, days_ago: float) -> int:
    repos = case_repositories(session)
    return record_exhibit(
        repos,
        SEEDER,
        referral_id,
        reference=reference,
        device_type="phone",
        seal_number=f"S-{reference}-{referral_id}",
        seized_at=NOW - timedelta(days=days_ago),
        seized_from="1 Test Street",
    ).id


def test_the_exhibit_list_by_triage_force_and_age(
    client: TestClient, engine: Engine, seeded: dict[str, int], bearer: Callable[..., Headers]
) -> None:
    with unit_of_work(make_session_factory(engine)) as session:
        old = _exhibit(session, seeded["late"], "GW/1", 30)
        matched = _exhibit(session, seeded["late"], "GW/2", 20)
        clean = _exhibit(session, seeded["late"], "GW/3", 10)
        # the same reference in South Wales: its runs are not Gwent's
        shared = _exhibit(session, seeded["late"], "SHARED/1", 5)
        theirs = _exhibit(session, seeded["south"], "SHARED/1", 0.5)
        store_triage_run(session, "GW/2", matched=3)
        store_triage_run(session, "GW/3", matched=0)
        run = store_triage_run(session, "SHARED/1", matched=2)  # names no case: belongs to neither
    assert run.case is None
    gwent = bearer(Role.EXAMINER, "gwent")
    lead = bearer(Role.OPERATION_LEAD)

    def ask(query: str, headers: Headers = gwent) -> list[int]:
        answer = client.get(f"/api/v1/exhibits?{query}", headers=headers)
        assert answer.status_code == 200, answer.text
        assert answer.headers["X-Total-Count"] == str(len(answer.json()))
        return _ids(answer)

    assert ask("") == [old, matched, clean, shared]  # oldest seizure first, Gwent's only
    assert ask("triage=awaiting-triage") == [old, shared]
    assert ask("triage=triaged") == [matched, clean]
    assert ask("triage=with-matches") == [matched]
    assert ask("min_age_days=15") == [old, matched]
    assert ask("max_age_days=15") == [clean, shared]
    assert ask("force=south-wales") == []
    assert ask("force=south-wales", lead) == [theirs]
    line = client.get("/api/v1/exhibits?triage=with-matches", headers=gwent).json()[0]
    assert line["files_matched"] == 3
    assert line["triage_state"] == "with-matches"
    assert line["holder"] == SEEDER.username
    assert line["case_reference"].startswith("NS-")
    assert client.get("/api/v1/exhibits?triage=done", headers=gwent).status_code == 422
    assert client.get("/api/v1/exhibits", headers=bearer(Role.HELPLINE)).status_code == 403
    page = client.get("/operation/exhibits?triage=with-matches", headers=gwent).text
    assert "1 exhibit found" in page
    assert "GW/2" in page
    assert "With matches (1 run, 3 files matched" in page
    # a hand-edited page number: said on the page, the first page shown
    edited = client.get("/operation/exhibits?page=0&triage=with-matches", headers=gwent)
    assert edited.status_code == 200
    assert "page: a whole number from 1 to 100,000, not &#39;0&#39;" in edited.text
    assert "GW/2" in edited.text
    typed = client.get("/operation/exhibits?min_age_days=x", headers=gwent).text
    assert 'name="min_age_days" type="number" min="0" max="36500" value=""' in typed
    assert "min_age_days" in typed.split('role="alert"', 1)[1]


def test_each_role_lands_on_its_days_work_not_the_list_of_agencies(
    engine: Engine, client: TestClient
) -> None:
    landings = {
        ("land.inv", "gwent", Role.INVESTIGATOR): "/operation/my-work",
        ("land.exam", "gwent", Role.EXAMINER): "/operation/my-work",
        ("land.help", "charity", Role.HELPLINE): "/prevention/contacts",
        ("land.eval", "charity", Role.CHARITY_ANALYST): "/prevention",
        ("land.admin", "regional-unit", Role.ADMIN): "/admin",
        ("land.cadmin", "charity", Role.CHARITY_ADMIN): "/admin",
    }
    for (username, agency, role), landing in landings.items():
        add_user(engine, username, agency=agency, role=role)
        login = client.get("/login")
        token = re.search(r'name="csrf_token" value="([^"]+)"', login.text)
        assert token is not None
        answer = client.post(
            "/login",
            data={"username": username, "password": PASSWORD, "csrf_token": token.group(1)},
        )
        assert answer.status_code == 303, answer.text
        assert answer.headers["location"] == landing
        assert client.get(landing).status_code == 200, (role, landing)  # a page they may see
        client.cookies.clear()
    # a page asked for before logging in still comes first
    login = client.get("/login?next=/operation/queue")
    token = re.search(r'name="csrf_token" value="([^"]+)"', login.text)
    assert token is not None
    answer = client.post(
        "/login",
        data={
            "username": "land.inv",
            "password": PASSWORD,
            "csrf_token": token.group(1),
            "next": "/operation/queue",
        },
    )
    assert answer.headers["location"] == "/operation/queue"
