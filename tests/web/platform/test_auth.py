"""Web security: tokens, 401/403 shapes, TOTP and lockout over HTTP, session cookie flags, CSRF,
security headers and request ids."""

from __future__ import annotations

from datetime import UTC, datetime

import pyotp
import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine, select

from netsafe.platform.roles import Role
from netsafe.platform.users import enrol_totp, set_disabled
from netsafe.settings import Settings
from netsafe.store.engine import make_session_factory, unit_of_work
from netsafe.store.models.platform import AuditRow
from netsafe.store.repositories.users import SqlUserRepository
from netsafe.web.csrf import CSRF_COOKIE, token_for
from netsafe.web.landing import landing_page
from netsafe.web.tokens import SESSION_COOKIE
from tests.platform.platform_helpers import PASSWORD, add_user


def token(client: TestClient, username: str, password: str = PASSWORD, **extra: str) -> str:
    response = client.post(
        "/api/v1/auth/token", data={"username": username, "password": password, **extra}
    )
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["token_type"] == "bearer"
    assert body["expires_in"] == 3600
    return str(body["access_token"])


def csrf(client: TestClient, settings: Settings) -> str:
    client.get("/login")
    cookie = client.cookies.get(CSRF_COOKIE)
    assert cookie
    return token_for(settings.secret_key, cookie)


def audit_actions(engine: Engine) -> list[tuple[str, str, str]]:
    with unit_of_work(make_session_factory(engine)) as session:
        rows = session.execute(select(AuditRow.action, AuditRow.actor, AuditRow.outcome))
        return [(r.action, r.actor, r.outcome) for r in rows]


def test_token_then_a_protected_route(client: TestClient, engine: Engine) -> None:
    add_user(engine, "lead", agency="regional-unit", role=Role.OPERATION_LEAD)
    bearer = token(client, "lead")
    response = client.get("/api/v1/audit", headers={"Authorization": f"Bearer {bearer}"})
    assert response.status_code == 200
    assert ("auth.token", "lead", "ok") in audit_actions(engine)


@pytest.mark.parametrize(
    "headers",
    [{}, {"Authorization": "Bearer not-a-token"}, {"Authorization": "Basic dXNlcjpwYXNz"}],
    ids=["none", "forged", "wrong-scheme"],
)
def test_401_shape(client: TestClient, headers: dict[str, str]) -> None:
    response = client.get("/api/v1/audit", headers=headers)
    assert response.status_code == 401
    assert response.headers["WWW-Authenticate"] == "Bearer"
    assert isinstance(response.json()["detail"], str)


def test_wrong_password_is_401_and_audited(client: TestClient, engine: Engine) -> None:
    add_user(engine, "ann")
    response = client.post("/api/v1/auth/token", data={"username": "ann", "password": "wrong!"})
    assert response.status_code == 401
    assert response.json()["detail"] == "wrong username, password or code"
    assert ("auth.token", "anonymous", "denied") in audit_actions(engine)


def test_403_shape_and_the_refusal_is_audited(client: TestClient, engine: Engine) -> None:
    add_user(engine, "ann")
    bearer = token(client, "ann")
    response = client.get("/api/v1/audit", headers={"Authorization": f"Bearer {bearer}"})
    assert response.status_code == 403
    assert "investigator" in response.json()["detail"]
    assert ("access.denied", "ann", "denied") in audit_actions(engine)


def test_lockout_over_http(client: TestClient, engine: Engine) -> None:
    add_user(engine, "ann")
    for _ in range(5):
        bad = client.post("/api/v1/auth/token", data={"username": "ann", "password": "nope"})
        assert bad.status_code == 401
    locked = client.post("/api/v1/auth/token", data={"username": "ann", "password": PASSWORD})
    assert locked.status_code == 401
    assert locked.json()["detail"] == "wrong username, password or code"  # no enumeration


def test_totp_code_required_once_enrolled(client: TestClient, engine: Engine) -> None:
    add_user(engine, "ann")
    with unit_of_work(make_session_factory(engine)) as session:
        user, _ = enrol_totp(SqlUserRepository(session), "ann")
    assert user.totp_secret is not None
    without = client.post("/api/v1/auth/token", data={"username": "ann", "password": PASSWORD})
    assert without.status_code == 401
    code = pyotp.TOTP(user.totp_secret).at(datetime.now(UTC))
    assert token(client, "ann", totp=code)


def test_disabling_a_user_ends_their_token(client: TestClient, engine: Engine) -> None:
    add_user(engine, "sup", role=Role.SUPERVISOR)
    bearer = {"Authorization": f"Bearer {token(client, 'sup')}"}
    assert client.get("/api/v1/audit", headers=bearer).status_code == 200
    with unit_of_work(make_session_factory(engine)) as session:
        set_disabled(SqlUserRepository(session), "sup", disabled=True)
    assert client.get("/api/v1/audit", headers=bearer).status_code == 401


