"""`GET /api/v1/search` and `/search`: every searchable value found by its normal form, ranked
exact → prefix → text, within the caller's visibility (own force; restricted cases for their
named users only; charity roles refused), audited, and kept in step with writes."""

from __future__ import annotations

import hashlib
from datetime import timedelta
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine, select

from netsafe.operation.referrals import referral_reference
from netsafe.platform.audit import AuditQuery
from netsafe.platform.roles import Role
from netsafe.settings import Settings
from netsafe.store.engine import make_session_factory, unit_of_work
from netsafe.store.models.search import SearchEntryRow
from netsafe.store.repositories.audit import SqlAuditRepository
from netsafe.store.search_index import rebuild_search_index
from tests.operation.operation_triage import store_triage_run
from tests.web.trust_support import RECEIVED, Headers, bearer

SHA1 = "5a0b" + "c" * 36
MD5 = "0123456789abcdef0123456789abcdef"


@pytest.fixture
def users(engine: Engine, settings: Settings) -> dict[str, Headers]:
    return {
        "gwent": bearer(engine, settings, "gwent.inv", "gwent", Role.INVESTIGATOR),
        "gwent2": bearer(engine, settings, "gwent.inv2", "gwent", Role.INVESTIGATOR),
        "south": bearer(engine, settings, "south.inv", "south-wales", Role.INVESTIGATOR),
        "lead": bearer(engine, settings, "op.lead", "regional-unit", Role.OPERATION_LEAD),
        "helpline": bearer(engine, settings, "help.one", "charity", Role.HELPLINE),
    }


def _referral(client: TestClient, headers: Headers, force: str, **incident: Any) -> dict[str, Any]:
    response = client.post(
        "/api/v1/referrals",
        headers=headers,
        json={
            "source": "national-referral",
            "force": force,
            "received_at": RECEIVED.isoformat(),
            "summary": "Synthetic referral for a search test",
            "incident": incident,
        },
    )
    assert response.status_code == 201, response.text
    body: dict[str, Any] = response.json()
    return body


def _find(client: TestClient, headers: Headers, q: str) -> list[dict[str, Any]]:
    response = client.get("/api/v1/search", params={"q": q}, headers=headers)
    assert response.status_code == 200, response.text
    results: list[dict[str, Any]] = response.json()["results"]
    return results


def _ids(results: list[dict[str, Any]]) -> set[tuple[str, int]]:
    return {(r["type"], r["id"]) for r in results}


@pytest.fixture
def cases(client: TestClient, users: dict[str, Headers]) -> dict[str, Any]:
    """A Gwent case (identifiers, a file, a subject, an exhibit) and a South Wales case."""
    gwent = _referral(
        client,
        users["gwent"],
        "gwent",
        identifiers=[
            {"kind": "email", "value": "Zebra.Test@Example.org"},
            {"kind": "phone", "value": "+44 7700 900123"},
            {"kind": "ip-address", "value": "2001:DB8:0:0::44"},
            {"kind": "account", "value": "zebra-test-account"},
        ],
        files=[{"file_name": "zebra-test-0.jpg", "sha1": SHA1.upper(), "md5": MD5}],
    )
    subject = client.post(
        "/api/v1/subjects",
        headers=users["gwent"],
        json={
            "referral_id": gwent["id"],
            "display_name": "Jordan Quokka-Example",
            "identifiers": "jq@example.com; 029 2018 0000",
        },
    )
    assert subject.status_code == 201, subject.text
    exhibit = client.post(
        "/api/v1/exhibits",
        headers=users["gwent"],
        json={
            "referral_id": gwent["id"],
            "reference": "GW/ZT/1",
            "device_type": "phone",
            "seal_number": "SEAL-778899",
            "seized_at": (RECEIVED + timedelta(hours=1)).isoformat(),
            "seized_from": "1 Example Street",
        },
    )
    assert exhibit.status_code == 201, exhibit.text
    south = _referral(
        client,
        users["south"],
        "south-wales",
        identifiers=[{"kind": "email", "value": "south.only@example.org"}],
        files=[{"file_name": "b.jpg", "sha1": "d" * 40}],
    )
    return {"gwent": gwent, "south": south, "exhibit": exhibit.json(), "subject": subject.json()}


