"""Owners, actions and "My work" through the API (issue 17 point 2): a supervisor or the
operation lead gives a case its owner (audited), work goes only to police users who may see the
case, actions are added and changed, My work lists the caller's own cases, actions and exhibits,
and nothing crosses a force or a restriction. SQLite and PostgreSQL."""

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
from tests.operation.operation_triage import store_triage_run
from tests.web.trust_support import Headers, bearer, new_referral

TODAY = datetime.now(UTC).date()


@pytest.fixture
def people(engine: Engine, settings: Settings) -> dict[str, Headers]:
    def user(name: str, agency: str, role: Role) -> Headers:
        return bearer(engine, settings, name, agency, role)

    return {
        "inv": user("gwent.inv", "gwent", Role.INVESTIGATOR),
        "inv2": user("gwent.inv2", "gwent", Role.INVESTIGATOR),
        "exam": user("gwent.exam", "gwent", Role.EXAMINER),
        "sup": user("gwent.sup", "gwent", Role.SUPERVISOR),
        "south": user("south.inv", "south-wales", Role.INVESTIGATOR),
        "south_sup": user("south.sup", "south-wales", Role.SUPERVISOR),
        "lead": user("op.lead", "regional-unit", Role.OPERATION_LEAD),
        "helpline": user("help.one", "charity", Role.HELPLINE),
    }


def _audited(engine: Engine, action: str) -> list[str]:
    with unit_of_work(make_session_factory(engine)) as session:
        events = SqlAuditRepository(session).query(AuditQuery(action=action, limit=100))
        return [e.event.detail or "" for e in events]


def test_a_supervisor_gives_a_case_its_owner_audited(
    client: TestClient, people: dict[str, Headers], engine: Engine
) -> None:
    case = new_referral(client, people["inv"], "gwent")
    url = f"/api/v1/referrals/{case}/owner"
    assert client.get(url, headers=people["inv"]).json() is None
    refused = client.put(url, headers=people["inv"], json={"username": "gwent.inv"})
    assert refused.status_code == 403
    given = client.put(url, headers=people["sup"], json={"username": "gwent.inv"})
    assert given.status_code == 200, given.text
    assert given.json()["username"] == "gwent.inv"
    assert given.json()["assigned_by"] == "gwent.sup"
    assert client.get(url, headers=people["inv"]).json()["username"] == "gwent.inv"
    # the operation lead may give any force's case an owner; another force's supervisor may not
    assert (
        client.put(url, headers=people["lead"], json={"username": "gwent.inv2"}).status_code == 200
    )
    assert client.put(url, headers=people["south_sup"], json={"username": "x"}).status_code == 404
    assert "gwent.inv2" in _audited(engine, "owner.assign")
    cleared = client.put(url, headers=people["sup"], json={"username": None})
    assert cleared.status_code == 200
    assert cleared.json() is None


@pytest.mark.parametrize("name", ["south.inv", "help.one", "nobody.at.all", "gwent.inv2"])
def test_work_goes_only_to_police_users_who_may_see_the_case(
    client: TestClient, people: dict[str, Headers], name: str
) -> None:
    """Another force's officer, a charity user, an unknown name and (the case restricted to
    others) an officer of the force are refused alike, naming the field."""
    case = new_referral(client, people["inv"], "gwent")
    restricted = client.put(
        f"/api/v1/referrals/{case}/restriction",
        headers=people["inv"],
        json={"usernames": ["gwent.inv", "gwent.sup"]},
    )
    assert restricted.status_code == 200
    owner = client.put(
        f"/api/v1/referrals/{case}/owner", headers=people["sup"], json={"username": name}
    )
    action = client.post(
        f"/api/v1/referrals/{case}/actions",
        headers=people["inv"],
        json={"title": "Check", "due_on": TODAY.isoformat(), "assignee": name},
    )
    for answer, field in ((owner, "owner"), (action, "assignee")):
        assert answer.status_code == 422, answer.text
        assert answer.json()["detail"][0]["loc"][-1] == field
        assert "is not a police user who may see" in answer.json()["detail"][0]["msg"]


