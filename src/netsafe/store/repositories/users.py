"""SQL implementation of `netsafe.platform.users.UserRepository`."""

from __future__ import annotations

from datetime import datetime
from typing import Any, cast

from sqlalchemy import Table, and_, bindparam, case, or_, select, update
from sqlalchemy.orm import Session

from netsafe.platform.roles import Role
from netsafe.platform.users import NewUser, User
from netsafe.store.models.platform import UserRow
from netsafe.timestamps import as_utc

_USERS = cast(Table, UserRow.__table__)
#: One user by id, as a Core statement: every request reads its caller's row, and the ORM's
#: identity-map load of a whole object costs several times a plain row's.
_BY_ID = select(_USERS).where(_USERS.c.id == bindparam("user_id"))
_ROLES = {role.value: role for role in Role}


def _to_domain(row: Any) -> User:
    """A user from a `UserRow` or a Core row of `users` (same attribute names)."""
    return User(
        id=row.id,
        username=row.username,
        agency=row.agency,
        role=_ROLES.get(row.role) or Role(row.role),
        password_hash=row.password_hash,
        security_stamp=row.security_stamp,
        created_at=as_utc(row.created_at),
        totp_secret=row.totp_secret,
        totp_last_step=row.totp_last_step,
        failed_logins=row.failed_logins,
        locked_until=None if row.locked_until is None else as_utc(row.locked_until),
        disabled=row.disabled,
        last_login_at=None if row.last_login_at is None else as_utc(row.last_login_at),
        session_generation=row.session_generation,
    )


class SqlUserRepository:
    """Users stored in the `users` table of the caller's session."""

    def __init__(self, session: Session) -> None:
        self._session = session

    def get(self, user_id: int) -> User | None:
        self._session.flush()  # a change made in this session is read back as stored
        row = self._session.execute(_BY_ID, {"user_id": user_id}).one_or_none()
        return None if row is None else _to_domain(row)

    def by_username(self, username: str) -> User | None:
        row = self._session.scalar(select(UserRow).where(UserRow.username == username))
        return None if row is None else _to_domain(row)

    def all(self) -> list[User]:
        rows = self._session.scalars(select(UserRow).order_by(UserRow.username))
        return [_to_domain(row) for row in rows]

    def add(self, user: NewUser) -> User:
        row = UserRow(
            username=user.username,
            agency=user.agency,
            role=user.role.value,
            password_hash=user.password_hash,
            security_stamp=user.security_stamp,
            created_at=user.created_at,
            failed_logins=0,
            disabled=False,
            session_generation=0,
        )
        self._session.add(row)
        self._session.flush()
        return _to_domain(row)

    def save(self, user: User) -> User:
        row = self._session.get(UserRow, user.id)
        if row is None:
            raise LookupError(f"no user with id {user.id}")
        row.role = user.role.value
        row.agency = user.agency
        row.password_hash = user.password_hash
        row.security_stamp = user.security_stamp
        row.totp_secret = user.totp_secret
        row.totp_last_step = user.totp_last_step
        row.failed_logins = user.failed_logins
        row.locked_until = user.locked_until
        row.disabled = user.disabled
        row.last_login_at = user.last_login_at
        row.session_generation = user.session_generation
        self._session.flush()
        return _to_domain(row)

    def reserve_attempt(
        self, username: str, *, now: datetime, max_attempts: int, lock_until: datetime
    ) -> User | None:
        """One `UPDATE … RETURNING`: the row lock (PostgreSQL) or the write lock (SQLite) makes
        concurrent reservations take turns, and each sees the count the last one left."""
        attempts, locked = _USERS.c.failed_logins, _USERS.c.locked_until
        window_over = or_(locked.is_(None), locked <= now)
        start_again = and_(attempts >= max_attempts, window_over)
        statement = (
            update(_USERS)
            .where(
                _USERS.c.username == username,
                _USERS.c.disabled.is_(False),
                or_(attempts < max_attempts, window_over),
            )
            .values(
                failed_logins=case((start_again, 1), else_=attempts + 1),
                locked_until=case(
                    (start_again, lock_until if max_attempts <= 1 else None),
                    (attempts + 1 >= max_attempts, lock_until),
                    else_=locked,
                ),
            )
            .returning(*_USERS.c)
        )
        self._session.flush()
        row = self._session.execute(statement).one_or_none()
        for loaded in list(self._session.identity_map.values()):  # now stale: read again
            if isinstance(loaded, UserRow) and loaded.username == username:
                self._session.expire(loaded)
        return None if row is None else _to_domain(row)
