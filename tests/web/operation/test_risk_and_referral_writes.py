"""The risk assessment and the referral, each written through one input model for the JSON API
and the page's form (#17 point 8): a value the model or the service refuses is refused by both,
naming the field, and nothing is saved. The risk assessment's question set reaches its `add`
service through the casework facade; its form is one check box per question (`q_<key>`)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import unquote_plus

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine, func, select

from netsafe.platform.roles import Role
from netsafe.settings import Settings
from netsafe.store.engine import make_session_factory, unit_of_work
from netsafe.store.models.operation import ReferralRow
from netsafe.store.models.platform import AuditRow
from tests.web.support import bearer_headers
from tests.web.trust_support import new_referral


@pytest.fixture
def h(engine: Engine, settings: Settings) -> dict[str, str]:
    return bearer_headers(engine, settings, Role.INVESTIGATOR, "gwent", username="gwent.writes")


def _referral(client: TestClient, h: dict[str, str]) -> int:
    return new_referral(client, h, "gwent")


def _refused(answer: Any, loc: list[str]) -> str:
    """The JSON API's refusal of the field at `loc`, as the page says it ("field: message")."""
    assert answer.status_code == 422, answer.text
    messages = {tuple(p["loc"]): p["msg"] for p in answer.json()["detail"]}
    assert tuple(loc) in messages, messages
    return f"{'.'.join(loc[1:])}: {messages[tuple(loc)]}"


def _page_error(answer: Any) -> str:
    assert answer.status_code == 303, answer.text
    location = unquote_plus(answer.headers["location"])
    assert "error=" in location, location
    return location.split("error=", 1)[1].split("&", 1)[0].split("#", 1)[0]


def _assessments(client: TestClient, h: dict[str, str], referral_id: int) -> list[Any]:
    listed = client.get("/api/v1/risk-assessments", headers=h, params={"limit": 500})
    assert listed.status_code == 200
    return [a for a in listed.json() if a["referral_id"] == referral_id]


FUTURE = (datetime.now(UTC) + timedelta(days=400)).replace(microsecond=0, tzinfo=None)


@pytest.mark.parametrize(
    ("json_body", "form", "loc", "message"),
    [
        (
            {"answers": {"zebra": True}},
            {"q_zebra": "yes"},
            ["body", "answers", "zebra"],
            "answers.zebra: not a question of this set",
        ),
        (
            {"answers": {}, "rationale": "z" * 4001},
            {"rationale": "z" * 4001},
            ["body", "rationale"],
            "rationale: String should have at most 4000 characters",
        ),
        (
            {"answers": {}, "assessed_at": FUTURE.replace(tzinfo=UTC).isoformat()},
            {"assessed_at": FUTURE.strftime("%Y-%m-%dT%H:%M")},
            ["body", "assessed_at"],
            "assessed_at: in the future",
        ),
        (
            {"answers": {}, "subject_id": 2**31 + 5},
            {"subject_id": str(2**31 + 5)},
            ["body", "subject_id"],
            f"subject_id: no subject {2**31 + 5} in this case",
        ),
    ],
    ids=["unknown question", "rationale too long", "in the future", "no such subject"],
)
def test_a_refused_risk_assessment_names_its_field_in_the_json_api_and_the_form(
    client: TestClient,
    h: dict[str, str],
    json_body: dict[str, Any],
    form: dict[str, str],
    loc: list[str],
    message: str,
) -> None:
    referral_id = _referral(client, h)
    answer = client.post(
        "/api/v1/risk-assessments", headers=h, json={"referral_id": referral_id, **json_body}
    )
    refused = _refused(answer, loc)
    assert refused.startswith(message)
    page = client.post(f"/operation/referrals/{referral_id}/risk", headers=h, data=form)
    assert _page_error(page).startswith(message)
    assert "#risk" in page.headers["location"]  # back to the case page's risk section
    assert _assessments(client, h, referral_id) == []  # nothing was recorded by either
    after = client.get(f"/api/v1/referrals/{referral_id}", headers=h).json()
    assert after["status"] == "new"
    assert after["risk_band"] is None


def test_a_risk_assessment_by_form_and_by_json_alike(
    client: TestClient, engine: Engine, h: dict[str, str]
) -> None:
    """The same answers give the same band through both; the page's notice and the audit
    events are as they were before the assessment was derived from the table."""
    by_json = _referral(client, h)
    answer = client.post(
        "/api/v1/risk-assessments",
        headers=h,
        json={"referral_id": by_json, "answers": {"position_of_trust": True}},
    )
    assert answer.status_code == 201, answer.text
    assert answer.json()["band"] == "high"
    assert answer.json()["answers"] == ["position_of_trust"]

    by_form = _referral(client, h)
    page = client.post(
        f"/operation/referrals/{by_form}/risk",
        headers=h,
        data={"q_position_of_trust": "yes", "q_large_volume": "", "rationale": "Synthetic"},
    )
    assert page.status_code == 303
    location = unquote_plus(page.headers["location"])
    assert location.startswith(f"/operation/referrals/{by_form}?notice=Risk assessed: High;")
    (assessed,) = _assessments(client, h, by_form)
    assert assessed["band"] == "high"
    assert assessed["answers"] == ["position_of_trust"]
    assert assessed["rationale"] == "Synthetic"
    for referral_id in (by_json, by_form):
        after = client.get(f"/api/v1/referrals/{referral_id}", headers=h).json()
        assert (after["status"], after["risk_band"]) == ("assessed", "high")

    with unit_of_work(make_session_factory(engine)) as session:
        events = session.execute(
            select(AuditRow.resource_type, AuditRow.resource_id, AuditRow.detail).where(
                AuditRow.action == "risk.create"
            )
        ).all()
    assert (("risk-assessment", str(answer.json()["id"]), "high")) in events
    assert (("risk", str(assessed["id"]), "high")) in events


def _referrals_stored(engine: Engine) -> int:
    with unit_of_work(make_session_factory(engine)) as session:
        return int(session.scalar(select(func.count()).select_from(ReferralRow)) or 0)


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("summary", "z" * 4001, "summary: String should have at most 4000 characters"),
        ("source", "carrier-pigeon", "source: Input should be "),
        ("force", "atlantis", "force: "),
        ("received_at", "future", "received_at: in the future"),
    ],
)
def test_a_refused_referral_names_its_field_in_the_json_api_and_the_form(
    client: TestClient, engine: Engine, h: dict[str, str], field: str, value: str, message: str
) -> None:
    received = datetime.now(UTC) - timedelta(days=1)
    if value == "future":
        received = (datetime.now(UTC) + timedelta(days=400)).replace(microsecond=0)
        value = received.isoformat()
    body = {"source": "partner", "force": "gwent", "summary": "Synthetic"}
    before = _referrals_stored(engine)

    answer = client.post(
        "/api/v1/referrals",
        headers=h,
        json={**body, "received_at": received.isoformat(), field: value},
    )
    assert _refused(answer, ["body", field]).startswith(message)

    form = {**body, "received_at": received.strftime("%Y-%m-%dT%H:%M"), field: value}
    if field == "received_at":
        form[field] = received.strftime("%Y-%m-%dT%H:%M")
    page = client.post("/operation/referrals/new", headers=h, data=form)
    assert page.headers["location"].startswith("/operation/referrals/new?")
    assert _page_error(page).startswith(message)
    assert _referrals_stored(engine) == before  # nothing was recorded by either
