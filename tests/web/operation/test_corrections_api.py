"""#17 points 3, 4, 5 through the API: every record corrected with a reason (its history kept and
audited), withdrawn with a reason (out of the figures), corrections under the date rules, and a
closed case read-only (409) until a supervisor or the operation lead reopens it."""

from __future__ import annotations

import secrets
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine, text

from netsafe.platform.roles import Role
from netsafe.stats.periods import UtcWindow
from netsafe.store.engine import make_session_factory, unit_of_work
from netsafe.store.models.operation import ArrestRow
from netsafe.store.repositories.stats import SqlEnforcementSource
from tests.web.support import Headers

RECEIVED = (datetime.now(UTC) - timedelta(days=3)).replace(microsecond=0)
T = RECEIVED + timedelta(hours=1)


@pytest.fixture
def tokens(bearer: Callable[..., Headers]) -> dict[str, Headers]:
    return {
        "gwent": bearer(Role.INVESTIGATOR, "gwent", username="gwent.inv"),
        "north": bearer(Role.INVESTIGATOR, "north-wales", username="north.inv"),
        "supervisor": bearer(Role.SUPERVISOR, "gwent", username="gwent.sup"),
        "north.supervisor": bearer(Role.SUPERVISOR, "north-wales", username="north.sup"),
        "lead": bearer(Role.OPERATION_LEAD, "regional-unit", username="op.lead"),
    }


def _ok(response: Any, status: int = 200) -> dict[str, Any]:
    assert response.status_code == status, response.text
    body: dict[str, Any] = response.json()
    return body


def _case(client: TestClient, h: Headers) -> dict[str, int]:
    """A Gwent case with one record of every kind; their ids by kind."""
    rid = _ok(
        client.post(
            "/api/v1/referrals",
            headers=h,
            json={
                "source": "partner",
                "force": "gwent",
                "received_at": RECEIVED.isoformat(),
                "summary": "Synthetic referral",
            },
        ),
        201,
    )["id"]

    def post(path: str, body: dict[str, Any]) -> int:
        record_id: int = _ok(client.post(f"/api/v1/{path}", headers=h, json=body), 201)["id"]
        return record_id

    sid = post("subjects", {"referral_id": rid, "display_name": "Alex Example"})
    risk = post("risk-assessments", {"referral_id": rid, "answers": {"access_to_children": True}})
    wid = post(
        "warrants", {"referral_id": rid, "premises": "1 Example St", "applied_at": T.isoformat()}
    )
    _ok(
        client.post(
            f"/api/v1/warrants/{wid}/decision",
            headers=h,
            json={"granted": True, "at": (T + timedelta(hours=1)).isoformat()},
        )
    )
    _ok(
        client.post(
            f"/api/v1/warrants/{wid}/execution",
            headers=h,
            json={"at": (T + timedelta(hours=2)).isoformat(), "result": "devices-seized"},
        )
    )
    arrest = post(
        "arrests",
        {
            "subject_id": sid,
            "arrested_at": (T + timedelta(hours=2)).isoformat(),
            "location": "1 Example St",
            "grounds": "Synthetic grounds",
        },
    )
    exhibit = post(
        "exhibits",
        {
            "referral_id": rid,
            "reference": f"GWP/RC/{secrets.token_hex(3)}",
            "device_type": "phone",
            "seal_number": "SEAL-1",
            "seized_at": (T + timedelta(hours=3)).isoformat(),
            "seized_from": "1 Example St",
            "warrant_id": wid,
        },
    )
    custody = [
        _ok(
            client.post(
                f"/api/v1/exhibits/{exhibit}/custody-events",
                headers=h,
                json={
                    "handed_to": holder,
                    "at": (T + timedelta(hours=hours)).isoformat(),
                    "location": "Store",
                },
            ),
            201,
        )["id"]
        for holder, hours in (("store.keeper", 4), ("examiner", 5))
    ]
    safeguarding = post(
        "safeguarding",
        {
            "referral_id": rid,
            "children_identified": 2,
            "children_safeguarded": 1,
            "referred_to_childrens_services": False,
            "recorded_at": (T + timedelta(hours=3)).isoformat(),
        },
    )
    outcome = post(
        "outcomes",
        {
            "referral_id": rid,
            "kind": "charge",
            "decided_at": (T + timedelta(hours=6)).isoformat(),
        },
    )
    return {
        "referral": rid,
        "subject": sid,
        "risk": risk,
        "warrant": wid,
        "arrest": arrest,
        "exhibit": exhibit,
        "custody": custody[0],
        "custody2": custody[1],
        "safeguarding": safeguarding,
        "outcome": outcome,
    }


