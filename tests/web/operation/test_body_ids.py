"""Ids inside request bodies (issue 16 point 6): a `subject_id` or `warrant_id` must name a record
of the same case the caller may see. Otherwise 422 naming the field, never 201 or 500, and the same
answer whether the id is unknown, of another case of the force, or of another force."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine

from netsafe.settings import Settings
from tests.web.trust_support import (
    Headers,
    new_referral,
    new_subject,
    new_warrant,
    police_headers,
)

NOW = datetime.now(UTC).isoformat()


@pytest.fixture
def headers(engine: Engine, settings: Settings) -> dict[str, Headers]:
    return police_headers(engine, settings)


def _bodies(referral_id: int, field: str, value: Any) -> list[tuple[str, dict[str, Any]]]:
    """Every create call whose body can carry `field`, naming `value`."""
    calls: list[tuple[str, dict[str, Any]]] = [
        (
            "/api/v1/exhibits",
            {
                "referral_id": referral_id,
                "reference": f"GWP/T/{abs(hash((field, str(value)))) % 10**8}",
                "device_type": "phone",
                "seal_number": "SEAL-T",
                "seized_at": datetime.now(UTC).isoformat(),  # after the warrant named
                "seized_from": "1 Example Street",
                field: value,
            },
        )
    ]
    if field == "subject_id":
        calls += [
            ("/api/v1/warrants", {"referral_id": referral_id, "premises": "1 Row", field: value}),
            ("/api/v1/risk-assessments", {"referral_id": referral_id, "answers": {}, field: value}),
            (
                "/api/v1/outcomes",
                {
                    "referral_id": referral_id,
                    "kind": "no-further-action",
                    "decided_at": NOW,
                    "close_case": False,
                    field: value,
                },
            ),
        ]
    return calls


@pytest.mark.parametrize(("field", "kind"), [("subject_id", "subject"), ("warrant_id", "warrant")])
def test_an_id_of_another_case_or_force_is_refused_alike(
    client: TestClient, headers: dict[str, Headers], field: str, kind: str
) -> None:
    gwent, south = headers["gwent"], headers["south"]
    mine = new_referral(client, gwent, "gwent")
    other_case = new_referral(client, gwent, "gwent")
    theirs = new_referral(client, south, "south-wales")
    make = new_subject if kind == "subject" else new_warrant
    own_id = make(client, gwent, mine)
    other_case_id = make(client, gwent, other_case)
    other_force_id = make(client, south, theirs)
    unknown_id = other_force_id + 1000

    for path, body in _bodies(mine, field, own_id):
        response = client.post(path, headers=gwent, json=body)
        assert response.status_code == 201, (path, response.text)

    answers: dict[str, list[object]] = {}
    for name, record_id in (
        ("other-case", other_case_id),
        ("other-force", other_force_id),
        ("unknown", unknown_id),
    ):
        for path, body in _bodies(mine, field, record_id):
            response = client.post(path, headers=gwent, json=body)
            assert response.status_code == 422, (name, path, response.text)
            detail = response.json()["detail"]
            assert detail[0]["loc"] == ["body", field], detail
            # the same words for every case, once the id itself is taken out
            answers.setdefault(path, []).append(
                str(detail).replace(str(record_id), "<id>").replace(body["reference"], "<ref>")
                if "reference" in body
                else str(detail).replace(str(record_id), "<id>")
            )
    for path, seen in answers.items():
        assert len(set(seen)) == 1, (path, seen)


@pytest.mark.parametrize("value", [False, True, 0, -1, 2**63 - 1, 2**63, 2**64, 10**30])
def test_odd_ids_in_a_body_are_422(
    client: TestClient, headers: dict[str, Headers], value: object
) -> None:
    gwent = headers["gwent"]
    mine = new_referral(client, gwent, "gwent")
    for path, body in _bodies(mine, "subject_id", value):
        response = client.post(path, headers=gwent, json=body)
        assert response.status_code == 422, (path, value, response.text)


def test_a_page_form_naming_another_forces_subject_is_refused(
    client: TestClient, headers: dict[str, Headers], engine: Engine, settings: Settings
) -> None:
    """The case page's warrant form: the foreign subject is refused on the page, nothing stored."""
    gwent, south = headers["gwent"], headers["south"]
    mine = new_referral(client, gwent, "gwent")
    foreign = new_subject(client, south, new_referral(client, south, "south-wales"))
    cookie_client = client
    response = cookie_client.post(
        f"/operation/referrals/{mine}/warrants",
        headers=gwent,
        data={"premises": "1 Row", "subject_id": str(foreign)},
        follow_redirects=False,
    )
    assert response.status_code == 303, response.text
    assert "error=subject_id" in response.headers["location"]
    warrants = client.get("/api/v1/warrants", headers=gwent).json()
    assert [w for w in warrants if w["referral_id"] == mine] == []