def test_actions_are_added_listed_and_changed(
    client: TestClient, people: dict[str, Headers], engine: Engine
) -> None:
    case = new_referral(client, people["inv"], "gwent")
    url = f"/api/v1/referrals/{case}/actions"
    yesterday = (TODAY - timedelta(days=1)).isoformat()
    mine = client.post(
        url, headers=people["inv"], json={"title": "Serve order", "due_on": yesterday}
    )
    assert mine.status_code == 201, mine.text
    action = mine.json()
    assert action["assignee"] == "gwent.inv"
    assert action["state"] == "open"
    assert action["overdue"] is True
    theirs = client.post(
        url,
        headers=people["inv"],
        json={"title": "Examine phone", "due_on": TODAY.isoformat(), "assignee": "gwent.exam"},
    )
    assert theirs.status_code == 201
    listed = client.get(url, headers=people["exam"]).json()
    assert [a["title"] for a in listed] == ["Serve order", "Examine phone"]
    patched = client.patch(
        f"/api/v1/actions/{action['id']}", headers=people["inv"], json={"state": "done"}
    )
    assert patched.status_code == 200, patched.text
    assert patched.json()["state"] == "done"
    assert patched.json()["overdue"] is False
    assert patched.json()["updated_by"] == "gwent.inv"
    # done ones go after open ones
    assert [a["title"] for a in client.get(url, headers=people["inv"]).json()] == [
        "Examine phone",
        "Serve order",
    ]
    bad = client.patch(
        f"/api/v1/actions/{action['id']}", headers=people["inv"], json={"state": "x"}
    )
    assert bad.status_code == 422
    assert "state=done" in _audited(engine, "action.update")
    # another force cannot see, list, change or add
    south = people["south"]
    assert client.get(url, headers=south).status_code == 404
    assert client.get(f"/api/v1/actions/{action['id']}", headers=south).status_code == 404
    assert (
        client.patch(
            f"/api/v1/actions/{action['id']}", headers=south, json={"state": "open"}
        ).status_code
        == 404
    )
    assert (
        client.post(url, headers=south, json={"title": "x", "due_on": yesterday}).status_code == 404
    )
    assert client.get(url, headers=people["helpline"]).status_code == 403


def test_my_work_lists_my_cases_actions_and_exhibits_only(
    client: TestClient, people: dict[str, Headers], engine: Engine
) -> None:
    mine = new_referral(client, people["inv"], "gwent")
    other = new_referral(client, people["inv"], "gwent")
    client.put(
        f"/api/v1/referrals/{mine}/owner", headers=people["sup"], json={"username": "gwent.inv"}
    )
    client.put(
        f"/api/v1/referrals/{other}/owner", headers=people["sup"], json={"username": "gwent.inv2"}
    )
    overdue = (TODAY - timedelta(days=3)).isoformat()
    for title, due, who in (
        ("Overdue task", overdue, ""),
        ("Later task", (TODAY + timedelta(days=5)).isoformat(), ""),
        ("Someone else's", TODAY.isoformat(), "gwent.inv2"),
    ):
        answer = client.post(
            f"/api/v1/referrals/{other}/actions",
            headers=people["inv"],
            json={"title": title, "due_on": due, "assignee": who},
        )
        assert answer.status_code == 201
    work = client.get("/api/v1/my-work", headers=people["inv"])
    assert work.status_code == 200, work.text
    body = work.json()
    assert [c["id"] for c in body["cases"]] == [mine]
    assert [a["title"] for a in body["actions"]] == ["Overdue task", "Later task"]
    assert body["actions"][0]["case_reference"].startswith("NS-")
    assert body["overdue"] == 1
    assert body["exhibits"] == []
    # a case restricted to others leaves its owner's list
    client.put(
        f"/api/v1/referrals/{mine}/restriction", headers=people["sup"], json={"usernames": []}
    )
    client.put(
        f"/api/v1/referrals/{mine}/restriction",
        headers=people["inv2"],
        json={"usernames": ["gwent.inv2"]},
    )
    assert client.get("/api/v1/my-work", headers=people["inv"]).json()["cases"] == []
    assert client.get("/api/v1/my-work", headers=people["helpline"]).status_code == 403
    assert _audited(engine, "work.read")


