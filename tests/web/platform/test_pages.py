"""The web shell: audit API scoping and paging, the Admin page, report a concern, the lookup
API, and the demo accounts."""

from __future__ import annotations

import io
from datetime import UTC, datetime
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from PIL import Image
from sqlalchemy import Engine

from netsafe.operation.referrals import ReferralSource
from netsafe.platform.agencies import ensure_agencies
from netsafe.platform.demo_users import (
    DEMO_ACCOUNTS,
    DEMO_PASSWORD,
    DemoRefusedError,
    ensure_demo_users,
)
from netsafe.platform.roles import Role
from netsafe.settings import Settings
from netsafe.signals.fingerprint import fingerprint_stream
from netsafe.store.engine import make_session_factory, unit_of_work
from netsafe.store.repositories.agencies import SqlAgencyRepository
from netsafe.store.repositories.operation_referrals import SqlReferralRepository
from netsafe.store.repositories.users import SqlUserRepository
from netsafe.web.csrf import CSRF_COOKIE, token_for
from tests.cli_runner import run_cli
from tests.platform.platform_helpers import PASSWORD, add_user


def bearer(client: TestClient, username: str, password: str = PASSWORD) -> dict[str, str]:
    response = client.post("/api/v1/auth/token", data={"username": username, "password": password})
    assert response.status_code == 200, response.text
    return {"Authorization": f"Bearer {response.json()['access_token']}"}


def log_in(client: TestClient, settings: Settings, username: str) -> str:
    """Log in through the page; returns the CSRF token for further forms."""
    client.get("/login")
    cookie = client.cookies.get(CSRF_COOKIE)
    assert cookie
    csrf = token_for(settings.secret_key, cookie)
    form = {"username": username, "password": PASSWORD, "csrf_token": csrf}
    assert client.post("/login", data=form).status_code == 303
    return csrf


def test_supervisors_see_their_own_agencys_audit_events(client: TestClient, engine: Engine) -> None:
    add_user(engine, "sup.gwent", role=Role.SUPERVISOR)
    add_user(engine, "inv.sw", agency="south-wales")
    add_user(engine, "lead", agency="regional-unit", role=Role.OPERATION_LEAD)
    bearer(client, "inv.sw")  # a south-wales event
    sup = client.get("/api/v1/audit", headers=bearer(client, "sup.gwent")).json()
    assert {item["actor_agency"] for item in sup["items"]} == {"gwent"}
    everything = client.get("/api/v1/audit", headers=bearer(client, "lead")).json()
    agencies = {item["actor_agency"] for item in everything["items"]}
    assert {"gwent", "south-wales"} <= agencies


def test_audit_api_filters_and_pages(client: TestClient, engine: Engine) -> None:
    add_user(engine, "lead", agency="regional-unit", role=Role.OPERATION_LEAD)
    headers = bearer(client, "lead")
    for _ in range(4):
        bearer(client, "lead")
    first = client.get("/api/v1/audit?action=auth.token&limit=2", headers=headers).json()
    assert len(first["items"]) == 2
    assert [i["action"] for i in first["items"]] == ["auth.token", "auth.token"]
    seqs = [i["seq"] for i in first["items"]]
    assert seqs == sorted(seqs, reverse=True)
    after = client.get(
        f"/api/v1/audit?action=auth.token&limit=2&before={first['next_before']}", headers=headers
    ).json()
    assert max(i["seq"] for i in after["items"]) < min(seqs)
    assert client.get("/api/v1/audit?limit=501", headers=headers).status_code == 422


def test_admin_creates_disables_and_resets_users(
    client: TestClient, engine: Engine, settings: Settings
) -> None:
    add_user(engine, "root", agency="regional-unit", role=Role.ADMIN)
    csrf = log_in(client, settings, "root")
    page = client.get("/admin")
    assert page.status_code == 200
    assert "Create a user" in page.text
    created = client.post(
        "/admin/users",
        data={
            "username": "new.officer",
            "agency": "dyfed-powys",
            "role": "examiner",
            "password": "a long enough password",
            "csrf_token": csrf,
        },
    )
    assert created.status_code == 200
    assert "Created new.officer" in created.text
    with unit_of_work(make_session_factory(engine)) as session:
        user = SqlUserRepository(session).by_username("new.officer")
    assert user is not None
    assert user.role is Role.EXAMINER
    disabled = client.post(f"/admin/users/{user.id}/disable", data={"csrf_token": csrf})
    assert "Disabled new.officer" in disabled.text
    reset = client.post(f"/admin/users/{user.id}/reset", data={"csrf_token": csrf})
    assert "New password for new.officer" in reset.text
    bad = client.post(
        "/admin/users",
        data={"username": "x y", "agency": "gwent", "role": "examiner", "password": "p" * 12}
        | {"csrf_token": csrf},
    )
    assert bad.status_code == 422


def test_report_a_concern_creates_a_public_report_referral(
    client: TestClient, engine: Engine, settings: Settings
) -> None:
    with unit_of_work(make_session_factory(engine)) as session:
        ensure_agencies(SqlAgencyRepository(session))
    page = client.get("/report")
    assert page.status_code == 200
    assert 'type="file"' not in page.text
    csrf = token_for(settings.secret_key, client.cookies[CSRF_COOKIE])
    form = {
        "url": "https://example.org/some/page",
        "description": "A page showing something that worried me (synthetic test).",
        "csrf_token": csrf,
    }
    response = client.post("/report", data=form)
    assert response.status_code == 201
    assert "NS-" in response.text
    with unit_of_work(make_session_factory(engine)) as session:
        referral = SqlReferralRepository(session).get(1)
    assert referral is not None
    assert referral.source is ReferralSource.PUBLIC_REPORT
    assert referral.force == "regional-unit"
    assert referral.incident.identifiers[0].value == "https://example.org/some/page"
    assert referral.created_by is None


