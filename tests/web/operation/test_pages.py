"""The operation's pages: dashboard, queue ordered by deadline, the case page with its timeline,
warrant and exhibit pages (with triage results), and the forms that drive a case."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

from fastapi.testclient import TestClient
from sqlalchemy import Engine

from netsafe.platform.roles import Role
from netsafe.settings import Settings
from netsafe.store.engine import make_session_factory, unit_of_work
from tests.operation.operation_triage import store_triage_run
from tests.web.support import bearer_headers


def _auth(
    engine: Engine, settings: Settings, username: str, agency: str, role: Role
) -> dict[str, str]:
    return bearer_headers(engine, settings, role, agency, username=username)


def _post(client: TestClient, url: str, headers: dict[str, str], data: dict[str, str]) -> str:
    response = client.post(url, headers=headers, data=data)
    assert response.status_code == 303, response.text
    location: str = response.headers["location"]
    assert "error=" not in location, location
    return location


def test_a_case_driven_through_the_pages(
    client: TestClient, engine: Engine, settings: Settings
) -> None:
    h = _auth(engine, settings, "dp.inv", "dyfed-powys", Role.INVESTIGATOR)
    other = _auth(engine, settings, "nw.inv", "north-wales", Role.INVESTIGATOR)
    helpline = _auth(engine, settings, "help", "charity", Role.HELPLINE)
    assert client.get("/operation").status_code == 303  # to the login page
    assert client.get("/operation", headers=helpline).status_code == 403

    old = (datetime.now(UTC) - timedelta(days=3)).strftime("%Y-%m-%dT%H:%M")
    late = _post(
        client,
        "/operation/referrals/new",
        h,
        {"source": "partner", "force": "dyfed-powys", "received_at": old, "summary": "Older one"},
    )
    case = _post(
        client,
        "/operation/referrals/new",
        h,
        {"source": "national-referral", "force": "dyfed-powys", "summary": "Synthetic referral"},
    )
    case_url = case.split("?")[0]
    queue = client.get("/operation/queue", headers=h).text
    assert queue.index(late.split("?")[0]) < queue.index(case_url)
    assert "Breached" in queue
    dashboard = client.get("/operation", headers=h).text
    assert re.search(r'id="breached-open"><a href="[^"]+">1<', dashboard)
    assert re.search(r'id="open-count"><a href="[^"]+">2<', dashboard)

    _post(client, f"{case_url}/subjects", h, {"display_name": "Robin Example"})
    _post(client, f"{case_url}/risk", h, {"q_child_at_immediate_risk": "yes", "rationale": "test"})
    page = client.get(case_url, headers=h).text
    assert "Very High" in page
    assert "Robin Example" in page
    subject_id = re.search(r"/operation/subjects/(\d+)/helpline-details", page).group(1)  # type: ignore[union-attr]
    warrant_url = _post(client, f"{case_url}/warrants", h, {"premises": "2 Example Lane"}).split(
        "?"
    )[0]
    _post(client, f"{warrant_url}/decision", h, {"decision": "granted", "court": "Synthetic MC"})
    _post(client, f"{warrant_url}/execution", h, {"result": "devices-seized"})
    assert 'id="warrant-status">executed<' in client.get(warrant_url, headers=h).text
    _post(
        client,
        f"{case_url}/arrests",
        h,
        {"subject_id": subject_id, "location": "2 Example Lane", "grounds": "Synthetic"},
    )
    exhibit_url = _post(
        client,
        f"{case_url}/exhibits",
        h,
        {
            "reference": "DPP/RE/1",
            "device_type": "phone",
            "seal_number": "SEAL-9",
            "seized_from": "2 Example Lane",
            "warrant_id": warrant_url.rsplit("/", 1)[1],
        },
    ).split("?")[0]
    assert 'id="no-triage"' in client.get(exhibit_url, headers=h).text
    with unit_of_work(make_session_factory(engine)) as session:
        store_triage_run(session, "DPP/RE/1", matched=2)
    exhibit_page = client.get(exhibit_url, headers=h).text
    assert "zebra-test-0.jpg" in exhibit_page
    assert 'class="triage-matched">2<' in exhibit_page
    _post(
        client,
        f"{exhibit_url}/custody",
        h,
        {"handed_to": "store.keeper", "location": "Store", "seal_intact": "yes"},
    )
    assert 'id="holder">store.keeper' in client.get(exhibit_url, headers=h).text
    _post(
        client,
        f"{case_url}/safeguarding",
        h,
        {"children_identified": "1", "children_safeguarded": "1"},
    )
    _post(client, f"/operation/subjects/{subject_id}/helpline-details", h, {"given_to": "family"})
    bad = client.post(
        f"{case_url}/safeguarding",
        headers=h,
        data={"children_identified": "1", "children_safeguarded": "3"},
    )
    assert "error=children_safeguarded" in bad.headers["location"]
    _post(client, f"{case_url}/outcomes", h, {"kind": "no-further-action"})
    final = client.get(case_url, headers=h).text
    assert 'id="referral-status">closed<' in final
    timeline = final[final.index('id="timeline"') :]
    for title in (
        "Referral received",
        "Risk assessed",
        "Warrant executed",
        "Arrest",
        "Exhibit seized",
        "Custody",
        "Safeguarding recorded",
        "Helpline details given",
        "Outcome",
    ):
        assert title in timeline, title

    # the case is closed (no further action): read-only, the refusal shown on the page
    bad = client.post(
        f"{case_url}/safeguarding",
        headers=h,
        data={"children_identified": "1", "children_safeguarded": "1"},
    )
    assert "error=case+NS-" in bad.headers["location"]
    assert "is closed" in client.get(bad.headers["location"], headers=h).text
    assert client.get(case_url, headers=other).status_code == 404
    assert client.get(exhibit_url, headers=other).status_code == 404
    assert (
        client.post(f"{case_url}/outcomes", headers=other, data={"kind": "caution"}).status_code
        == 404
    )


def test_the_forms_show_a_refused_date(
    client: TestClient, engine: Engine, settings: Settings
) -> None:
    h = _auth(engine, settings, "dp.dates", "dyfed-powys", Role.INVESTIGATOR)
    received = datetime.now(UTC) - timedelta(days=2)
    case = _post(
        client,
        "/operation/referrals/new",
        h,
        {
            "source": "partner",
            "force": "dyfed-powys",
            "received_at": received.strftime("%Y-%m-%dT%H:%M"),
            "summary": "Dates",
        },
    )
    case_url = case.split("?")[0]
    _post(client, f"{case_url}/subjects", h, {"display_name": "Robin Example"})
    page = client.get(case_url, headers=h).text
    subject_id = re.search(r"/operation/subjects/(\d+)/helpline-details", page).group(1)  # type: ignore[union-attr]
    for when, rule in (
        (datetime.now(UTC) + timedelta(days=400), "in the future"),
        (received - timedelta(days=1), "before the referral was received"),
    ):
        refused = client.post(
            f"{case_url}/arrests",
            headers=h,
            data={
                "subject_id": subject_id,
                "arrested_at": when.strftime("%Y-%m-%dT%H:%M"),
                "location": "2 Example Lane",
                "grounds": "Synthetic",
            },
        )
        assert refused.status_code == 303
        location = refused.headers["location"]
        assert "error=arrested_at" in location, location
        shown = client.get(location, headers=h).text
        assert f"arrested_at: {rule}" in shown
    assert re.search(
        r'id="arrest">Arrests</h3>\s*<ul class="records"><li>None yet\.</li></ul>', shown
    )
