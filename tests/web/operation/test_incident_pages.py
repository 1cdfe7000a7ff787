"""The case page's incident-details form and its restriction form (and the API's incident PUT):
what is saved, what is shown, the errors that keep the typed values, who may use them, audit."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine, select

from netsafe.operation.referrals import IdentifierKind, Referral, ReportedFile
from netsafe.platform.roles import Role
from netsafe.settings import Settings
from netsafe.store.engine import make_session_factory, unit_of_work
from netsafe.store.models.platform import AuditRow
from netsafe.store.repositories.operation_referrals import SqlReferralRepository
from netsafe.web.operation.forms import FormError
from netsafe.web.operation.pages_incident import parse_files
from tests.web.support import bearer_headers

MD5 = "0123456789abcdef0123456789abcdef"
SHA1 = "0123456789abcdef0123456789abcdef01234567"
SHA256 = "ab" * 32


def bearer(engine: Engine, settings: Settings, username: str, agency: str) -> dict[str, str]:
    return bearer_headers(engine, settings, Role.INVESTIGATOR, agency, username=username)


def new_case(client: TestClient, headers: dict[str, str]) -> int:
    form = {"source": "national-referral", "force": "gwent", "summary": "Synthetic referral"}
    response = client.post("/operation/referrals/new", headers=headers, data=form)
    assert response.status_code == 303
    return int(response.headers["location"].split("?")[0].rsplit("/", 1)[1])


def stored(engine: Engine, referral_id: int) -> Referral:
    with unit_of_work(make_session_factory(engine)) as session:
        referral = SqlReferralRepository(session).get(referral_id)
    assert referral is not None
    return referral


def audited(engine: Engine, action: str) -> list[tuple[str | None, str, str | None]]:
    with unit_of_work(make_session_factory(engine)) as session:
        rows = session.execute(
            select(AuditRow.resource_id, AuditRow.outcome, AuditRow.detail).where(
                AuditRow.action == action
            )
        )
        return [(r.resource_id, r.outcome, r.detail) for r in rows]


def test_parse_files_reads_names_and_hashes_by_length() -> None:
    text = f"holiday photo 01.jpg  {MD5} {SHA256}\n\n{SHA1}\nreport, final.pdf,{MD5}\nnotes.txt\n"
    assert parse_files(text) == (
        ReportedFile("holiday photo 01.jpg", MD5, None, SHA256),
        ReportedFile("", None, SHA1, None),
        ReportedFile("report, final.pdf", MD5, None, None),
        ReportedFile("notes.txt", None, None, None),
    )
    # a hash in the wrong form is refused naming its line, never kept as part of the name
    for wrong in (
        "a.jpg " + "f" * 33,  # 33 hex digits: no algorithm's length
        "a.jpg " + MD5[:-1],  # an MD5 short of a digit
        "a.jpg " + SHA1[:-1] + "g",  # a SHA-1's length, not hex
        f"a.jpg {MD5} {MD5}",  # two MD5s
        f"{MD5} a.jpg",  # the hash before the name
    ):
        with pytest.raises(FormError, match="files line 2"):
            parse_files("ok.jpg\n" + wrong)
    # a short hex word (under 16 digits) is part of the name
    assert parse_files("IMG 20261120")[0].file_name == "IMG 20261120"
    with pytest.raises(FormError, match="files line 2"):
        parse_files("ok.jpg\n" + "x" * 501)


def test_incident_details_entered_and_edited_on_the_pages(
    client: TestClient, engine: Engine, settings: Settings
) -> None:
    h = bearer(engine, settings, "gw.inv", "gwent")
    case = new_case(client, h)
    page = client.get(f"/operation/referrals/{case}", headers=h)
    assert f'href="/operation/referrals/{case}/incident"' in page.text
    form_page = client.get(f"/operation/referrals/{case}/incident", headers=h)
    assert form_page.status_code == 200
    assert '<label for="incident_type">' in form_page.text
    assert form_page.text.count('name="identifier_value"') == 3  # three blank rows
    data = {
        "incident_type": "possession",
        "incident_at": "2026-11-20T22:04",
        "identifier_kind": ["account", "ip-address", "account"],
        "identifier_value": ["synthetic.user.7", "192.0.2.10", ""],
        "files": f"img_0001.jpg {MD5} {SHA256}\n{SHA1}\n",
    }
    saved = client.post(f"/operation/referrals/{case}/incident", headers=h, data=data)
    assert saved.status_code == 303, saved.text
    assert "error=" not in saved.headers["location"]
    incident = stored(engine, case).incident
    assert incident.incident_type == "possession"
    assert incident.incident_at is not None
    assert incident.incident_at.isoformat() == "2026-11-20T22:04:00+00:00"
    assert [(i.kind, i.value) for i in incident.identifiers] == [
        (IdentifierKind.ACCOUNT, "synthetic.user.7"),
        (IdentifierKind.IP_ADDRESS, "192.0.2.10"),
    ]
    assert incident.files == (
        ReportedFile("img_0001.jpg", MD5, None, SHA256),
        ReportedFile("", None, SHA1, None),
    )
    case_page = client.get(f"/operation/referrals/{case}", headers=h).text
    assert "synthetic.user.7" in case_page
    assert SHA256 in case_page
    assert "Edit incident details" in case_page

    again = client.get(f"/operation/referrals/{case}/incident", headers=h).text
    assert 'value="possession"' in again
    assert 'value="2026-11-20T22:04"' in again
    assert f"img_0001.jpg  {MD5}  {SHA256}" in again
    assert again.count('name="identifier_value"') == 5  # two rows kept, three blank

    bad = {**data, "identifier_value": ["synthetic.user.8", "not-an-ip", ""]}
    refused = client.post(f"/operation/referrals/{case}/incident", headers=h, data=bad)
    assert refused.status_code == 422
    assert "not an IP address" in refused.text
    assert 'value="synthetic.user.8"' in refused.text  # what was typed is kept
    assert stored(engine, case).incident == incident  # nothing saved
    bad_time = {**data, "incident_at": "yesterday"}
    refused = client.post(f"/operation/referrals/{case}/incident", headers=h, data=bad_time)
    assert refused.status_code == 422
    assert "incident_at" in refused.text

    cleared = {"incident_type": "", "incident_at": "", "files": ""}
    assert client.post(f"/operation/referrals/{case}/incident", headers=h, data=cleared).is_redirect
    assert stored(engine, case).incident.files == ()
    assert audited(engine, "referral.incident") == [
        (str(case), "ok", "2 identifiers, 2 files"),
        (str(case), "ok", "0 identifiers, 0 files"),
    ]


def test_another_forces_user_cannot_see_or_edit_the_incident(
    client: TestClient, engine: Engine, settings: Settings
) -> None:
    h = bearer(engine, settings, "gw.inv", "gwent")
    other = bearer(engine, settings, "sw.inv", "south-wales")
    case = new_case(client, h)
    url = f"/operation/referrals/{case}/incident"
    assert client.get(url, headers=other).status_code == 404
    response = client.post(url, headers=other, data={"incident_type": "x"})
    assert response.status_code == 404
    assert stored(engine, case).incident.incident_type is None


def test_a_case_restricted_and_lifted_on_the_case_page(
    client: TestClient, engine: Engine, settings: Settings
) -> None:
    h = bearer(engine, settings, "gw.inv", "gwent")
    colleague = bearer(engine, settings, "gw.colleague", "gwent")
    outsider = bearer(engine, settings, "gw.other", "gwent")
    case = new_case(client, h)
    url = f"/operation/referrals/{case}/restriction"
    page = client.get(f"/operation/referrals/{case}", headers=h).text
    assert '<label for="restrict_usernames">' in page
    assert "Not restricted" in page

    unknown = client.post(url, headers=h, data={"usernames": "gw.colleague nobody.here"})
    assert "no+such+user" in unknown.headers["location"]
    assert stored(engine, case).restricted_to == ()
    empty = client.post(url, headers=h, data={"usernames": " "})
    assert "error=" in empty.headers["location"]

    done = client.post(url, headers=h, data={"usernames": "gw.colleague"})
    assert done.status_code == 303
    assert "error=" not in done.headers["location"]
    assert stored(engine, case).restricted_to == ("gw.colleague", "gw.inv")
    assert client.get(f"/operation/referrals/{case}", headers=colleague).status_code == 200
    assert client.get(f"/operation/referrals/{case}", headers=outsider).status_code == 404
    assert client.post(url, headers=outsider, data={"lift": "yes"}).status_code == 404
    page = client.get(f"/operation/referrals/{case}", headers=h).text
    assert "Restricted: only gw.colleague, gw.inv" in page
    assert "Lift restriction" in page

    lifted = client.post(url, headers=colleague, data={"lift": "yes"})
    assert lifted.status_code == 303
    assert stored(engine, case).restricted_to == ()
    assert client.get(f"/operation/referrals/{case}", headers=outsider).status_code == 200
    assert audited(engine, "referral.restrict") == [
        (str(case), "ok", "gw.colleague,gw.inv"),
        (str(case), "ok", ""),
    ]
    assert (str(case), "denied", f"referral {case} not found") in audited(engine, "referral.access")


def test_the_api_replaces_incident_details(
    client: TestClient, engine: Engine, settings: Settings
) -> None:
    h = bearer(engine, settings, "gw.inv", "gwent")
    other = bearer(engine, settings, "sw.inv", "south-wales")
    case = new_case(client, h)
    body = {
        "incident_type": "distribution",
        "incident_at": "2026-11-21T08:00:00Z",
        "identifiers": [{"kind": "email", "value": "someone@example.org"}],
        "files": [{"file_name": "a.jpg", "md5": MD5.upper()}],
    }
    url = f"/api/v1/referrals/{case}/incident"
    answer = client.put(url, headers=h, json=body)
    assert answer.status_code == 200, answer.text
    assert answer.json()["incident"]["files"][0]["md5"] == MD5
    assert client.put(url, headers=other, json=body).status_code == 404
    bad = {**body, "files": [{"file_name": "a.jpg", "md5": "123"}]}
    assert client.put(url, headers=h, json=bad).status_code == 422
    assert stored(engine, case).incident.identifiers[0].value == "someone@example.org"
