"""A hand-typed IP address may carry when it was seen in use (SQLite and PostgreSQL): taken by
the JSON API and the incident form, checked by the casework date rules (a time zone, not in the
future), shown on the case page and in the API, and keyed for deconfliction as an imported
capture is; a body without it is taken as before. Documentation-range addresses only."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy import Engine

from netsafe.platform.roles import Role
from netsafe.settings import Settings
from tests.web.trust_support import bearer

IP = "198.51.100.23"
SEEN = "2026-11-20T22:04:00Z"


def create(
    client: TestClient, headers: dict[str, str], identifiers: list[Any], force: str = "gwent"
) -> Any:
    body = {
        "source": "partner",
        "force": force,
        "received_at": "2026-11-30T09:00:00Z",
        "summary": "Synthetic referral with an IP address",
        "incident": {"identifiers": identifiers},
    }
    return client.post("/api/v1/referrals", json=body, headers=headers)


def test_an_ip_address_with_the_time_it_was_seen_on_the_api_and_the_case_page(
    client: TestClient, engine: Engine, settings: Settings
) -> None:
    h = bearer(engine, settings, "gw.inv", "gwent", Role.INVESTIGATOR)
    created = create(client, h, [{"kind": "ip-address", "value": IP, "seen_at": SEEN}])
    assert created.status_code == 201, created.text
    rid = created.json()["id"]
    read = client.get(f"/api/v1/referrals/{rid}", headers=h).json()
    assert read["incident"]["identifiers"] == [
        {"kind": "ip-address", "value": IP, "seen_at": "2026-11-20T22:04:00Z"}
    ]
    page = client.get(f"/operation/referrals/{rid}", headers=h).text
    assert "Seen at (UTC)" in page
    assert "2026-11-20 22:04" in page

    # as before: no time given (an older client) is taken, and answered null
    older = create(client, h, [{"kind": "ip-address", "value": IP}])
    assert older.status_code == 201, older.text
    assert older.json()["incident"]["identifiers"][0]["seen_at"] is None


def test_a_wrong_time_seen_is_refused_naming_the_field_and_nothing_is_saved(
    client: TestClient, engine: Engine, settings: Settings
) -> None:
    h = bearer(engine, settings, "gw.inv", "gwent", Role.INVESTIGATOR)
    future = (datetime.now(UTC) + timedelta(days=1)).isoformat()
    for identifier, message in (
        ({"kind": "ip-address", "value": IP, "seen_at": future}, "in the future"),
        ({"kind": "account", "value": "synthetic.user", "seen_at": SEEN}, "only an IP address"),
    ):
        refused = create(client, h, [identifier])
        assert refused.status_code == 422, refused.text
        detail = refused.json()["detail"][0]
        assert detail["loc"] == ["body", "incident", "identifiers[0]", "seen_at"]
        assert message in detail["msg"]
    naive = create(client, h, [{"kind": "ip-address", "value": IP, "seen_at": "2026-11-20T22:04"}])
    assert naive.status_code == 422
    assert naive.json()["detail"][0]["loc"][-1] == "seen_at"
    listed = client.get("/api/v1/referrals", headers=h).json()
    assert listed == []

    rid = create(client, h, [{"kind": "ip-address", "value": IP, "seen_at": SEEN}]).json()["id"]
    in_future = (datetime.now(UTC) + timedelta(days=1)).strftime("%Y-%m-%dT%H:%M")
    form = client.post(
        f"/operation/referrals/{rid}/incident",
        headers=h,
        data={
            "identifier_kind": ["ip-address"],
            "identifier_value": [IP],
            "identifier_seen_at": [in_future],
        },
    )
    assert form.status_code == 422
    assert "seen_at: in the future" in form.text
    assert f'value="{in_future}"' in form.text  # what was typed is kept
    stored = client.get(f"/api/v1/referrals/{rid}", headers=h).json()
    assert stored["incident"]["identifiers"][0]["seen_at"] == "2026-11-20T22:04:00Z"


def test_the_incident_form_takes_the_time_an_ip_address_was_seen(
    client: TestClient, engine: Engine, settings: Settings
) -> None:
    h = bearer(engine, settings, "gw.inv", "gwent", Role.INVESTIGATOR)
    rid = create(client, h, []).json()["id"]
    form_page = client.get(f"/operation/referrals/{rid}/incident", headers=h).text
    assert form_page.count('name="identifier_seen_at"') == 3
    saved = client.post(
        f"/operation/referrals/{rid}/incident",
        headers=h,
        data={
            "identifier_kind": ["ip-address", "account", "account"],
            "identifier_value": [IP, "synthetic.user.9", ""],
            "identifier_seen_at": ["2026-11-19T08:30", "", ""],
        },
    )
    assert saved.status_code == 303, saved.text
    read = client.get(f"/api/v1/referrals/{rid}", headers=h).json()
    assert [i["seen_at"] for i in read["incident"]["identifiers"]] == [
        "2026-11-19T08:30:00Z",
        None,
    ]
    again = client.get(f"/operation/referrals/{rid}/incident", headers=h).text
    assert 'value="2026-11-19T08:30"' in again


def test_a_hand_typed_ip_address_with_a_time_is_linked_one_without_is_not(
    client: TestClient, engine: Engine, settings: Settings
) -> None:
    gwent = bearer(engine, settings, "gw.inv", "gwent", Role.INVESTIGATOR)
    north = bearer(engine, settings, "nw.inv", "north-wales", Role.INVESTIGATOR)

    def notices(first: dict[str, str], second: dict[str, str]) -> list[tuple[str, str]]:
        rid = create(client, gwent, [first]).json()["id"]
        assert create(client, north, [second], force="north-wales").status_code == 201
        found = client.get(f"/api/v1/referrals/{rid}/deconfliction", headers=gwent).json()
        return [(n["kind"], n["other_force"]) for n in found["notices"]]

    bare = {"kind": "ip-address", "value": "203.0.113.7"}
    assert notices(bare, bare) == []  # a bare address is weak evidence: not linked
    timed = {"kind": "ip-address", "value": "203.0.113.8", "seen_at": SEEN}
    hours_later = {**timed, "seen_at": "2026-11-21T06:00:00Z"}
    assert notices(timed, hours_later) == [("ip-address", "north-wales")]
    far = {"kind": "ip-address", "value": "203.0.113.9", "seen_at": SEEN}
    weeks_later = {**far, "seen_at": "2026-10-01T06:00:00Z"}
    assert notices(far, weeks_later) == []  # captures far apart: another user of the address
