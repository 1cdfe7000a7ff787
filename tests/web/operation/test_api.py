"""The operation API: shapes (snake_case, id, ISO 8601), 201 on create, 401 without a token,
403 for charity roles, 404 for another force's records, and every call in the audit log."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine

from netsafe.platform.audit import AuditQuery
from netsafe.platform.roles import Role
from netsafe.settings import Settings
from netsafe.store.engine import make_session_factory, unit_of_work
from netsafe.store.repositories.audit import SqlAuditRepository
from tests.web.support import mint_token

RECEIVED = (datetime.now(UTC) - timedelta(hours=3)).replace(microsecond=0)


def _token(engine: Engine, settings: Settings, username: str, agency: str, role: Role) -> str:
    return mint_token(engine, settings, role, agency, username=username)


@pytest.fixture
def tokens(engine: Engine, settings: Settings) -> dict[str, dict[str, str]]:
    def auth(username: str, agency: str, role: Role) -> dict[str, str]:
        return {"Authorization": f"Bearer {_token(engine, settings, username, agency, role)}"}

    return {
        "gwent": auth("gwent.inv", "gwent", Role.INVESTIGATOR),
        "north": auth("north.inv", "north-wales", Role.INVESTIGATOR),
        "lead": auth("op.lead", "regional-unit", Role.OPERATION_LEAD),
        "helpline": auth("helpline", "charity", Role.HELPLINE),
    }


def _referral(client: TestClient, headers: dict[str, str]) -> dict[str, object]:
    response = client.post(
        "/api/v1/referrals",
        headers=headers,
        json={
            "source": "national-referral",
            "force": "gwent",
            "received_at": RECEIVED.isoformat(),
            "summary": "Synthetic national referral",
            "incident": {
                "incident_type": "synthetic-test",
                "identifiers": [{"kind": "account", "value": "zebra-test-account"}],
                "files": [{"file_name": "a.jpg", "sha1": "a" * 40}],
            },
        },
    )
    assert response.status_code == 201, response.text
    body: dict[str, object] = response.json()
    return body


def test_referral_create_and_read(client: TestClient, tokens: dict[str, dict[str, str]]) -> None:
    assert client.get("/api/v1/referrals").status_code == 401
    created = _referral(client, tokens["gwent"])
    assert isinstance(created["id"], int)
    assert created["status"] == "new"
    assert created["force"] == "gwent"
    assert datetime.fromisoformat(str(created["received_at"])) == RECEIVED
    assert datetime.fromisoformat(str(created["deadline_at"])) == RECEIVED + timedelta(days=2)
    assert created["incident"]["files"][0]["sha1"] == "a" * 40  # type: ignore[index]
    url = f"/api/v1/referrals/{created['id']}"
    assert client.get(url, headers=tokens["gwent"]).json()["id"] == created["id"]
    assert client.get(url, headers=tokens["lead"]).status_code == 200
    assert client.get(url, headers=tokens["north"]).status_code == 404
    assert client.get(url, headers=tokens["helpline"]).status_code == 403
    assert client.get(url).status_code == 401
    queue = client.get("/api/v1/referrals", headers=tokens["north"]).json()
    assert queue == []
    bad = client.post(
        "/api/v1/referrals",
        headers=tokens["gwent"],
        json={
            "source": "partner",
            "force": "atlantis",
            "received_at": RECEIVED.isoformat(),
            "summary": "x",
        },
    )
    assert bad.status_code == 422
    assert bad.json()["detail"][0]["loc"] == ["body", "force"]


def test_the_journey_through_the_api(
    client: TestClient, tokens: dict[str, dict[str, str]], engine: Engine
) -> None:
    h = tokens["gwent"]
    referral = _referral(client, h)
    rid = referral["id"]
    subject = client.post(
        "/api/v1/subjects", headers=h, json={"referral_id": rid, "display_name": "Alex Example"}
    )
    assert subject.status_code == 201
    sid = subject.json()["id"]
    risk = client.post(
        "/api/v1/risk-assessments",
        headers=h,
        json={"referral_id": rid, "subject_id": sid, "answers": {"access_to_children": True}},
    )
    assert risk.status_code == 201, risk.text
    assert risk.json()["band"] == "high"
    after = client.get(f"/api/v1/referrals/{rid}", headers=h).json()
    assert after["risk_band"] == "high"
    assert after["status"] == "assessed"
    assert datetime.fromisoformat(after["deadline_at"]) == RECEIVED + timedelta(days=7)

    t = RECEIVED + timedelta(minutes=30)  # every step below is in the past
    warrant = client.post(
        "/api/v1/warrants",
        headers=h,
        json={"referral_id": rid, "premises": "1 Example Street", "applied_at": t.isoformat()},
    ).json()
    wid = warrant["id"]
    assert warrant["status"] == "applied"
    granted = client.post(
        f"/api/v1/warrants/{wid}/decision",
        headers=h,
        json={
            "granted": True,
            "at": (t + timedelta(minutes=1)).isoformat(),
            "court": "Synthetic MC",
        },
    )
    assert granted.json()["status"] == "granted"
    executed = client.post(
        f"/api/v1/warrants/{wid}/execution",
        headers=h,
        json={"at": (t + timedelta(minutes=2)).isoformat(), "result": "devices-seized"},
    )
    assert executed.json()["status"] == "executed"
    for when, rule in (
        (datetime.now(UTC) + timedelta(days=365), "in the future"),
        (RECEIVED - timedelta(minutes=1), "before the referral was received"),
    ):
        refused = client.post(
            "/api/v1/arrests",
            headers=h,
            json={
                "subject_id": sid,
                "arrested_at": when.isoformat(),
                "location": "1 Example Street",
                "grounds": "Synthetic grounds",
            },
        )
        assert refused.status_code == 422
        (problem,) = refused.json()["detail"]
        assert problem["loc"] == ["body", "arrested_at"]
        assert problem["msg"].startswith(rule)
    early_seizure = client.post(
        "/api/v1/exhibits",
        headers=h,
        json={
            "referral_id": rid,
            "reference": "GWP/AE/0",
            "device_type": "laptop",
            "seal_number": "SEAL-0000",
            "seized_at": (t + timedelta(minutes=1)).isoformat(),
            "seized_from": "1 Example Street",
            "warrant_id": wid,
        },
    )
    assert early_seizure.status_code == 422
    assert early_seizure.json()["detail"][0]["loc"] == ["body", "seized_at"]
    assert "before the warrant it names" in early_seizure.json()["detail"][0]["msg"]
    arrest = client.post(
        "/api/v1/arrests",
        headers=h,
        json={
            "subject_id": sid,
            "arrested_at": (t + timedelta(minutes=3)).isoformat(),
            "location": "1 Example Street",
            "grounds": "Synthetic grounds",
        },
    )
    assert arrest.status_code == 201
    exhibit = client.post(
        "/api/v1/exhibits",
        headers=h,
        json={
            "referral_id": rid,
            "reference": "GWP/AE/1",
            "device_type": "laptop",
            "seal_number": "SEAL-0001",
            "seized_at": (t + timedelta(minutes=4)).isoformat(),
            "seized_from": "1 Example Street",
            "seized_by": "gwent.inv",
            "warrant_id": wid,
        },
    ).json()
    eid = exhibit["id"]
    handed = client.post(
        f"/api/v1/exhibits/{eid}/custody-events",
        headers=h,
        json={
            "handed_to": "exhibits.officer",
            "at": (t + timedelta(hours=1)).isoformat(),
            "location": "Store",
        },
    )
    assert handed.status_code == 201
    broken = client.post(
        f"/api/v1/exhibits/{eid}/custody-events",
        headers=h,
        json={
            "handed_from": "somebody.else",
            "handed_to": "lab",
            "at": (t + timedelta(hours=2)).isoformat(),
            "location": "Lab",
        },
    )
    assert broken.status_code == 422
    detail = client.get(f"/api/v1/exhibits/{eid}", headers=h).json()
    assert detail["custody_check"]["unbroken"] is True
    assert detail["custody_check"]["holder"] == "exhibits.officer"
    assert client.get(f"/api/v1/exhibits/{eid}", headers=tokens["north"]).status_code == 404
    safeguarding = client.post(
        "/api/v1/safeguarding",
        headers=h,
        json={
            "referral_id": rid,
            "children_identified": 2,
            "children_safeguarded": 2,
            "referred_to_childrens_services": True,
            "local_authority": "Synthetic County Council",
        },
    )
    assert safeguarding.status_code == 201
    helpline = client.post(
        f"/api/v1/subjects/{sid}/helpline-details",
        headers=h,
        json={"given_to": "family", "given_at": t.isoformat()},
    )
    assert helpline.json()["helpline_details_given_to"] == "family"
    outcome = client.post(
        "/api/v1/outcomes",
        headers=h,
        json={
            "referral_id": rid,
            "kind": "caution",
            "decided_at": (t + timedelta(hours=2, minutes=15)).isoformat(),
        },
    )
    assert outcome.status_code == 201
    closed = client.get(f"/api/v1/referrals/{rid}", headers=h).json()
    assert closed["status"] == "closed"
    assert closed["breached"] is False
    for path in ("subjects", "warrants", "arrests", "exhibits", "safeguarding", "outcomes"):
        listed = client.get(f"/api/v1/{path}", headers=h)
        assert listed.status_code == 200
        assert len(listed.json()) == 1, path
        assert client.get(f"/api/v1/{path}", headers=tokens["north"]).json() == []
        assert client.get(f"/api/v1/{path}", headers=tokens["helpline"]).status_code == 403
    summary = client.get("/api/v1/referrals/summary", headers=h).json()
    assert summary["open"] == 0

    with unit_of_work(make_session_factory(engine)) as session:
        events = SqlAuditRepository(session).query(AuditQuery(resource_type="referral", limit=500))
        actions = {e.event.action for e in events}
        assert {"referral.create", "referral.read", "referral.summary"} <= actions
        all_actions = {
            e.event.action for e in SqlAuditRepository(session).query(AuditQuery(limit=1000))
        }
    assert {
        "subject.create",
        "risk.create",
        "warrant.create",
        "warrant.decide",
        "warrant.execute",
        "arrest.create",
        "exhibit.create",
        "exhibit.read",
        "custody.create",
        "safeguarding.create",
        "outcome.create",
        "warrant.list",
    } <= all_actions
    assert "exhibit.access" in all_actions  # the refused read by another force
