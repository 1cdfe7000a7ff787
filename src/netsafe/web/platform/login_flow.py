"""One login, shared by the login page and the token endpoint.

The password check is reserved first in a short transaction of its own, committed before the
slow argon2 verify (`reserve_login_attempt`), so parallel requests cannot each get a check and no
write lock is held while a password is hashed; the check itself then runs in the request's
transaction, which records the success (or leaves the attempt counted).

Once the password is right, two kinds of account are refused all the same, with a message: one
whose role and agency are on different sides of the charity wall (`account_sides`), and, when
NETSAFE_ENV=production, a demo account or one on the published demo password."""

from __future__ import annotations

from datetime import UTC, datetime

from fastapi import Request
from sqlalchemy.orm import Session

from netsafe.platform.account_sides import known_side_problem
from netsafe.platform.demo_users import is_demo_login
from netsafe.platform.users import (
    Admission,
    LoginError,
    User,
    authenticate,
    reserve_login_attempt,
)
from netsafe.store.engine import unit_of_work
from netsafe.store.repositories.users import SqlUserRepository


def log_in(
    request: Request, session: Session, username: str, password: str, totp_code: str | None
) -> User:
    """The user, or `LoginError` (see `netsafe.platform.users.authenticate`)."""
    now = datetime.now(UTC)
    with unit_of_work(request.app.state.sessions) as own:
        attempt = reserve_login_attempt(SqlUserRepository(own), username, now)
    return authenticate(
        SqlUserRepository(session),
        username=username,
        password=password,
        totp_code=totp_code,
        now=now,
        attempt=attempt,
        admit=admission(request.app.state.settings.env),
    )


def admission(environment: str) -> Admission:
    """The checks an account passes once its password is right (see the module docstring)."""

    def admit(user: User, password: str) -> None:
        problem = known_side_problem(user)
        if problem is not None:
            raise LoginError(
                "wrong-side", f"this account cannot log in ({problem}): ask an administrator"
            )
        if environment == "production" and is_demo_login(user.username, password):
            raise LoginError(
                "demo-account", "demo accounts cannot log in when NETSAFE_ENV=production"
            )

    return admit