def test_each_kind_of_value_is_found_by_its_normal_form(
    client: TestClient, users: dict[str, Headers], cases: dict[str, Any]
) -> None:
    gwent = ("referral", cases["gwent"]["id"])
    exhibit = ("exhibit", cases["exhibit"]["id"])
    reference = referral_reference(cases["gwent"]["id"], RECEIVED)
    expectations = {
        reference.lower(): (gwent, "reference"),
        "zebra.test@EXAMPLE.ORG ": (gwent, "identifier"),
        "07700 900123": (gwent, "identifier"),
        "(0044) 7700-900-123": (gwent, "identifier"),
        "2001:db8::44": (gwent, "identifier"),
        "ZEBRA-TEST-ACCOUNT": (gwent, "identifier"),
        SHA1: (gwent, "file-hash"),
        MD5.upper(): (gwent, "file-hash"),
        "jordan quokka-example": (gwent, "subject"),
        "JQ@example.com": (gwent, "identifier"),
        "+44 29 2018 0000": (gwent, "identifier"),
        "gw/zt/1": (exhibit, "exhibit"),
        "seal-778899": (exhibit, "seal"),
    }
    for query, (record, matched) in expectations.items():
        results = _find(client, users["gwent"], query)
        assert results, query
        first = results[0]
        assert ((first["type"], first["id"]), first["matched"], first["rank"]) == (
            record,
            matched,
            "exact",
        ), query
        assert first["referral_reference"] == reference
        assert first["url"] == f"/operation/{record[0]}s/{record[1]}"


def test_ranked_exact_then_prefix_then_text(
    client: TestClient, users: dict[str, Headers], cases: dict[str, Any]
) -> None:
    other = _referral(
        client, users["gwent"], "gwent", identifiers=[{"kind": "account", "value": "quokka"}]
    )
    third = _referral(
        client, users["gwent"], "gwent", identifiers=[{"kind": "account", "value": "quokka-2"}]
    )
    results = _find(client, users["gwent"], "Quokka")
    assert [(r["id"], r["rank"]) for r in results] == [
        (other["id"], "exact"),
        (third["id"], "prefix"),
        (cases["gwent"]["id"], "text"),
    ]
    assert "Jordan Quokka-Example" in results[2]["snippet"]
    prefix = _find(client, users["gwent"], SHA1[:10])
    assert [(r["id"], r["matched"], r["rank"]) for r in prefix] == [
        (cases["gwent"]["id"], "file-hash", "prefix")
    ]


def test_a_force_finds_only_its_own_cases(
    client: TestClient, users: dict[str, Headers], cases: dict[str, Any]
) -> None:
    south_reference = referral_reference(cases["south"]["id"], RECEIVED)
    for query in (south_reference, "south.only@example.org", "d" * 40, "dddddddd"):
        assert _find(client, users["gwent"], query) == [], query
        assert _ids(_find(client, users["south"], query)) == {("referral", cases["south"]["id"])}
        assert _ids(_find(client, users["lead"], query)) == {("referral", cases["south"]["id"])}
    assert _find(client, users["south"], "GW/ZT/1") == []
    assert _find(client, users["south"], "Jordan") == []


def test_a_restricted_case_is_found_by_its_named_users_only(
    client: TestClient, users: dict[str, Headers], cases: dict[str, Any]
) -> None:
    referral_id = cases["gwent"]["id"]
    restricted = client.put(
        f"/api/v1/referrals/{referral_id}/restriction",
        headers=users["gwent"],
        json={"usernames": ["gwent.inv"]},
    )
    assert restricted.status_code == 200, restricted.text
    for query in ("zebra.test@example.org", "GW/ZT/1", "Jordan", SHA1):
        assert _find(client, users["gwent"], query), query
        assert _find(client, users["gwent2"], query) == [], query
        assert _find(client, users["lead"], query) == [], query


def test_charity_roles_are_refused_and_have_no_search_box(
    client: TestClient, users: dict[str, Headers], cases: dict[str, Any]
) -> None:
    response = client.get("/api/v1/search", params={"q": "zebra"}, headers=users["helpline"])
    assert response.status_code == 403
    page = client.get("/search", params={"q": "zebra"}, headers=users["helpline"])
    assert page.status_code == 403
    assert "zebra" not in page.text.lower()
    prevention = client.get("/prevention", headers=users["helpline"])
    assert prevention.status_code == 200
    assert 'role="search"' not in prevention.text
    police = client.get("/operation", headers=users["gwent"])
    assert 'role="search"' in police.text
    assert client.get("/api/v1/search", params={"q": "zebra"}).status_code == 401


def test_the_page_links_each_result_to_its_record(
    client: TestClient, users: dict[str, Headers], cases: dict[str, Any]
) -> None:
    page = client.get("/search", params={"q": "seal-778899"}, headers=users["gwent"])
    assert page.status_code == 200
    assert f'href="/operation/exhibits/{cases["exhibit"]["id"]}"' in page.text
    assert "exact match on seal" in page.text
    empty = client.get("/search", headers=users["gwent"])
    assert empty.status_code == 200
    assert "search-status" not in empty.text


def test_bad_queries_are_422(client: TestClient, users: dict[str, Headers]) -> None:
    for q in ("", "   ", "x" * 201):
        response = client.get("/api/v1/search", params={"q": q}, headers=users["gwent"])
        assert response.status_code == 422, q