def test_report_a_concern_refuses_bad_input_files_and_floods(
    client: TestClient, engine: Engine, settings: Settings
) -> None:
    with unit_of_work(make_session_factory(engine)) as session:
        ensure_agencies(SqlAgencyRepository(session))
    client.get("/report")
    csrf = token_for(settings.secret_key, client.cookies[CSRF_COOKIE])
    bad_url = {"url": "javascript:alert(1)", "description": "long enough text", "csrf_token": csrf}
    assert client.post("/report", data=bad_url).status_code == 422
    upload = client.post(
        "/report",
        data={"url": "https://example.org/", "description": "long enough", "csrf_token": csrf},
        files={"file": ("x.jpg", b"not really an image", "image/jpeg")},
    )
    assert upload.status_code == 415
    good = {"url": "https://example.org/", "description": "long enough text", "csrf_token": csrf}
    answers = [client.post("/report", data=good) for _ in range(7)]
    statuses = [answer.status_code for answer in answers]
    assert 429 in statuses
    assert statuses.count(201) <= 5
    limited = answers[statuses.index(429)]
    # other routes, as plain links: 999, CEOP, the IWF (nothing counted, no referrer sent)
    assert limited.headers["retry-after"].isdigit()
    routes = limited.text.split('id="other-routes"', 1)[1].split("</ul>", 1)[0]
    for link in (
        'href="tel:999"',
        'href="https://www.ceop.police.uk/Safety-Centre/" rel="noreferrer noopener"',
        'href="https://report.iwf.org.uk/" rel="noreferrer noopener"',
    ):
        assert link in routes, link
    assert "data-funnel" not in limited.text
    assert "<script" not in limited.text.split("<main", 1)[1]


def _image_bytes() -> bytes:
    image = Image.new("RGB", (64, 64))
    image.putdata(
        [((x * 4) % 256, (y * 4) % 256, ((x + y) * 2) % 256) for y in range(64) for x in range(64)]
    )
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    return buffer.getvalue()


def test_lookup_matches_hashes_and_files_against_the_lists(
    client: TestClient,
    engine: Engine,
    settings: Settings,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    add_user(engine, "inv")
    data = _image_bytes()
    fp = fingerprint_stream(io.BytesIO(data), path="generated.png")
    listed = tmp_path / "list.txt"
    listed.write_text(f"{fp.sha256}\n", encoding="utf-8")
    for name, value in {
        "NETSAFE_HOME": str(settings.home),
        "NETSAFE_DATABASE_URL": settings.sqlalchemy_url,
        "NETSAFE_ENV": "test",
        "NETSAFE_SECRET_KEY": settings.secret_key,
    }.items():
        monkeypatch.setenv(name, value)
    imported = run_cli(
        capsys,
        monkeypatch,
        "hashlist",
        "import",
        str(listed),
        "--name",
        "test-list",
        "--format",
        "plain",
        "--action",
        "alert",
    )
    assert imported.exit_code == 0, imported.stderr
    headers = bearer(client, "inv")
    query = {"hashes": [{"type": "sha256", "value": fp.sha256}, {"type": "md5", "value": "0" * 32}]}
    answer = client.post("/api/v1/lookup", json=query, headers=headers)
    assert answer.status_code == 200, answer.text
    hit, miss = answer.json()["results"]
    assert [m["list"] for m in hit["matches"]] == ["test-list"]
    assert hit["matches"][0]["distance"] == 0
    assert miss["matches"] == []
    uploaded = client.post(
        "/api/v1/lookup", files={"file": ("a.png", data, "image/png")}, headers=headers
    )
    assert uploaded.status_code == 200, uploaded.text
    body = uploaded.json()
    assert body["file"]["sha256"] == fp.sha256
    assert body["file"]["pdq"] == fp.pdq
    assert [m["list"] for m in body["matches"]] == ["test-list"]
    bad = client.post(
        "/api/v1/lookup", json={"hashes": [{"type": "md5", "value": "z" * 32}]}, headers=headers
    )
    assert bad.status_code == 422


def test_demo_users_one_per_role_and_agency_and_refused_in_production(engine: Engine) -> None:
    with unit_of_work(make_session_factory(engine)) as session:
        ensure_agencies(SqlAgencyRepository(session))
        users, agencies = SqlUserRepository(session), SqlAgencyRepository(session)
        now = datetime.now(UTC)
        with pytest.raises(DemoRefusedError):
            ensure_demo_users(users, agencies, environment="production", now=now)
        created = ensure_demo_users(users, agencies, environment="development", now=now)
        assert len(created) == len(DEMO_ACCOUNTS)
        assert {u.role for u in created} == set(Role)
        assert ensure_demo_users(users, agencies, environment="development", now=now) == []
        names = {u.username for u in created}
    assert {"investigator.gwent", "admin.regional-unit", "helpline.charity"} <= names
    assert len(DEMO_PASSWORD) >= 12


def test_the_menu_follows_the_declared_policies(
    client: TestClient, engine: Engine, settings: Settings
) -> None:
    add_user(engine, "inv")
    add_user(engine, "root", agency="regional-unit", role=Role.ADMIN)
    log_in(client, settings, "inv")
    menu = client.get("/login").text
    assert 'href="/operation"' in menu
    assert 'href="/audit"' not in menu
    assert 'href="/admin"' not in menu
    client.cookies.clear()
    log_in(client, settings, "root")
    menu = client.get("/admin").text
    assert 'href="/audit"' in menu
    assert 'href="/admin" aria-current="page"' in menu
    assert 'href="/operation"' not in menu
