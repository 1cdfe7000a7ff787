"""Helpers for the trust tests (issue 16): minted tokens for one user per role and force, and a
referral made through the API."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from fastapi.testclient import TestClient
from sqlalchemy import Engine

from netsafe.platform.roles import Role
from netsafe.settings import Settings
from tests.web.support import Headers, bearer_headers

RECEIVED = (datetime.now(UTC) - timedelta(hours=3)).replace(microsecond=0)


def bearer(engine: Engine, settings: Settings, username: str, agency: str, role: Role) -> Headers:
    """An Authorization header for a new user `username` of `agency` in `role`."""
    return bearer_headers(engine, settings, role, agency, username=username)


def police_headers(engine: Engine, settings: Settings) -> dict[str, Headers]:
    """Investigators of Gwent and South Wales and the regional operation lead."""
    return {
        "gwent": bearer(engine, settings, "gwent.inv", "gwent", Role.INVESTIGATOR),
        "south": bearer(engine, settings, "south.inv", "south-wales", Role.INVESTIGATOR),
        "lead": bearer(engine, settings, "op.lead", "regional-unit", Role.OPERATION_LEAD),
    }


def new_referral(client: TestClient, headers: Headers, force: str) -> int:
    """A referral for `force`, created through the API; its id."""
    response = client.post(
        "/api/v1/referrals",
        headers=headers,
        json={
            "source": "national-referral",
            "force": force,
            "received_at": RECEIVED.isoformat(),
            "summary": "Synthetic referral for a trust test",
        },
    )
    assert response.status_code == 201, response.text
    referral_id: int = response.json()["id"]
    return referral_id


def new_subject(client: TestClient, headers: Headers, referral_id: int) -> int:
    response = client.post(
        "/api/v1/subjects",
        headers=headers,
        json={"referral_id": referral_id, "display_name": "Sam Synthetic"},
    )
    assert response.status_code == 201, response.text
    subject_id: int = response.json()["id"]
    return subject_id


def new_warrant(client: TestClient, headers: Headers, referral_id: int) -> int:
    response = client.post(
        "/api/v1/warrants",
        headers=headers,
        json={"referral_id": referral_id, "premises": "1 Example Street"},
    )
    assert response.status_code == 201, response.text
    warrant_id: int = response.json()["id"]
    return warrant_id