def test_searches_are_audited_with_the_query(
    client: TestClient, users: dict[str, Headers], cases: dict[str, Any], engine: Engine
) -> None:
    _find(client, users["gwent"], "GW/ZT/1")
    with unit_of_work(make_session_factory(engine)) as session:
        events = SqlAuditRepository(session).query(AuditQuery(resource_type="search", limit=50))
    assert [(e.event.action, e.event.actor, e.event.detail) for e in events] == [
        ("search", "gwent.inv", "1 results for 'GW/ZT/1'")
    ]


def test_the_index_follows_corrections_of_incident_and_exhibit(
    client: TestClient, users: dict[str, Headers], cases: dict[str, Any], engine: Engine
) -> None:
    referral_id = cases["gwent"]["id"]
    changed = client.put(
        f"/api/v1/referrals/{referral_id}/incident",
        headers=users["gwent"],
        json={"identifiers": [{"kind": "email", "value": "new.address@example.org"}]},
    )
    assert changed.status_code == 200, changed.text
    assert _find(client, users["gwent"], "zebra.test@example.org") == []
    assert _find(client, users["gwent"], SHA1) == []
    assert _ids(_find(client, users["gwent"], "NEW.address@example.org")) == {
        ("referral", referral_id)
    }
    cleared = client.put(
        f"/api/v1/referrals/{referral_id}/incident", headers=users["gwent"], json={}
    )
    assert cleared.status_code == 200, cleared.text
    assert _find(client, users["gwent"], "new.address@example.org") == []
    with unit_of_work(make_session_factory(engine)) as session:
        kept = _entries(session)
        rebuild_search_index(session.connection())
        assert _entries(session) == kept  # what the writes kept equals a rebuild from the cases


def _entries(session: Any) -> list[tuple[Any, ...]]:
    columns = [c for c in SearchEntryRow.__table__.c if c.name != "id"]
    return sorted(tuple(row) for row in session.execute(select(*columns)))


def test_triage_findings_are_found_by_hash_for_their_exhibit(
    client: TestClient, users: dict[str, Headers], cases: dict[str, Any], engine: Engine
) -> None:
    with unit_of_work(make_session_factory(engine)) as session:
        store_triage_run(session, "GW/ZT/1", matched=2)
    sha256 = hashlib.sha256(b"synthetic-file-GW/ZT/1-1").hexdigest()
    exhibit = ("exhibit", cases["exhibit"]["id"])
    for query in (sha256, sha256[:12].upper()):
        results = _find(client, users["gwent"], query)
        assert [((r["type"], r["id"]), r["matched"]) for r in results] == [
            (exhibit, "triage-hash")
        ], query
        assert "zebra-test-1.jpg" in results[0]["snippet"]
    assert _find(client, users["south"], sha256) == []


def test_a_shared_exhibit_reference_keeps_runs_with_their_case(
    client: TestClient, users: dict[str, Headers], cases: dict[str, Any], engine: Engine
) -> None:
    south_exhibit = client.post(
        "/api/v1/exhibits",
        headers=users["south"],
        json={
            "referral_id": cases["south"]["id"],
            "reference": "GW/ZT/1",
            "device_type": "laptop",
            "seal_number": "SEAL-1",
            "seized_at": (RECEIVED + timedelta(hours=1)).isoformat(),
            "seized_from": "2 Example Road",
        },
    )
    assert south_exhibit.status_code == 201, south_exhibit.text
    with unit_of_work(make_session_factory(engine)) as session:
        store_triage_run(session, "GW/ZT/1", matched=1)  # no case: neither force's for sure
    md5 = hashlib.md5(b"synthetic-file-GW/ZT/1-0").hexdigest()
    assert _find(client, users["gwent"], md5) == []
    assert _find(client, users["south"], md5) == []


def test_corrected_and_withdrawn_records_are_found_as_they_now_are(
    client: TestClient, users: dict[str, Headers], cases: dict[str, Any]
) -> None:
    corrected = client.patch(
        f"/api/v1/subjects/{cases['subject']['id']}",
        headers=users["gwent"],
        json={"display_name": "Morgan Wombat-Example", "reason": "name mistyped"},
    )
    assert corrected.status_code == 200, corrected.text
    assert _find(client, users["gwent"], "Quokka") == []
    found = _find(client, users["gwent"], "wombat")
    assert [(r["id"], r["matched"]) for r in found] == [(cases["gwent"]["id"], "subject")]
    withdrawn = client.post(
        f"/api/v1/exhibits/{cases['exhibit']['id']}/withdraw",
        headers=users["gwent"],
        json={"reason": "entered in error"},
    )
    assert withdrawn.status_code == 200, withdrawn.text
    assert _find(client, users["gwent"], "SEAL-778899") == []
    assert _find(client, users["gwent"], "GW/ZT/1") == []
    withdrawn = client.post(
        f"/api/v1/subjects/{cases['subject']['id']}/withdraw",
        headers=users["gwent"],
        json={"reason": "entered in error"},
    )
    assert withdrawn.status_code == 200, withdrawn.text
    assert _find(client, users["gwent"], "wombat") == []
