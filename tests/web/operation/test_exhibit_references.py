"""Exhibit references are unique per force (issue 16 point 16): another force may use the same
reference, a force may not reuse its own, and the refusal never tells about another force's
exhibit. The migration `trust_0001` moves existing exhibits onto their referral's force."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine, inspect, text

from netsafe.settings import Settings
from netsafe.store.engine import make_engine
from netsafe.store.migrate import upgrade
from tests.web.trust_support import Headers, new_referral, police_headers

NOW = datetime.now(UTC).isoformat()


@pytest.fixture
def headers(engine: Engine, settings: Settings) -> dict[str, Headers]:
    return police_headers(engine, settings)


def _exhibit(client: TestClient, headers: Headers, referral_id: int, reference: str) -> object:
    return client.post(
        "/api/v1/exhibits",
        headers=headers,
        json={
            "referral_id": referral_id,
            "reference": reference,
            "device_type": "phone",
            "seal_number": "SEAL-1",
            "seized_at": NOW,
            "seized_from": "1 Example Street",
        },
    )


def test_references_are_unique_per_force_not_across_forces(
    client: TestClient, headers: dict[str, Headers]
) -> None:
    gwent, south = headers["gwent"], headers["south"]
    gwent_case = new_referral(client, gwent, "gwent")
    south_case = new_referral(client, south, "south-wales")
    first = _exhibit(client, gwent, gwent_case, "ZB/1")
    assert first.status_code == 201, first.text  # type: ignore[attr-defined]
    same_in_south = _exhibit(client, south, south_case, "ZB/1")
    assert same_in_south.status_code == 201, same_in_south.text  # type: ignore[attr-defined]
    again_in_gwent = _exhibit(client, gwent, new_referral(client, gwent, "gwent"), "ZB/1")
    assert again_in_gwent.status_code == 422  # type: ignore[attr-defined]
    assert "of this force" in again_in_gwent.text  # type: ignore[attr-defined]
    # each force reads its own exhibit; neither sees the other's
    gwent_list = client.get("/api/v1/exhibits", headers=gwent).json()
    south_list = client.get("/api/v1/exhibits", headers=south).json()
    assert [e["referral_id"] for e in gwent_list] == [gwent_case]
    assert [e["referral_id"] for e in south_list] == [south_case]


def test_the_migration_moves_exhibits_onto_their_force(database_url: str) -> None:
    engine = make_engine(database_url)
    try:
        upgrade(engine, "operation_0004")
        # the schema of operation_0004 (the models of today have later columns): plain SQL
        with engine.begin() as connection:
            now = datetime.now(UTC)
            connection.execute(
                text(
                    "INSERT INTO referrals (id, source, force, received_at, summary, status,"
                    " deadline_at, restricted) VALUES (3, 'partner', 'north-wales', :at,"
                    " 'Synthetic', 'new', :at, false)"
                ),
                {"at": now},
            )
            connection.execute(
                text(
                    "INSERT INTO exhibits (id, referral_id, reference, device_type, seal_number,"
                    " seized_at, seized_by, seized_from, description)"
                    " VALUES (7, :referral, 'NWP/ZB/1', 'phone', 'S1', :at, 'officer.a',"
                    " '1 Example Street', '')"
                ),
                {"referral": 3, "at": datetime.now(UTC)},
            )
            connection.execute(
                text(
                    "INSERT INTO custody_events (referral_id, exhibit_id, handed_from, handed_to,"
                    " at, location, purpose, seal_intact)"
                    " VALUES (:referral, 7, 'officer.a', 'store', :at, 'Store', '', true)"
                ),
                {"referral": 3, "at": datetime.now(UTC)},
            )
        upgrade(engine)
        with engine.connect() as connection:
            force = connection.execute(text("SELECT force FROM exhibits WHERE id = 7")).scalar()
            custody = connection.execute(text("SELECT COUNT(*) FROM custody_events")).scalar()
        assert force == "north-wales"
        assert custody == 1
        schema = inspect(engine)
        uniques = {tuple(u["column_names"]) for u in schema.get_unique_constraints("exhibits")}
        assert ("force", "reference") in uniques
        assert ("reference",) not in uniques
        keys = schema.get_foreign_keys("custody_events")
        assert any(k["referred_table"] == "exhibits" for k in keys)
    finally:
        engine.dispose()


def test_a_restricted_case_stays_in_the_leads_oversight(
    client: TestClient, headers: dict[str, Headers]
) -> None:
    """Issue 16 point 16: the lead sees that a restricted case exists, its force and deadline,
    not its contents; others may not list restricted cases at all."""
    gwent, lead = headers["gwent"], headers["lead"]
    case = new_referral(client, gwent, "gwent")
    open_case = new_referral(client, gwent, "gwent")
    restricted = client.put(
        f"/api/v1/referrals/{case}/restriction", headers=gwent, json={"usernames": ["gwent.inv"]}
    )
    assert restricted.status_code == 200, restricted.text
    assert client.get(f"/api/v1/referrals/{case}", headers=lead).status_code == 404
    oversight = client.get("/api/v1/oversight/restricted-cases", headers=lead)
    assert oversight.status_code == 200, oversight.text
    lines = oversight.json()
    assert [line["id"] for line in lines] == [case]
    assert open_case not in [line["id"] for line in lines]
    line = lines[0]
    assert set(line) == {"id", "reference", "force", "deadline_at", "breached"}
    assert line["force"] == "gwent"
    full = client.get(f"/api/v1/referrals/{case}", headers=gwent).json()
    assert line["deadline_at"] == full["deadline_at"]
    assert line["reference"] == full["reference"]
    assert "Synthetic referral" not in oversight.text
    assert client.get("/api/v1/oversight/restricted-cases", headers=gwent).status_code == 403