PATHS = {
    "referral": "referrals",
    "subject": "subjects",
    "risk": "risk-assessments",
    "warrant": "warrants",
    "arrest": "arrests",
    "exhibit": "exhibits",
    "custody": "custody-events",
    "safeguarding": "safeguarding",
    "outcome": "outcomes",
}
#: A harmless correction of each kind: (field, new value).
CHANGES = {
    "referral": ("summary", "Synthetic referral (corrected)"),
    "subject": ("display_name", "Alex Example-Jones"),
    "risk": ("rationale", "Rationale added later"),
    "warrant": ("court", "Synthetic Magistrates"),
    "arrest": ("location", "2 Example St"),
    "exhibit": ("description", "Black phone"),
    "custody": ("purpose", "storage"),
    "safeguarding": ("local_authority", "Synthetic Council"),
    "outcome": ("notes", "Charged on the synthetic count"),
}


def _error(response: Any, status: int = 422) -> tuple[list[str], str]:
    assert response.status_code == status, response.text
    problem = response.json()["detail"][0]
    return problem["loc"], problem["msg"]


def _audit(engine: Engine) -> list[tuple[str, str | None, str]]:
    query = text(
        "SELECT action, resource_id, outcome FROM audit_log UNION ALL "
        "SELECT action, resource_id, outcome FROM audit_pending"
    )
    with engine.connect() as connection:
        return [(r[0], r[1], r[2]) for r in connection.execute(query)]


def test_every_kind_is_corrected_with_a_reason_and_its_history_kept(
    client: TestClient, tokens: dict[str, Headers], engine: Engine
) -> None:
    h = tokens["gwent"]
    ids = _case(client, h)
    for kind, path in PATHS.items():
        field, value = CHANGES[kind]
        url = f"/api/v1/{path}/{ids[kind]}"
        loc, _ = _error(client.patch(url, headers=h, json={field: value}))
        assert loc == ["body", "reason"], kind
        _error(client.patch(url, headers=h, json={field: value, "reason": ""}))
        assert (
            client.patch(
                url, headers=tokens["north"], json={field: value, "reason": "x"}
            ).status_code
            == 404
        )
        corrected = _ok(
            client.patch(url, headers=h, json={field: value, "reason": "typed from the wrong note"})
        )
        assert corrected[field] == value, kind
        (entry,) = _ok_list(client.get(f"{url}/history", headers=h))
        assert entry["action"] == "corrected"
        assert entry["by"] == "gwent.inv"
        assert entry["reason"] == "typed from the wrong note"
        assert entry["changes"][field]["after"] == value
        assert entry["changes"][field]["before"] != value
        assert client.get(f"{url}/history", headers=tokens["north"]).status_code == 404
        # nothing changed, a field no correction changes: refused, named
        loc, msg = _error(client.patch(url, headers=h, json={field: value, "reason": "again"}))
        assert msg == "nothing changed"
    loc, _ = _error(
        client.patch(
            f"/api/v1/arrests/{ids['arrest']}", headers=h, json={"referral_id": 1, "reason": "x"}
        )
    )
    assert loc[-1] == "referral_id"
    actions = {(a, r) for a, r, _ in _audit(engine)}
    for kind in PATHS:
        assert (f"{kind}.correct", str(ids[kind])) in actions, kind
        assert (f"{kind}.history", str(ids[kind])) in actions, kind


