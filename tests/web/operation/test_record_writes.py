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

from netsafe.operation.record_kinds import CASE_RECORD_KINDS, add_arguments
from netsafe.platform.roles import Role
from netsafe.settings import Settings
from netsafe.web.operation.form_input import field_kinds
from netsafe.web.operation.record_writes import WRITES, RecordWrite
from tests.web.support import bearer_headers

#: The kinds added on the case page (a custody step is added on its exhibit's page).
CASE_PAGE_WRITES = [write for write in WRITES if not write.kind.nested]


def test_every_case_kind_is_written_through_its_add_service() -> None:
    assert {w.kind.name for w in WRITES} == {k.name for k in CASE_RECORD_KINDS}
    for write in WRITES:
        assert write.kind.add is not None
        keywords = [
            p.name
            for p in inspect.signature(write.kind.add).parameters.values()
            if p.kind is inspect.Parameter.KEYWORD_ONLY
        ]
        given = [a.name for a in add_arguments(write.kind) if a.from_casework]
        assert given == (["questions"] if write.kind.name == "risk" else [])
        owner = [] if write.kind.nested else [write.kind.owner]  # nested: from the path
        expected = [*owner, *(name for name in keywords if name not in given)]
        assert list(write.body.model_fields) == expected


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


@pytest.mark.parametrize("write", CASE_PAGE_WRITES, ids=lambda write: write.kind.name)
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
        f"/operation/referrals/{referral_id}/{write.form_path}", headers=h, data=form
    )
    assert page.status_code == 303
    location = unquote_plus(page.headers["location"])
    assert f"error={field}: String should have at most {cap} characters" in location

    listed = client.get(f"/api/v1/{write.kind.path}", headers=h, params={"limit": 500})
    assert listed.status_code == 200
    kept = [r for r in listed.json() if r["referral_id"] == referral_id]
    assert kept == []  # nothing was recorded by either


def test_a_custody_step_is_added_under_its_exhibit_with_the_derived_model(
    client: TestClient, engine: Engine, settings: Settings
) -> None:
    h = bearer_headers(engine, settings, Role.INVESTIGATOR, "gwent", username="gwent.kinds")
    other = bearer_headers(engine, settings, Role.INVESTIGATOR, "gwent", username="gwent.other")
    north = bearer_headers(engine, settings, Role.INVESTIGATOR, "north-wales", username="nw")
    received = (datetime.now(UTC) - timedelta(days=2)).isoformat()
    referral_id = client.post(
        "/api/v1/referrals",
        headers=h,
        json={"source": "partner", "force": "gwent", "received_at": received, "summary": "S"},
    ).json()["id"]
    seized = (datetime.now(UTC) - timedelta(days=1)).isoformat()
    exhibit = client.post(
        "/api/v1/exhibits",
        headers=h,
        json={
            "referral_id": referral_id,
            "reference": "GW/KINDS/1",
            "device_type": "phone",
            "seal_number": "S1",
            "seized_at": seized,
            "seized_from": "1 Example Road",
        },
    )
    assert exhibit.status_code == 201, exhibit.text
    steps = f"/api/v1/exhibits/{exhibit.json()['id']}/custody-events"
    step = {"handed_to": "gwent.other", "at": datetime.now(UTC).isoformat(), "location": "Store"}

    too_long = client.post(steps, headers=h, json={**step, "location": "z" * 501})
    assert too_long.status_code == 422
    assert [p["loc"] for p in too_long.json()["detail"]] == [["body", "location"]]
    # another force: 404 before the body is read (an empty body would otherwise be a 422)
    assert client.post(steps, headers=north, json={}).status_code == 404
    added = client.post(steps, headers=h, json=step)
    assert added.status_code == 201, added.text
    assert added.json()["handed_from"] == "gwent.kinds"
    assert added.json()["seal_intact"] is True
    listed = client.get(steps, headers=other).json()
    assert [s["handed_to"] for s in listed] == ["gwent.other"]
