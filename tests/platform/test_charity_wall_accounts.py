"""The charity wall for accounts (#16.1): roles belong to their side, each side administers its
own accounts, and accounts across the wall are refused at login, on every request, and listed.

Extends the authorisation matrix with role/agency coherence: every role × every agency."""

from __future__ import annotations

import io
from datetime import UTC, datetime

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from netsafe.platform.agencies import OPERATION_AGENCIES, AgencyKind, ensure_agencies
from netsafe.platform.roles import ACCOUNT_ADMIN_ROLES, Role
from netsafe.platform.users import NewUser, UserError, create_user, new_security_stamp
from netsafe.settings import Settings
from netsafe.store.engine import make_session_factory, unit_of_work
from netsafe.store.models.platform import AuditRow
from netsafe.store.repositories.agencies import SqlAgencyRepository
from netsafe.store.repositories.users import SqlUserRepository
from netsafe.web.csrf import CSRF_COOKIE, token_for
from tests.cli_runner import run_cli
from tests.platform.platform_helpers import PASSWORD, add_user
from tests.web.support import user_headers

NOW = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)
ROLE_AGENCY = [(role, agency) for role in Role for agency in OPERATION_AGENCIES]


def belongs(role: Role, kind: AgencyKind) -> bool:
    return role.is_charity == (kind is AgencyKind.CHARITY)


@pytest.mark.parametrize(
    ("role", "agency"), ROLE_AGENCY, ids=[f"{r.value}@{a.slug}" for r, a in ROLE_AGENCY]
)
def test_every_role_in_every_agency_is_accepted_only_on_its_side(
    session: Session, role: Role, agency: object
) -> None:
    from netsafe.platform.agencies import Agency

    assert isinstance(agency, Agency)
    ensure_agencies(SqlAgencyRepository(session))
    make = {
        "users": SqlUserRepository(session),
        "agencies": SqlAgencyRepository(session),
        "username": "someone",
        "agency": agency.slug,
        "role": role,
        "password": PASSWORD,
        "now": NOW,
    }
    if belongs(role, agency.kind):
        assert create_user(**make).role is role  # type: ignore[arg-type]
    else:
        with pytest.raises(UserError) as refused:
            create_user(**make)  # type: ignore[arg-type]
        assert refused.value.field == "role"
        assert role.value in refused.value.message


def add_raw(engine: Engine, username: str, agency: str, role: Role) -> int:
    """An account made before the rules (straight into the table, no checks)."""
    from netsafe.platform.users import _hasher

    with unit_of_work(make_session_factory(engine)) as session:
        ensure_agencies(SqlAgencyRepository(session))
        user = SqlUserRepository(session).add(
            NewUser(
                username=username,
                agency=agency,
                role=role,
                password_hash=_hasher.hash(PASSWORD),
                security_stamp=new_security_stamp(),
                created_at=NOW,
            )
        )
        return user.id


def login_page(client: TestClient, settings: Settings, username: str) -> str:
    client.get("/login")
    cookie = client.cookies.get(CSRF_COOKIE)
    assert cookie
    response = client.post(
        "/login",
        data={
            "username": username,
            "password": PASSWORD,
            "csrf_token": token_for(settings.secret_key, cookie),
        },
    )
    assert response.status_code == 401
    return response.text


@pytest.mark.parametrize(
    ("username", "agency", "role"),
    [
        ("helpline.gwent", "gwent", Role.HELPLINE),
        ("lead.charity", "charity", Role.OPERATION_LEAD),
        ("admin.charity", "charity", Role.ADMIN),
        ("charity-admin.gwent", "gwent", Role.CHARITY_ADMIN),
    ],
)
def test_accounts_across_the_wall_are_refused_everywhere(
    client: TestClient,
    engine: Engine,
    settings: Settings,
    username: str,
    agency: str,
    role: Role,
) -> None:
    user_id = add_raw(engine, username, agency, role)
    token = client.post("/api/v1/auth/token", data={"username": username, "password": PASSWORD})
    assert token.status_code == 401
    assert "cannot log in" in token.json()["detail"]
    assert "ask an administrator" in token.json()["detail"]
    assert "cannot log in" in login_page(client, settings, username)
    # a token issued before the rules (or forged with the key) opens nothing either
    with unit_of_work(make_session_factory(engine)) as session:
        user = SqlUserRepository(session).get(user_id)
    assert user is not None
    bearer = user_headers(settings, user)
    for path in ("/api/v1/prevention/contacts", "/api/v1/referrals", "/api/v1/audit"):
        assert client.get(path, headers=bearer).status_code == 401, path


@pytest.fixture
def cli(monkeypatch: pytest.MonkeyPatch, settings: Settings, engine: Engine) -> pytest.MonkeyPatch:
    monkeypatch.setenv("NETSAFE_HOME", str(settings.home))
    monkeypatch.setenv("NETSAFE_DATABASE_URL", settings.sqlalchemy_url)
    monkeypatch.setenv("NETSAFE_ENV", "test")
    monkeypatch.setenv("NETSAFE_SECRET_KEY", settings.secret_key)
    with unit_of_work(make_session_factory(engine)) as session:
        ensure_agencies(SqlAgencyRepository(session))
    return monkeypatch


