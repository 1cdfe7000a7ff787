"""Sessions and account security from the web: logout revokes the session server-side, the
public report limit is shared through the database, TOTP enrolment on the Account page and the
admin's TOTP reset."""

from __future__ import annotations

import re

import pyotp
from fastapi.testclient import TestClient
from sqlalchemy import Engine, select

from netsafe.platform.roles import Role
from netsafe.platform.users import enrol_totp
from netsafe.settings import Settings
from netsafe.store.engine import make_session_factory, unit_of_work
from netsafe.store.models.platform import AuditRow, ReportRateRow
from netsafe.store.repositories.users import SqlUserRepository
from netsafe.web.app import create_app
from netsafe.web.csrf import CSRF_COOKIE, token_for
from netsafe.web.rate_limit import ReportRateLimit
from netsafe.web.tokens import SESSION_COOKIE
from tests.platform.platform_helpers import PASSWORD, add_user


def csrf(client: TestClient, settings: Settings) -> str:
    client.get("/login")
    cookie = client.cookies.get(CSRF_COOKIE)
    assert cookie
    return token_for(settings.secret_key, cookie)


def log_in(client: TestClient, settings: Settings, username: str, **extra: str) -> str:
    """Log in through the page; returns the CSRF token for further forms."""
    token = csrf(client, settings)
    form = {"username": username, "password": PASSWORD, "csrf_token": token, **extra}
    response = client.post("/login", data=form)
    assert response.status_code == 303, response.text
    return token


def audit_actions(engine: Engine) -> list[tuple[str, str | None, str]]:
    with unit_of_work(make_session_factory(engine)) as session:
        rows = session.execute(select(AuditRow.action, AuditRow.resource_id, AuditRow.outcome))
        return [(r.action, r.resource_id, r.outcome) for r in rows]


def test_a_cookie_replayed_after_logout_is_refused(
    client: TestClient, engine: Engine, settings: Settings
) -> None:
    add_user(engine, "sup", role=Role.SUPERVISOR)
    token = log_in(client, settings, "sup")
    cookie = client.cookies.get(SESSION_COOKIE)
    assert cookie
    assert client.get("/audit").status_code == 200
    assert client.post("/logout", data={"csrf_token": token}).status_code == 303
    # An attacker (or a forgotten tab) still holding the signed, unexpired cookie:
    replay = TestClient(client.app, follow_redirects=False)
    replay.cookies.set(SESSION_COOKIE, cookie)
    page = replay.get("/audit")
    assert page.status_code == 303
    assert page.headers["location"].startswith("/login")
    assert replay.get("/api/v1/audit").status_code == 401
    # Logging in again gives a new session that works.
    log_in(client, settings, "sup")
    assert client.get("/audit").status_code == 200


def test_logout_leaves_bearer_tokens_alone(
    client: TestClient, engine: Engine, settings: Settings
) -> None:
    add_user(engine, "sup", role=Role.SUPERVISOR)
    form = {"username": "sup", "password": PASSWORD}
    bearer = client.post("/api/v1/auth/token", data=form).json()["access_token"]
    token = log_in(client, settings, "sup")
    assert client.post("/logout", data={"csrf_token": token}).status_code == 303
    headers = {"Authorization": f"Bearer {bearer}"}
    assert client.get("/api/v1/audit", headers=headers).status_code == 200


def _report(client: TestClient, settings: Settings) -> int:
    form = {
        "url": "https://example.org/a/page",
        "description": "A synthetic report for the rate limit test.",
        "csrf_token": csrf(client, settings),
    }
    status: int = client.post("/report", data=form).status_code
    return status


def test_the_report_limit_is_shared_by_two_app_instances(
    engine: Engine, settings: Settings
) -> None:
    add_user(engine, "someone")  # the agencies the reports go to
    limit = ReportRateLimit(limit=3, window_seconds=600, clock=lambda: 1_800_000_000.0)
    first, second = create_app(settings), create_app(settings)
    first.state.report_limit = second.state.report_limit = limit
    with (
        TestClient(first, follow_redirects=False) as one,
        TestClient(second, follow_redirects=False) as two,
    ):
        statuses = [_report(one, settings), _report(two, settings), _report(one, settings)]
        assert statuses == [201, 201, 201]
        assert _report(two, settings) == 429
        assert _report(one, settings) == 429
        # A third instance (a restarted worker) knows the count too.
        with TestClient(create_app(settings), follow_redirects=False) as restarted:
            restarted.app.state.report_limit = limit  # type: ignore[attr-defined]
            assert _report(restarted, settings) == 429
    with unit_of_work(make_session_factory(engine)) as session:
        rows = session.scalars(select(ReportRateRow)).all()
    assert len(rows) == 1
    assert rows[0].reports == 3
    assert re.fullmatch("[0-9a-f]{64}", rows[0].client_key)
    assert "testclient" not in rows[0].client_key