def test_login_page_sets_a_safe_session_cookie(
    client: TestClient, engine: Engine, settings: Settings
) -> None:
    add_user(engine, "sup", role=Role.SUPERVISOR)
    form = {"username": "sup", "password": PASSWORD, "csrf_token": csrf(client, settings)}
    response = client.post("/login", data={**form, "next": "/audit"})
    assert response.status_code == 303
    assert response.headers["location"] == "/audit"
    cookie = response.headers["set-cookie"]
    assert cookie.startswith(f"{SESSION_COOKIE}=")
    assert "HttpOnly" in cookie
    assert "SameSite=lax" in cookie or "samesite=lax" in cookie.lower()
    assert "Secure" not in cookie
    page = client.get("/audit")
    assert page.status_code == 200
    assert "Audit log" in page.text
    assert "sup" in page.text


def test_session_cookie_is_secure_behind_tls(
    client: TestClient, engine: Engine, settings: Settings
) -> None:
    add_user(engine, "sup", role=Role.SUPERVISOR)
    form = {"username": "sup", "password": PASSWORD, "csrf_token": csrf(client, settings)}
    response = client.post("/login", data=form, headers={"X-Forwarded-Proto": "https"})
    assert response.status_code == 303
    assert "Secure" in response.headers["set-cookie"]
    assert response.headers["Strict-Transport-Security"].startswith("max-age=")


def test_open_redirects_are_refused(client: TestClient, engine: Engine, settings: Settings) -> None:
    add_user(engine, "sup", role=Role.SUPERVISOR)
    form = {"username": "sup", "password": PASSWORD, "csrf_token": csrf(client, settings)}
    response = client.post("/login", data={**form, "next": "//evil.example/"})
    assert response.headers["location"] == landing_page(Role.SUPERVISOR)  # not the other site


def test_forms_without_the_csrf_token_are_refused(
    client: TestClient, engine: Engine, settings: Settings
) -> None:
    add_user(engine, "sup", role=Role.SUPERVISOR)
    no_token = client.post("/login", data={"username": "sup", "password": PASSWORD})
    assert no_token.status_code == 403
    forged = {"username": "sup", "password": PASSWORD, "csrf_token": "0" * 64}
    assert client.post("/login", data=forged).status_code == 403
    good = {"username": "sup", "password": PASSWORD, "csrf_token": csrf(client, settings)}
    assert client.post("/login", data=good).status_code == 303
    # logged in by cookie: a state-changing request needs the token too
    assert client.post("/logout").status_code == 403
    out = client.post("/logout", data={"csrf_token": csrf(client, settings)})
    assert out.status_code == 303
    assert client.get("/audit").status_code == 303  # session cookie deleted


def test_pages_redirect_anonymous_users_to_login(client: TestClient) -> None:
    response = client.get("/audit?actor=x")
    assert response.status_code == 303
    assert response.headers["location"] == "/login?next=%2Faudit%3Factor%3Dx"


def test_wrong_login_shows_the_form_again_with_401(
    client: TestClient, engine: Engine, settings: Settings
) -> None:
    add_user(engine, "sup", role=Role.SUPERVISOR)
    form = {"username": "sup", "password": "wrong", "csrf_token": csrf(client, settings)}
    response = client.post("/login", data=form)
    assert response.status_code == 401
    assert "wrong username, password or code" in response.text


@pytest.mark.parametrize("path", ["/login", "/healthz", "/api/v1/audit", "/static/netsafe.css"])
def test_security_headers_everywhere(client: TestClient, path: str) -> None:
    response = client.get(path)
    headers = response.headers
    csp = headers["Content-Security-Policy"]
    assert "script-src 'self'" in csp
    assert "unsafe-inline" not in csp
    assert "frame-ancestors 'none'" in csp
    assert headers["X-Frame-Options"] == "DENY"
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert headers["Referrer-Policy"] == "same-origin"
    assert len(headers["X-Request-ID"]) >= 8


def test_request_id_is_echoed_and_audited(client: TestClient, engine: Engine) -> None:
    add_user(engine, "ann")
    response = client.post(
        "/api/v1/auth/token",
        data={"username": "ann", "password": PASSWORD},
        headers={"X-Request-ID": "proxy-req-12345"},
    )
    assert response.headers["X-Request-ID"] == "proxy-req-12345"
    with unit_of_work(make_session_factory(engine)) as session:
        request_ids = set(session.scalars(select(AuditRow.request_id)))
    assert "proxy-req-12345" in request_ids
