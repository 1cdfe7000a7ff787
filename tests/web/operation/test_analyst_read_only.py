"""The analyst reads every force's cases (for the figures, evaluation and exports) and writes
none: every casework write answers 403 (API and page forms, audited as refused), the pages show
no form to record or correct, and no case or action can be given to an analyst. The other police
roles still write. SQLite and PostgreSQL."""

from __future__ import annotations

import re
from datetime import UTC, datetime

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine

from netsafe.platform.audit import AuditQuery
from netsafe.platform.roles import Role
from netsafe.settings import Settings
from netsafe.store.engine import make_session_factory, unit_of_work
from netsafe.store.repositories.audit import SqlAuditRepository
from tests.web.trust_support import Headers, bearer, new_referral, new_subject

TODAY = datetime.now(UTC).date()


@pytest.fixture
def people(engine: Engine, settings: Settings) -> dict[str, Headers]:
    return {
        "inv": bearer(engine, settings, "gwent.inv", "gwent", Role.INVESTIGATOR),
        "sup": bearer(engine, settings, "gwent.sup", "gwent", Role.SUPERVISOR),
        "analyst": bearer(engine, settings, "ru.analyst", "regional-unit", Role.ANALYST),
    }


def _post_form(client: TestClient, path: str, headers: Headers, data: dict[str, str]) -> int:
    answer = client.post(path, headers=headers, data=data, follow_redirects=False)
    return answer.status_code


def test_an_analyst_reads_cases_and_every_write_is_refused(
    client: TestClient, people: dict[str, Headers], engine: Engine
) -> None:
    analyst = people["analyst"]
    case = new_referral(client, people["inv"], "gwent")
    subject = new_subject(client, people["inv"], case)
    assert client.get(f"/api/v1/referrals/{case}", headers=analyst).status_code == 200
    assert client.get(f"/api/v1/subjects/{subject}", headers=analyst).status_code == 200
    writes = [
        ("POST", "/api/v1/referrals", {"source": "partner", "force": "gwent", "summary": "x"}),
        ("POST", "/api/v1/subjects", {"referral_id": case, "display_name": "Sam Synthetic"}),
        ("POST", "/api/v1/warrants", {"referral_id": case, "premises": "1 Example Street"}),
        ("PATCH", f"/api/v1/subjects/{subject}", {"notes": "changed", "reason": "typo"}),
        ("POST", f"/api/v1/subjects/{subject}/withdraw", {"reason": "entered in error"}),
        ("PUT", f"/api/v1/referrals/{case}/restriction", {"usernames": ["ru.analyst"]}),
        (
            "POST",
            f"/api/v1/referrals/{case}/actions",
            {"title": "Check", "due_on": TODAY.isoformat(), "assignee": "gwent.inv"},
        ),
    ]
    for method, path, body in writes:
        answer = client.request(method, path, headers=analyst, json=body)
        assert answer.status_code == 403, f"{method} {path}: {answer.text}"
        assert "analyst role may not do this" in answer.text
    page_writes = [
        (f"/operation/referrals/{case}/subjects", {"display_name": "Sam Synthetic"}),
        (f"/operation/subjects/{subject}/withdraw", {"reason": "entered in error"}),
        ("/operation/referrals/new", {"source": "partner", "force": "gwent", "summary": "x"}),
    ]
    for path, data in page_writes:
        assert _post_form(client, path, analyst, data) == 403, path
    with unit_of_work(make_session_factory(engine)) as session:
        query = AuditQuery(actor="ru.analyst", action="access.denied", limit=100)
        refused = SqlAuditRepository(session).query(query)
    assert len(refused) == len(writes) + len(page_writes)
    subjects = client.get(f"/api/v1/referrals/{case}", headers=analyst).json()
    assert subjects["status"] == "new"  # nothing changed
    # the investigator still writes
    assert new_subject(client, people["inv"], case) > subject


def test_the_pages_show_an_analyst_no_form_to_record_or_correct(
    client: TestClient, people: dict[str, Headers]
) -> None:
    case = new_referral(client, people["inv"], "gwent")
    subject = new_subject(client, people["inv"], case)
    pages = [
        f"/operation/referrals/{case}",
        f"/operation/subjects/{subject}/history",
        "/operation",
        "/operation/queue",
    ]
    for path in pages:
        theirs = client.get(path, headers=people["analyst"])
        assert theirs.status_code == 200, path
        posts = [
            action
            for action in _post_actions(theirs.text)
            if action != "/logout"  # the header's log-out button
        ]
        assert posts == [], f"{path} offers an analyst {posts}"
        assert 'href="/operation/referrals/new"' not in theirs.text
    mine = client.get(f"/operation/referrals/{case}", headers=people["inv"]).text
    assert f"/operation/referrals/{case}/subjects" in _post_actions(mine)
    assert 'id="edit-incident"' in mine
    # the pages that are only a form to record: refused
    for form in ("/operation/referrals/new", f"/operation/referrals/{case}/incident"):
        assert client.get(form, headers=people["analyst"]).status_code == 403, form
        assert client.get(form, headers=people["inv"]).status_code == 200, form


def _post_actions(page: str) -> list[str]:
    return re.findall(r'<form method="post" action="([^"]+)"', page)


@pytest.mark.parametrize("field", ["owner", "assignee"])
def test_no_case_or_action_goes_to_an_analyst(
    client: TestClient, people: dict[str, Headers], field: str
) -> None:
    case = new_referral(client, people["inv"], "gwent")
    if field == "owner":
        answer = client.put(
            f"/api/v1/referrals/{case}/owner",
            headers=people["sup"],
            json={"username": "ru.analyst"},
        )
    else:
        answer = client.post(
            f"/api/v1/referrals/{case}/actions",
            headers=people["inv"],
            json={"title": "Check", "due_on": TODAY.isoformat(), "assignee": "ru.analyst"},
        )
    assert answer.status_code == 422, answer.text
    assert answer.json()["detail"][0]["loc"][-1] == field


def test_the_regional_units_analyst_reads_intake_and_imports_nothing(
    client: TestClient, people: dict[str, Headers]
) -> None:
    analyst = people["analyst"]
    page = client.get("/intake", headers=analyst)
    assert page.status_code == 200
    assert _post_actions(page.text) == ["/logout"]
    answer = client.post(
        "/api/v1/referrals/import",
        headers={**analyst, "Content-Type": "application/json"},
        content=b"{}",
    )
    assert answer.status_code == 403, answer.text
