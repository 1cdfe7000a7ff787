"""Triage findings found by the words of their path (`search2_0002`): an exhibit with a finding
at `/Users/example/Pictures/zebra-test-1.jpg` is found by `Pictures/zebra-test`, once, as a text
match; within the caller's visibility (own force, restricted cases for their named users); the
index follows findings removed, exhibits withdrawn and cases withdrawn."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine, delete, inspect, text, update

from netsafe.platform.roles import Role
from netsafe.settings import Settings
from netsafe.store.engine import make_session_factory, unit_of_work
from netsafe.store.models.triage import TriageFindingRow
from tests.operation.operation_triage import store_triage_run
from tests.web.trust_support import RECEIVED, Headers, bearer

QUERY = "Pictures/zebra-test"


@pytest.fixture
def users(engine: Engine, settings: Settings) -> dict[str, Headers]:
    return {
        "gwent": bearer(engine, settings, "gwent.inv", "gwent", Role.INVESTIGATOR),
        "gwent2": bearer(engine, settings, "gwent.inv2", "gwent", Role.INVESTIGATOR),
        "south": bearer(engine, settings, "south.inv", "south-wales", Role.INVESTIGATOR),
        "lead": bearer(engine, settings, "op.lead", "regional-unit", Role.OPERATION_LEAD),
    }


@pytest.fixture
def exhibit(client: TestClient, users: dict[str, Headers], engine: Engine) -> dict[str, Any]:
    """A Gwent case with exhibit GW/PATH/1, triaged (three findings under Pictures/)."""
    referral = client.post(
        "/api/v1/referrals",
        headers=users["gwent"],
        json={
            "source": "national-referral",
            "force": "gwent",
            "received_at": RECEIVED.isoformat(),
            "summary": "Synthetic referral for a path search test",
        },
    )
    assert referral.status_code == 201, referral.text
    made = client.post(
        "/api/v1/exhibits",
        headers=users["gwent"],
        json={
            "referral_id": referral.json()["id"],
            "reference": "GW/PATH/1",
            "device_type": "laptop",
            "seal_number": "SEAL-PATH-1",
            "seized_at": (RECEIVED + timedelta(hours=1)).isoformat(),
            "seized_from": "1 Example Street",
        },
    )
    assert made.status_code == 201, made.text
    with unit_of_work(make_session_factory(engine)) as session:
        store_triage_run(session, "GW/PATH/1", matched=3)
    body: dict[str, Any] = made.json()
    body["referral_id"] = referral.json()["id"]
    return body


def _find(client: TestClient, headers: Headers, q: str) -> list[dict[str, Any]]:
    response = client.get("/api/v1/search", params={"q": q}, headers=headers)
    assert response.status_code == 200, response.text
    results: list[dict[str, Any]] = response.json()["results"]
    return results


def test_a_finding_is_found_by_words_of_its_path_once_per_exhibit(
    client: TestClient, users: dict[str, Headers], exhibit: dict[str, Any]
) -> None:
    for query in (QUERY, "zebra-test-2.JPG", "pict zebr"):
        results = _find(client, users["gwent"], query)
        assert [(r["type"], r["id"], r["matched"], r["rank"]) for r in results] == [
            ("exhibit", exhibit["id"], "triage-path", "text")
        ], query
        assert results[0]["snippet"].startswith("triage finding: /Users/example/Pictures/")
        assert results[0]["url"] == f"/operation/exhibits/{exhibit['id']}"
    assert _find(client, users["gwent"], "Pictures/quokka") == []
    page = client.get("/search", params={"q": QUERY}, headers=users["gwent"])
    assert "text match on triage-path: triage finding: /Users/example/Pictures/" in page.text


def test_only_those_who_may_see_the_case_find_its_findings(
    client: TestClient, users: dict[str, Headers], exhibit: dict[str, Any]
) -> None:
    assert _find(client, users["south"], QUERY) == []
    assert len(_find(client, users["lead"], QUERY)) == 1
    restricted = client.put(
        f"/api/v1/referrals/{exhibit['referral_id']}/restriction",
        headers=users["gwent"],
        json={"usernames": ["gwent.inv"]},
    )
    assert restricted.status_code == 200, restricted.text
    assert len(_find(client, users["gwent"], QUERY)) == 1
    assert _find(client, users["gwent2"], QUERY) == []
    assert _find(client, users["lead"], QUERY) == []


def test_removed_findings_and_withdrawn_exhibits_are_not_found(
    client: TestClient, users: dict[str, Headers], exhibit: dict[str, Any], engine: Engine
) -> None:
    first = TriageFindingRow.path.like("%-0.jpg")
    with unit_of_work(make_session_factory(engine)) as session:
        session.execute(update(TriageFindingRow).where(first).values(path="/Volumes/okapi/0.jpg"))
    assert len(_find(client, users["gwent"], "Volumes/okapi")) == 1
    moved = TriageFindingRow.path == "/Volumes/okapi/0.jpg"
    with unit_of_work(make_session_factory(engine)) as session:
        session.execute(delete(TriageFindingRow).where(moved))
    assert _find(client, users["gwent"], "Volumes/okapi") == []
    assert len(_find(client, users["gwent"], QUERY)) == 1
    withdrawn = client.post(
        f"/api/v1/exhibits/{exhibit['id']}/withdraw",
        headers=users["gwent"],
        json={"reason": "entered in error"},
    )
    assert withdrawn.status_code == 200, withdrawn.text
    assert _find(client, users["gwent"], QUERY) == []


def test_the_path_index_is_in_place_at_the_head(engine: Engine) -> None:
    """A later migration rebuilding `triage_findings` on SQLite must make the triggers again."""
    with engine.connect() as connection:
        if engine.dialect.name == "sqlite":
            triggers = set(
                connection.scalars(
                    text("SELECT name FROM sqlite_master WHERE type = 'trigger'")
                ).all()
            )
            assert {
                "search_fts_paths_insert",
                "search_fts_paths_delete",
                "search_fts_paths_update",
            } <= triggers
        else:
            columns = {c["name"] for c in inspect(connection).get_columns("triage_findings")}
            assert "search_path_words" in columns


def test_a_withdrawn_case_takes_its_findings_with_it(
    client: TestClient, users: dict[str, Headers], exhibit: dict[str, Any]
) -> None:
    assert len(_find(client, users["gwent"], QUERY)) == 1
    withdrawn = client.post(
        f"/api/v1/referrals/{exhibit['referral_id']}/withdraw",
        headers=users["gwent"],
        json={"reason": "entered in error"},
    )
    assert withdrawn.status_code == 200, withdrawn.text
    assert _find(client, users["gwent"], QUERY) == []
    assert _find(client, users["lead"], QUERY) == []