def test_an_examiner_sees_the_untriaged_exhibits_they_hold(
    client: TestClient, people: dict[str, Headers], engine: Engine
) -> None:
    case = new_referral(client, people["inv"], "gwent")
    ids = {}
    for reference in ("GW/EX/1", "GW/EX/2", "GW/EX/3"):
        answer = client.post(
            "/api/v1/exhibits",
            headers=people["inv"],
            json={
                "referral_id": case,
                "reference": reference,
                "device_type": "phone",
                "seal_number": f"S-{reference}",
                "seized_at": (datetime.now(UTC) - timedelta(hours=1)).isoformat(),
                "seized_from": "1 Test Street",
            },
        )
        assert answer.status_code == 201, answer.text
        ids[reference] = answer.json()["id"]
    for reference in ("GW/EX/1", "GW/EX/2"):  # handed to the examiner; EX/3 stays with gwent.inv
        handed = client.post(
            f"/api/v1/exhibits/{ids[reference]}/custody-events",
            headers=people["inv"],
            json={
                "handed_to": "gwent.exam",
                "at": datetime.now(UTC).isoformat(),
                "location": "Lab",
            },
        )
        assert handed.status_code == 201, handed.text
    with unit_of_work(make_session_factory(engine)) as session:
        store_triage_run(session, "GW/EX/2")
    work = client.get("/api/v1/my-work", headers=people["exam"]).json()
    assert [e["reference"] for e in work["exhibits"]] == ["GW/EX/1"]
    assert work["exhibits"][0]["holder"] == "gwent.exam"
    assert client.get("/api/v1/my-work", headers=people["inv"]).json()["exhibits"] == []


def test_an_exhibit_defaults_to_the_cases_one_executed_warrant(
    client: TestClient, people: dict[str, Headers]
) -> None:
    h = people["inv"]
    case = new_referral(client, h, "gwent")

    def exhibit(reference: str, **extra: object) -> dict[str, object]:
        answer = client.post(
            "/api/v1/exhibits",
            headers=h,
            json={
                "referral_id": case,
                "reference": reference,
                "device_type": "laptop",
                "seal_number": f"S-{reference}",
                "seized_at": datetime.now(UTC).isoformat(),
                "seized_from": "1 Test Street",
                **extra,
            },
        )
        assert answer.status_code == 201, answer.text
        found: dict[str, object] = answer.json()
        return found

    assert exhibit("GW/W/0")["warrant_id"] is None  # no warrant yet
    warrant = client.post(
        "/api/v1/warrants", headers=h, json={"referral_id": case, "premises": "1 Test Street"}
    ).json()["id"]
    decided = client.post(
        f"/api/v1/warrants/{warrant}/decision",
        headers=h,
        json={"granted": True, "at": datetime.now(UTC).isoformat(), "court": "Test Court"},
    )
    assert decided.status_code == 200, decided.text
    assert exhibit("GW/W/1")["warrant_id"] is None  # granted, not executed
    executed = client.post(
        f"/api/v1/warrants/{warrant}/execution",
        headers=h,
        json={"at": datetime.now(UTC).isoformat(), "result": "devices-seized"},
    )
    assert executed.status_code == 200, executed.text
    assert exhibit("GW/W/2")["warrant_id"] == warrant
    assert exhibit("GW/W/3", warrant_id=None)["warrant_id"] is None  # said so: none
    page = client.get(f"/operation/warrants/{warrant}", headers=h).text
    assert "GW/W/2" in page
    assert "GW/W/3" not in page