def _ok_list(response: Any) -> list[dict[str, Any]]:
    assert response.status_code == 200, response.text
    body: list[dict[str, Any]] = response.json()
    return body


def test_corrections_keep_the_date_rules(client: TestClient, tokens: dict[str, Headers]) -> None:
    h = tokens["gwent"]
    ids = _case(client, h)
    future = (datetime.now(UTC) + timedelta(days=400)).isoformat()
    early = (RECEIVED - timedelta(days=1)).isoformat()
    cases = [
        ("arrests", ids["arrest"], {"arrested_at": future}, "arrested_at", "in the future"),
        ("arrests", ids["arrest"], {"arrested_at": early}, "arrested_at", "before the referral"),
        ("risk-assessments", ids["risk"], {"assessed_at": future}, "assessed_at", "in the future"),
        (
            "warrants",
            ids["warrant"],
            {"executed_at": T.isoformat()},
            "executed_at",
            "before the warrant was granted",
        ),
        (
            "warrants",
            ids["warrant"],
            {"executed_at": (T + timedelta(hours=3, minutes=30)).isoformat()},
            "executed_at",
            "after exhibit",
        ),
        (
            "exhibits",
            ids["exhibit"],
            {"seized_at": (T + timedelta(hours=1)).isoformat()},
            "seized_at",
            "before the warrant it names",
        ),
        (
            "exhibits",
            ids["exhibit"],
            {"seized_at": (T + timedelta(hours=4, minutes=30)).isoformat()},
            "seized_at",
            "after the first custody step",
        ),
        (
            "custody-events",
            ids["custody"],
            {"at": (T + timedelta(hours=6)).isoformat()},
            "at",
            "after the next step",
        ),
        (
            "custody-events",
            ids["custody2"],
            {"at": (T + timedelta(hours=3, minutes=30)).isoformat()},
            "at",
            "before the previous step",
        ),
        ("outcomes", ids["outcome"], {"decided_at": future}, "decided_at", "in the future"),
        (
            "safeguarding",
            ids["safeguarding"],
            {"recorded_at": early},
            "recorded_at",
            "before the referral",
        ),
        (
            "referrals",
            ids["referral"],
            {"received_at": (T + timedelta(minutes=30)).isoformat()},
            "received_at",
            "after the case's earliest record",
        ),
        ("referrals", ids["referral"], {"received_at": future}, "received_at", "in the future"),
    ]
    for path, record_id, change, field, rule in cases:
        response = client.patch(
            f"/api/v1/{path}/{record_id}", headers=h, json={**change, "reason": "test"}
        )
        loc, msg = _error(response)
        assert loc == ["body", field], (path, change)
        assert rule in msg, (path, msg)
    # a warrant executed later (still before its exhibit was seized) is fine, and recorded
    later = (T + timedelta(hours=2, minutes=30)).isoformat()
    warrant = _ok(
        client.patch(
            f"/api/v1/warrants/{ids['warrant']}",
            headers=h,
            json={"executed_at": later, "reason": "the time of entry, not of the call"},
        )
    )
    assert datetime.fromisoformat(warrant["executed_at"]) == datetime.fromisoformat(later)
    # the referral's receipt moves its deadline with it
    before = _ok(client.get(f"/api/v1/referrals/{ids['referral']}", headers=h))
    earlier = RECEIVED - timedelta(hours=5)
    moved = _ok(
        client.patch(
            f"/api/v1/referrals/{ids['referral']}",
            headers=h,
            json={"received_at": earlier.isoformat(), "reason": "received overnight"},
        )
    )
    shift = datetime.fromisoformat(before["deadline_at"]) - datetime.fromisoformat(
        moved["deadline_at"]
    )
    assert shift == timedelta(hours=5)


