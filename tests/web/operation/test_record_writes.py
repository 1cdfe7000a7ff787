"""One record kind, one place (#17 point 8): each kind with an `add` service in the record-kinds
table is written through one input model, derived from the service, for the JSON API and the
case page's form alike; a value the model refuses is refused by both, naming the field."""

from __future__ import annotations

import inspect
from datetime import UTC, datetime, timedelta
from urllib.parse import unquote_plus

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine

from netsafe.operation.record_kinds import CASE_RECORD_KINDS
from netsafe.platform.roles import Role
from netsafe.settings import Settings
from netsafe.web.operation.form_input import field_kinds
from netsafe.web.operation.record_writes import WRITES, RecordWrite
from tests.web.support import bearer_headers

WRITE_IDS = [write.kind.name for write in WRITES]


def test_every_case_kind_but_risk_and_custody_is_written_through_its_add_service() -> None:
    assert {w.kind.name for w in WRITES} == {
        k.name for k in CASE_RECORD_KINDS if k.name not in ("risk", "custody")
    }
    for write in WRITES:
        assert write.kind.add is not None
        keywords = [
            p.name
            for p in inspect.signature(write.kind.add).parameters.values()
            if p.kind is inspect.Parameter.KEYWORD_ONLY
        ]
        assert list(write.body.model_fields) == [write.kind.owner, *keywords]


def _capped(write: RecordWrite) -> tuple[str, int]:
    """The first text field of the kind's input model with a length cap."""
    for name, spec in write.body.model_json_schema()["properties"].items():
        if "maxLength" in spec:
            return name, int(spec["maxLength"])
    raise AssertionError(f"{write.kind.name}: no capped text field")


def _valid_form(write: RecordWrite, owner_id: int) -> dict[str, str]:
    """A form the model takes: every required text filled, every required number 0 (times
    left empty: now); the owner's id as the case page sends it."""
    form = {write.owner: str(owner_id)}
    for name, (kind, required) in field_kinds(write.body).items():
        if required and name not in form:
            if kind == "string":
                form[name] = "Synthetic"
            elif kind == "integer":
                form[name] = "0"
    return form


@pytest.mark.parametrize("write", WRITES, ids=WRITE_IDS)
def test_a_refused_value_names_its_field_in_the_json_api_and_the_form(
    write: RecordWrite, client: TestClient, engine: Engine, settings: Settings
) -> None:
    h = bearer_headers(engine, settings, Role.INVESTIGATOR, "gwent", username="gwent.kinds")
    received = (datetime.now(UTC) - timedelta(days=2)).isoformat()
    referral = client.post(
        "/api/v1/referrals",
        headers=h,
        json={"source": "partner", "force": "gwent", "received_at": received, "summary": "S"},
    )
    assert referral.status_code == 201, referral.text
    referral_id = referral.json()["id"]
    owner_id = referral_id
    if write.owner == "subject_id":
        subject = client.post(
            "/api/v1/subjects",
            headers=h,
            json={"referral_id": referral_id, "display_name": "Robin Example"},
        )
        owner_id = subject.json()["id"]
    field, cap = _capped(write)
    too_long = "z" * (cap + 1)

    answer = client.post(
        f"/api/v1/{write.kind.path}", headers=h, json={write.owner: owner_id, field: too_long}
    )
    assert answer.status_code == 422
    assert ["body", field] in [problem["loc"] for problem in answer.json()["detail"]]

    form = {**_valid_form(write, owner_id), field: too_long}
    page = client.post(
        f"/operation/referrals/{referral_id}/{write.kind.path}", headers=h, data=form
    )
    assert page.status_code == 303
    location = unquote_plus(page.headers["location"])
    assert f"error={field}: String should have at most {cap} characters" in location

    listed = client.get(f"/api/v1/{write.kind.path}", headers=h, params={"limit": 500})
    assert listed.status_code == 200
    kept = [r for r in listed.json() if r["referral_id"] == referral_id]
    assert kept == []  # nothing was recorded by either
