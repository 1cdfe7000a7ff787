"""What the web tests share: a new user of any role and agency with a minted bearer token.

`bearer_headers(engine, settings, role, agency)` makes the user (agencies first, if missing) and
answers its Authorization header; the `bearer` fixture (tests/conftest.py) is the same bound to
the test's database: `bearer(Role.INVESTIGATOR, "gwent")`. Tokens are minted, not logged in for:
no password is hashed, so a test can make many users cheaply.
"""

from __future__ import annotations

import secrets
from datetime import UTC, datetime
from typing import Protocol

from sqlalchemy import Engine

from netsafe.platform.agencies import ensure_agencies
from netsafe.platform.roles import Role
from netsafe.platform.users import NewUser, User
from netsafe.settings import Settings
from netsafe.store.engine import make_session_factory, unit_of_work
from netsafe.store.repositories.agencies import SqlAgencyRepository
from netsafe.store.repositories.users import SqlUserRepository
from netsafe.web.tokens import issue_bearer_token

Headers = dict[str, str]


class Bearer(Protocol):
    """The `bearer` fixture: `bearer(role, agency=None, *, username=None)` → the Authorization
    header of a new user (agency by default: `default_agency(role)`)."""

    def __call__(
        self, role: Role, agency: str | None = None, *, username: str | None = None
    ) -> Headers: ...


def default_agency(role: Role) -> str:
    """The charity for charity roles, else the regional unit (whose roles see every force)."""
    return "charity" if role.is_charity else "regional-unit"


def mint_token(
    engine: Engine,
    settings: Settings,
    role: Role,
    agency: str | None = None,
    *,
    username: str | None = None,
) -> str:
    """A bearer token for a new user `username` (default: the role and a random suffix) with
    `role` in `agency` (default: `default_agency(role)`)."""
    with unit_of_work(make_session_factory(engine)) as session:
        ensure_agencies(SqlAgencyRepository(session))
        stamp = secrets.token_hex(8)
        user = SqlUserRepository(session).add(
            NewUser(
                username=username or f"{role.value}-{secrets.token_hex(3)}",
                agency=agency or default_agency(role),
                role=role,
                password_hash="tests-use-minted-tokens",
                security_stamp=stamp,
                created_at=datetime.now(UTC),
            )
        )
    return issue_bearer_token(settings, user.id, stamp)


def bearer_headers(
    engine: Engine,
    settings: Settings,
    role: Role,
    agency: str | None = None,
    *,
    username: str | None = None,
) -> Headers:
    """The Authorization header of a new user (see `mint_token`)."""
    return authorization(mint_token(engine, settings, role, agency, username=username))


def authorization(token: str) -> Headers:
    return {"Authorization": f"Bearer {token}"}


def user_headers(settings: Settings, user: User) -> Headers:
    """The Authorization header of an existing user (made another way than `mint_token`: a
    seeded account, one the rules refuse), with the user's current security stamp."""
    return authorization(issue_bearer_token(settings, user.id, user.security_stamp))