def test_a_withdrawn_record_stays_and_leaves_the_figures(
    client: TestClient, tokens: dict[str, Headers], engine: Engine
) -> None:
    h = tokens["gwent"]
    ids = _case(client, h)
    window = UtcWindow(RECEIVED - timedelta(days=1), datetime.now(UTC) + timedelta(days=1))

    def figures() -> dict[str, int]:
        with unit_of_work(make_session_factory(engine)) as session:
            source = SqlEnforcementSource(session)
            return {
                metric: sum(c.count for c in source.count(metric, window) if c.force == "gwent")
                for metric in ("arrests", "devices_seized", "children_identified", "outcomes")
            }

    assert figures() == {"arrests": 1, "devices_seized": 1, "children_identified": 2, "outcomes": 1}
    url = f"/api/v1/arrests/{ids['arrest']}"
    loc, _ = _error(client.post(f"{url}/withdraw", headers=h, json={}))
    assert loc == ["body", "reason"]
    withdrawn = _ok(client.post(f"{url}/withdraw", headers=h, json={"reason": "wrong case"}))
    assert withdrawn["withdrawn_at"] is not None
    assert _ok(client.get(url, headers=h))["withdrawn_at"] is not None  # kept
    history = _ok_list(client.get(f"{url}/history", headers=h))
    assert [(e["action"], e["reason"]) for e in history] == [("withdrawn", "wrong case")]
    assert client.patch(url, headers=h, json={"location": "x", "reason": "y"}).status_code == 409
    assert client.post(f"{url}/withdraw", headers=h, json={"reason": "y"}).status_code == 409
    for path in ("exhibits", "safeguarding"):
        _ok(
            client.post(
                f"/api/v1/{path}/{ids[path.rstrip('s')]}/withdraw", headers=h, json={"reason": "r"}
            )
        )
    assert figures() == {"arrests": 0, "devices_seized": 0, "children_identified": 0, "outcomes": 1}
    # a withdrawn exhibit takes no more hand-overs; a withdrawn subject no arrest
    handed = client.post(
        f"/api/v1/exhibits/{ids['exhibit']}/custody-events",
        headers=h,
        json={"handed_to": "x", "at": datetime.now(UTC).isoformat(), "location": "Store"},
    )
    assert handed.status_code == 409
    # the earliest police action that stands is the referral's response: the warrant's execution
    referral = _ok(client.get(f"/api/v1/referrals/{ids['referral']}", headers=h))
    assert datetime.fromisoformat(referral["responded_at"]) == T + timedelta(hours=2)
    actions = {(a, r) for a, r, _ in _audit(engine)}
    assert ("arrest.withdraw", str(ids["arrest"])) in actions


def test_withdrawing_the_latest_assessment_restores_the_band(
    client: TestClient, tokens: dict[str, Headers]
) -> None:
    h = tokens["gwent"]
    ids = _case(client, h)
    low = _ok(
        client.post(
            "/api/v1/risk-assessments",
            headers=h,
            json={"referral_id": ids["referral"], "answers": {}},
        ),
        201,
    )
    assert _ok(client.get(f"/api/v1/referrals/{ids['referral']}", headers=h))["risk_band"] == "low"
    _ok(
        client.post(
            f"/api/v1/risk-assessments/{low['id']}/withdraw", headers=h, json={"reason": "r"}
        )
    )
    assert _ok(client.get(f"/api/v1/referrals/{ids['referral']}", headers=h))["risk_band"] == "high"