def test_user_list_problems_names_every_account_across_the_wall(
    capsys: pytest.CaptureFixture[str], cli: pytest.MonkeyPatch, engine: Engine
) -> None:
    clean = run_cli(capsys, cli, "user", "list", "--problems", "--json")
    assert clean.exit_code == 0
    assert clean.json() == []
    add_user(engine, "fine.one")
    add_raw(engine, "helpline.gwent", "gwent", Role.HELPLINE)
    add_raw(engine, "lead.charity", "charity", Role.OPERATION_LEAD)
    found = run_cli(capsys, cli, "user", "list", "--problems", "--json")
    assert found.exit_code == 1
    assert [(p["username"], p["role"]) for p in found.json()] == [
        ("helpline.gwent", "helpline"),
        ("lead.charity", "operation-lead"),
    ]
    assert all(p["problem"] for p in found.json())
    table = run_cli(capsys, cli, "user", "list", "--problems")
    assert "helpline.gwent" in table.stdout
    assert "fine.one" not in table.stdout


def test_operator_creates_charity_accounts_on_the_command_line_audited(
    capsys: pytest.CaptureFixture[str], cli: pytest.MonkeyPatch, engine: Engine
) -> None:
    def create(name: str, agency: str, role: str) -> int:
        cli.setattr("sys.stdin", io.StringIO(f"{PASSWORD}\n"))
        options = ("--agency", agency, "--role", role, "--password-stdin", "--json")
        return run_cli(capsys, cli, "user", "create", name, *options).exit_code

    assert create("helpline.gwent", "gwent", "helpline") == 2
    assert create("lead.charity", "charity", "operation-lead") == 2
    assert create("jo.charity-admin", "charity", "charity-admin") == 0
    with unit_of_work(make_session_factory(engine)) as session:
        actions = session.execute(select(AuditRow.action, AuditRow.actor)).all()
    assert [a for a, actor in actions if actor.startswith("cli")] == ["user.create"]


def csrf(client: TestClient, settings: Settings) -> str:
    client.get("/login")
    cookie = client.cookies.get(CSRF_COOKIE)
    assert cookie
    return token_for(settings.secret_key, cookie)


def as_user(client: TestClient, settings: Settings, engine: Engine, username: str) -> str:
    with unit_of_work(make_session_factory(engine)) as session:
        user = SqlUserRepository(session).by_username(username)
    assert user is not None
    client.headers.update(user_headers(settings, user))
    return csrf(client, settings)


ADMINS = {Role.ADMIN: "regional-unit", Role.CHARITY_ADMIN: "charity"}
TARGETS = [(r, "charity" if r.is_charity else "gwent") for r in Role]


@pytest.mark.parametrize("admin_role", ACCOUNT_ADMIN_ROLES, ids=lambda r: r.value)
def test_each_admin_creates_accounts_of_its_own_side_only(
    client: TestClient, engine: Engine, settings: Settings, admin_role: Role
) -> None:
    add_user(engine, "the.admin", agency=ADMINS[admin_role], role=admin_role)
    token = as_user(client, settings, engine, "the.admin")
    for n, (role, agency) in enumerate(TARGETS):
        response = client.post(
            "/admin/users",
            data={
                "username": f"made.{n}",
                "agency": agency,
                "role": role.value,
                "password": PASSWORD,
                "csrf_token": token,
            },
        )
        own_side = role.is_charity == (admin_role is Role.CHARITY_ADMIN)
        assert response.status_code == (200 if own_side else 422), (role, response.status_code)
    # the police admin cannot put a charity role in a police agency either (the #16.1 hole)
    hole = client.post(
        "/admin/users",
        data={
            "username": "helpline.gwent",
            "agency": "gwent",
            "role": "helpline",
            "password": PASSWORD,
            "csrf_token": token,
        },
    )
    assert hole.status_code == 422


def test_the_police_admin_cannot_reset_disable_or_see_charity_accounts(
    client: TestClient, engine: Engine, settings: Settings
) -> None:
    add_user(engine, "root", agency="regional-unit", role=Role.ADMIN)
    helpline = add_user(engine, "helpline.worker", agency="charity", role=Role.HELPLINE)
    officer = add_user(engine, "gwent.officer")
    token = as_user(client, settings, engine, "root")
    page = client.get("/admin")
    assert page.status_code == 200
    assert "helpline.worker" not in page.text
    assert 'value="helpline"' not in page.text
    assert 'value="charity"' not in page.text
    for change in ("reset", "disable", "totp-reset", "unlock", "enable"):
        response = client.post(f"/admin/users/{helpline.id}/{change}", data={"csrf_token": token})
        assert response.status_code == 404, change
    assert (
        client.post(f"/admin/users/{officer.id}/reset", data={"csrf_token": token}).status_code
        == 200
    )
    del client.headers["Authorization"]
    # the helpline worker's password still works: nobody on the police side changed it
    logged_in = client.post(
        "/api/v1/auth/token", data={"username": "helpline.worker", "password": PASSWORD}
    )
    assert logged_in.status_code == 200


def test_the_charity_admin_manages_charity_accounts_only(
    client: TestClient, engine: Engine, settings: Settings
) -> None:
    add_user(engine, "charity.root", agency="charity", role=Role.CHARITY_ADMIN)
    helpline = add_user(engine, "helpline.worker", agency="charity", role=Role.HELPLINE)
    officer = add_user(engine, "gwent.officer")
    token = as_user(client, settings, engine, "charity.root")
    page = client.get("/admin")
    assert "helpline.worker" in page.text
    assert "gwent.officer" not in page.text
    reset = client.post(f"/admin/users/{helpline.id}/reset", data={"csrf_token": token})
    assert reset.status_code == 200
    assert "New password for helpline.worker" in reset.text
    assert (
        client.post(f"/admin/users/{officer.id}/disable", data={"csrf_token": token}).status_code
        == 404
    )
    # the charity admin sees no records: no help-seeker, no referral
    assert client.get("/api/v1/prevention/contacts").status_code == 403
    assert client.get("/api/v1/referrals").status_code == 403
