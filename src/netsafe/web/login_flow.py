"""One login, shared by the login page and the token endpoint.

The password check is reserved first in a short transaction of its own, committed before the
slow argon2 verify (`reserve_login_attempt`), so parallel requests cannot each get a check and no
write lock is held while a password is hashed; the check itself then runs in the request's
transaction, which records the success (or leaves the attempt counted)."""

from __future__ import annotations

from datetime import UTC, datetime

from fastapi import Request
from sqlalchemy.orm import Session

from netsafe.platform.users import User, authenticate, reserve_login_attempt
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
    )