def test_a_closed_case_is_read_only_until_reopened(
    client: TestClient, tokens: dict[str, Headers], engine: Engine
) -> None:
    h = tokens["gwent"]
    ids = _case(client, h)
    rid = ids["referral"]
    closed = _ok(
        client.post(
            "/api/v1/outcomes",
            headers=h,
            json={
                "referral_id": rid,
                "kind": "no-further-action",
                "decided_at": datetime.now(UTC).isoformat(),
            },
        ),
        201,
    )
    assert _ok(client.get(f"/api/v1/referrals/{rid}", headers=h))["status"] == "closed"
    now = datetime.now(UTC).isoformat()
    writes = [
        ("post", "/api/v1/subjects", {"referral_id": rid, "display_name": "Late Example"}),
        ("post", "/api/v1/risk-assessments", {"referral_id": rid, "answers": {}}),
        ("post", "/api/v1/warrants", {"referral_id": rid, "premises": "3 Example St"}),
        (
            "post",
            "/api/v1/arrests",
            {"subject_id": ids["subject"], "arrested_at": now, "location": "x", "grounds": "y"},
        ),
        (
            "post",
            "/api/v1/exhibits",
            {
                "referral_id": rid,
                "reference": "GWP/RC/LATE",
                "device_type": "phone",
                "seal_number": "S",
                "seized_at": now,
                "seized_from": "x",
            },
        ),
        (
            "post",
            f"/api/v1/exhibits/{ids['exhibit']}/custody-events",
            {"handed_to": "x", "at": now, "location": "Store"},
        ),
        (
            "post",
            "/api/v1/safeguarding",
            {
                "referral_id": rid,
                "children_identified": 0,
                "children_safeguarded": 0,
                "referred_to_childrens_services": False,
            },
        ),
        ("post", "/api/v1/outcomes", {"referral_id": rid, "kind": "caution", "decided_at": now}),
        (
            "post",
            f"/api/v1/warrants/{ids['warrant']}/execution",
            {"at": now, "result": "no-access"},
        ),
        (
            "post",
            f"/api/v1/subjects/{ids['subject']}/helpline-details",
            {"given_to": "family", "given_at": now},
        ),
        ("patch", f"/api/v1/arrests/{ids['arrest']}", {"location": "z", "reason": "r"}),
        ("patch", f"/api/v1/referrals/{rid}", {"summary": "z", "reason": "r"}),
        ("post", f"/api/v1/outcomes/{closed['id']}/withdraw", {"reason": "r"}),
    ]
    for method, url, body in writes:
        response = getattr(client, method)(url, headers=h, json=body)
        assert response.status_code == 409, (url, response.text)
        assert "is closed" in response.json()["detail"], url
    reopen = f"/api/v1/referrals/{rid}/reopen"
    assert client.post(reopen, headers=h, json={"reason": "r"}).status_code == 403
    assert (
        client.post(reopen, headers=tokens["north.supervisor"], json={"reason": "r"}).status_code
        == 404
    )
    loc, _ = _error(client.post(reopen, headers=tokens["supervisor"], json={}))
    assert loc == ["body", "reason"]
    reopened = _ok(
        client.post(reopen, headers=tokens["supervisor"], json={"reason": "new evidence"})
    )
    assert reopened["status"] == "actioned"
    assert client.post(reopen, headers=tokens["lead"], json={"reason": "again"}).status_code == 409
    history = _ok_list(client.get(f"/api/v1/referrals/{rid}/history", headers=h))
    assert [(e["action"], e["by"], e["reason"]) for e in history] == [
        ("reopened", "gwent.sup", "new evidence")
    ]
    # open again: the outcome entered in error is withdrawn, and writes are taken
    _ok(client.post(f"/api/v1/outcomes/{closed['id']}/withdraw", headers=h, json={"reason": "r"}))
    _ok(
        client.post("/api/v1/subjects", headers=h, json={"referral_id": rid, "display_name": "B"}),
        201,
    )
    # a referral entered in error is withdrawn: kept, closed, out of the figures
    withdrawn = _ok(
        client.post(f"/api/v1/referrals/{rid}/withdraw", headers=h, json={"reason": "duplicate"})
    )
    assert withdrawn["withdrawn_at"] is not None
    assert withdrawn["status"] == "closed"
    assert (
        client.post(reopen, headers=tokens["supervisor"], json={"reason": "r"}).status_code == 409
    )
    window = UtcWindow(RECEIVED - timedelta(days=1), datetime.now(UTC) + timedelta(days=1))
    with unit_of_work(make_session_factory(engine)) as session:
        source = SqlEnforcementSource(session)
        for metric in ("referrals_received", "warrants_executed", "subjects_assessed"):
            assert not [c for c in source.count(metric, window) if c.force == "gwent"], metric
    refusals = [(a, r) for a, r, outcome in _audit(engine) if outcome == "denied"]
    assert ("subject.create", str(rid)) in refusals
    assert ("referral.reopen", str(rid)) in {(a, r) for a, r, _ in _audit(engine)}