def test_the_case_page_and_my_work_page_forms(
    client: TestClient, people: dict[str, Headers]
) -> None:
    inv, sup = people["inv"], people["sup"]
    case = new_referral(client, inv, "gwent")
    page = f"/operation/referrals/{case}"
    assert client.post(f"{page}/owner", headers=inv, data={"owner": "gwent.inv"}).status_code == 403
    given = client.post(
        f"{page}/owner", headers=sup, data={"owner": "gwent.inv"}, follow_redirects=False
    )
    assert given.status_code == 303
    assert "notice=Owner" in given.headers["location"]
    wrong = client.post(
        f"{page}/owner", headers=sup, data={"owner": "south.inv"}, follow_redirects=False
    )
    assert "error=owner" in wrong.headers["location"]
    added = client.post(
        f"{page}/actions",
        headers=inv,
        data={"title": "Visit the address", "due_on": TODAY.isoformat()},
        follow_redirects=False,
    )
    assert added.status_code == 303
    assert "error=" not in added.headers["location"]
    bad_date = client.post(
        f"{page}/actions",
        headers=inv,
        data={"title": "x", "due_on": "soon"},
        follow_redirects=False,
    )
    assert "error=due_on" in bad_date.headers["location"]
    shown = client.get(page, headers=sup).text
    assert "Owner: <strong>gwent.inv</strong>" in shown
    assert "Visit the address" in shown
    assert 'id="case_owner"' in shown  # the supervisor may assign
    assert 'id="case_owner"' not in client.get(page, headers=inv).text
    work = client.get("/operation/my-work", headers=inv).text
    assert "Visit the address" in work
    assert "today" in work
    action_id = client.get(f"/api/v1/referrals/{case}/actions", headers=inv).json()[0]["id"]
    done = client.post(
        f"/operation/actions/{action_id}",
        headers=inv,
        data={"state": "done", "back": "my-work"},
        follow_redirects=False,
    )
    assert done.headers["location"].startswith("/operation/my-work?notice=Action+done")
    assert "Visit the address" not in client.get("/operation/my-work", headers=inv).text
    south = client.post(
        f"/operation/actions/{action_id}", headers=people["south"], data={"state": "open"}
    )
    assert south.status_code == 404
    assert client.get("/operation/my-work", headers=people["helpline"]).status_code == 403


def test_a_closed_case_is_read_only_for_its_owner_and_actions_until_reopened(
    client: TestClient, people: dict[str, Headers]
) -> None:
    inv, sup = people["inv"], people["sup"]
    case = new_referral(client, inv, "gwent")
    url = f"/api/v1/referrals/{case}/actions"
    open_one = client.post(url, headers=inv, json={"title": "Tidy up", "due_on": TODAY.isoformat()})
    assert open_one.status_code == 201
    action_url = f"/api/v1/actions/{open_one.json()['id']}"
    owner_url = f"/api/v1/referrals/{case}/owner"
    assert client.put(owner_url, headers=sup, json={"username": "gwent.inv"}).status_code == 200
    closed = client.post(
        "/api/v1/outcomes",
        headers=inv,
        json={
            "referral_id": case,
            "kind": "no-further-action",
            "decided_at": datetime.now(UTC).isoformat(),
        },
    )
    assert closed.status_code == 201, closed.text
    # closed = read-only: no new action, no change to an action (finishing it included), no
    # change of owner (giving one or taking it away); each a 409 saying the case is closed
    refusals = [
        client.post(url, headers=inv, json={"title": "More", "due_on": TODAY.isoformat()}),
        client.patch(action_url, headers=inv, json={"state": "done"}),
        client.patch(action_url, headers=sup, json={"assignee": "gwent.sup"}),
        client.put(owner_url, headers=sup, json={"username": "gwent.sup"}),
        client.put(owner_url, headers=sup, json={"username": None}),
    ]
    for refused in refusals:
        assert refused.status_code == 409, refused.text
        assert "is closed" in refused.json()["detail"]
    assert client.get(action_url, headers=inv).json()["state"] == "open"
    assert client.get(owner_url, headers=inv).json()["username"] == "gwent.inv"
    # a closed case is nobody's open work: neither its case nor its open action is listed
    mine = client.get("/api/v1/my-work", headers=inv).json()
    assert mine["cases"] == []
    assert open_one.json()["id"] not in [a["id"] for a in mine["actions"]]
    # reopened (with a reason), it is writable again and back in My work
    reopened = client.post(
        f"/api/v1/referrals/{case}/reopen", headers=sup, json={"reason": "new evidence"}
    )
    assert reopened.status_code == 200, reopened.text
    mine = client.get("/api/v1/my-work", headers=inv).json()
    assert [c["id"] for c in mine["cases"]] == [case]
    assert open_one.json()["id"] in [a["id"] for a in mine["actions"]]
    done = client.patch(action_url, headers=inv, json={"state": "done"})
    assert done.status_code == 200, done.text
    assert client.put(owner_url, headers=sup, json={"username": "gwent.sup"}).status_code == 200