def test_the_report_limit_starts_again_in_the_next_window(
    engine: Engine, settings: Settings
) -> None:
    add_user(engine, "someone")
    now = [1_800_000_000.0]
    app = create_app(settings)
    app.state.report_limit = ReportRateLimit(limit=1, window_seconds=600, clock=lambda: now[0])
    with TestClient(app, follow_redirects=False) as client:
        assert _report(client, settings) == 201
        assert _report(client, settings) == 429
        now[0] += 600
        assert _report(client, settings) == 201
    with unit_of_work(make_session_factory(engine)) as session:
        windows = session.scalars(select(ReportRateRow.time_window)).all()
    assert windows == [int(now[0] // 600)]  # the past window's row is gone


def _enrolment(page: str) -> tuple[str, str]:
    secret = re.search(r'id="totp-secret" readonly value="([A-Z2-7]+)"', page)
    enrolment = re.search(r'name="enrolment" value="([^"]+)"', page)
    assert secret, page
    assert enrolment, page
    return secret.group(1), enrolment.group(1)


def test_a_user_enrols_totp_on_the_account_page(
    client: TestClient, engine: Engine, settings: Settings
) -> None:
    user = add_user(engine, "ann")
    token = log_in(client, settings, "ann")
    page = client.get("/account")
    assert page.status_code == 200
    assert "not enrolled" in page.text
    assert "otpauth://totp/NetSafe:ann?secret=" in page.text
    secret, enrolment = _enrolment(page.text)
    wrong = client.post(
        "/account/totp", data={"csrf_token": token, "enrolment": enrolment, "code": "000000"}
    )
    assert wrong.status_code == 422
    assert secret in wrong.text  # the same secret, to try again
    tampered = client.post(
        "/account/totp", data={"csrf_token": token, "enrolment": enrolment + "x", "code": "1"}
    )
    assert tampered.status_code == 422
    code = pyotp.TOTP(secret).now()
    done = client.post(
        "/account/totp", data={"csrf_token": token, "enrolment": enrolment, "code": code}
    )
    assert done.status_code == 200, done.text
    assert 'id="totp-state">enrolled' in done.text
    with unit_of_work(make_session_factory(engine)) as session:
        stored = SqlUserRepository(session).get(user.id)
    assert stored is not None
    assert stored.totp_secret == secret
    # The confirming code is used: it cannot log in again; the login now needs a code.
    other = TestClient(client.app, follow_redirects=False)
    form = {"username": "ann", "password": PASSWORD, "csrf_token": csrf(other, settings)}
    assert other.post("/login", data=form).status_code == 401
    assert other.post("/login", data={**form, "totp": code}).status_code == 401
    actions = audit_actions(engine)
    assert ("user.totp-enrol", str(user.id), "ok") in actions
    assert ("user.totp-enrol", str(user.id), "denied") in actions


def test_an_enrolment_form_is_bound_to_its_user(
    client: TestClient, engine: Engine, settings: Settings
) -> None:
    add_user(engine, "ann")
    add_user(engine, "bob")
    log_in(client, settings, "ann")
    secret, enrolment = _enrolment(client.get("/account").text)
    other = TestClient(client.app, follow_redirects=False)
    token = log_in(other, settings, "bob")
    data = {"csrf_token": token, "enrolment": enrolment, "code": pyotp.TOTP(secret).now()}
    assert other.post("/account/totp", data=data).status_code == 422


def test_an_admin_resets_a_users_totp(
    client: TestClient, engine: Engine, settings: Settings
) -> None:
    user = add_user(engine, "ann")
    add_user(engine, "root", agency="regional-unit", role=Role.ADMIN)
    with unit_of_work(make_session_factory(engine)) as session:
        enrol_totp(SqlUserRepository(session), "ann")
    token = log_in(client, settings, "root")
    admin = client.get("/admin")
    assert f"/admin/users/{user.id}/totp-reset" in admin.text
    done = client.post(f"/admin/users/{user.id}/totp-reset", data={"csrf_token": token})
    assert done.status_code == 200
    assert "Removed the second factor of ann" in done.text
    with unit_of_work(make_session_factory(engine)) as session:
        stored = SqlUserRepository(session).get(user.id)
    assert stored is not None
    assert stored.totp_secret is None
    assert ("user.totp-reset", str(user.id), "ok") in audit_actions(engine)
    # ann logs in with the password alone and may enrol again.
    other = TestClient(client.app, follow_redirects=False)
    log_in(other, settings, "ann")
    assert "otpauth://" in other.get("/account").text