def test_the_figures_open_on_the_latest_record_not_in_the_future(
    client: TestClient, tokens: dict[str, Headers], engine: Engine
) -> None:
    ids = _case(client, tokens["gwent"])
    with unit_of_work(make_session_factory(engine)) as session:
        # an arrest mistyped into the future before dates were checked
        session.add(
            ArrestRow(
                referral_id=ids["referral"],
                subject_id=ids["subject"],
                arrested_at=datetime(2099, 1, 1, tzinfo=UTC),
                location="x",
                arresting_officer="y",
                grounds="z",
                custody_reference="",
            )
        )
    with unit_of_work(make_session_factory(engine)) as session:
        latest = SqlEnforcementSource(session).latest_record()
    assert latest is not None
    assert latest <= datetime.now(UTC)
    assert latest >= T + timedelta(hours=6)  # the outcome, the latest record that happened


def test_a_risk_assessments_answers_are_corrected_with_history(
    client: TestClient, tokens: dict[str, Headers], engine: Engine
) -> None:
    """Answers corrected (a reason required): the assessment's score, band and deadline follow,
    the referral takes them (its latest assessment), and the history keeps every value before."""
    h = tokens["gwent"]
    ids = _case(client, h)
    url = f"/api/v1/risk-assessments/{ids['risk']}"
    before = _ok(client.get(url, headers=h))
    assert (before["answers"], before["band"]) == (["access_to_children"], "high")
    answers = {"child_at_immediate_risk": True, "access_to_children": False}
    loc, _ = _error(client.patch(url, headers=h, json={"answers": answers}))
    assert loc == ["body", "reason"]
    loc, msg = _error(
        client.patch(url, headers=h, json={"answers": {"zebra-test-term": True}, "reason": "r"})
    )
    assert loc[-2:] == ["answers", "zebra-test-term"]
    assert msg == "not a question of this set"
    corrected = _ok(
        client.patch(url, headers=h, json={"answers": answers, "reason": "misread the form"})
    )
    assert corrected["answers"] == ["child_at_immediate_risk"]
    assert (corrected["score"], corrected["band"]) == (10, "very-high")
    deadline = datetime.fromisoformat(corrected["deadline_at"])
    assert deadline == RECEIVED + timedelta(days=1)  # very high: one day after receipt
    referral = _ok(client.get(f"/api/v1/referrals/{ids['referral']}", headers=h))
    assert referral["risk_band"] == "very-high"
    assert datetime.fromisoformat(referral["deadline_at"]) == deadline
    (entry,) = _ok_list(client.get(f"{url}/history", headers=h))
    assert (entry["action"], entry["by"], entry["reason"]) == (
        "corrected",
        "gwent.inv",
        "misread the form",
    )
    assert entry["changes"]["answers"] == {
        "before": ["access_to_children"],
        "after": ["child_at_immediate_risk"],
    }
    assert entry["changes"]["band"] == {"before": "high", "after": "very-high"}
    assert entry["changes"]["score"] == {"before": 4, "after": 10}
    assert set(entry["changes"]) == {"answers", "band", "score", "deadline_at"}
    # the same answers again: nothing changed; all answered no: the lowest band
    _, msg = _error(client.patch(url, headers=h, json={"answers": answers, "reason": "again"}))
    assert msg == "nothing changed"
    none = _ok(client.patch(url, headers=h, json={"answers": {}, "reason": "no factor applies"}))
    assert (none["answers"], none["score"], none["band"]) == ([], 0, "low")
    referral = _ok(client.get(f"/api/v1/referrals/{ids['referral']}", headers=h))
    assert referral["risk_band"] == "low"
    assert len(_ok_list(client.get(f"{url}/history", headers=h))) == 2
    assert ("risk.correct", str(ids["risk"])) in {(a, r) for a, r, _ in _audit(engine)}
