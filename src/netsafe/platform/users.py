"""Local user accounts: argon2 passwords, a TOTP second factor, lockout after failed logins,
enable/disable and password reset. Storage is reached through `UserRepository`.

A login first reserves one of the account's password checks (`reserve_login_attempt`: one atomic
`UPDATE … WHERE attempts < max RETURNING`), so however many requests arrive at once, at most
`LockoutPolicy.max_failures` passwords are checked per lockout window; a success clears the count.
The web routes reserve in a transaction of their own, committed before the (slow) check.
Every refusal before the password is right — unknown, wrong, locked, disabled — does the same
work (one argon2 verify, against a dummy hash when there is nothing to check) and gives the same
message, so neither timing nor wording tells whether an account exists.

The service functions never commit: the caller's unit of work must commit so counters stick
(the web login routes answer 401 instead of raising).
"""

from __future__ import annotations

import re
import secrets
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from typing import Protocol

import pyotp
from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

from netsafe.platform.account_sides import side_problem
from netsafe.platform.agencies import Agency
from netsafe.platform.roles import Role, Viewer

USERNAME_PATTERN = re.compile(r"^[a-z0-9][a-z0-9._-]{1,62}$")
MIN_PASSWORD_LENGTH = 12
TOTP_ISSUER = "NetSafe"

_hasher = PasswordHasher()
#: Verified against when the username is unknown, so both paths take the same time.
_DUMMY_HASH = _hasher.hash("netsafe-no-such-user-timing-equaliser")


class UserError(ValueError):
    """A user operation is refused; `field` names the input at fault."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(f"{field}: {message}")
        self.field = field
        self.message = message


class LoginError(Exception):
    """A login is refused. `reason` is for the audit log; `message` is safe to show."""

    def __init__(self, reason: str, message: str = "wrong username, password or code") -> None:
        super().__init__(message)
        self.reason = reason
        self.message = message


@dataclass(frozen=True, slots=True)
class LockoutPolicy:
    """After `max_failures` failed logins in a row an account is locked for `lock_for`."""

    max_failures: int = 5
    lock_for: timedelta = timedelta(minutes=15)


@dataclass(frozen=True, slots=True)
class User:
    """A local account. `security_stamp` changes whenever old sessions and tokens must die."""

    id: int
    username: str
    agency: str
    role: Role
    password_hash: str
    security_stamp: str
    created_at: datetime
    totp_secret: str | None = None
    totp_last_step: int | None = None
    failed_logins: int = 0
    locked_until: datetime | None = None
    disabled: bool = False
    last_login_at: datetime | None = None
    #: Session cookies carry the generation they were issued under; logout raises it.
    session_generation: int = 0

    @property
    def viewer(self) -> Viewer:
        return Viewer(user_id=self.id, username=self.username, agency=self.agency, role=self.role)

    @property
    def totp_enrolled(self) -> bool:
        return self.totp_secret is not None

    def locked_at(self, now: datetime) -> bool:
        return self.locked_until is not None and self.locked_until > now


@dataclass(frozen=True, slots=True)
class NewUser:
    """A user to add (the repository gives it an id)."""

    username: str
    agency: str
    role: Role
    password_hash: str
    security_stamp: str
    created_at: datetime


class UserRepository(Protocol):
    """Where users are kept."""

    def get(self, user_id: int) -> User | None: ...

    def by_username(self, username: str) -> User | None: ...

    def all(self) -> list[User]: ...

    def add(self, user: NewUser) -> User: ...

    def save(self, user: User) -> User:
        """Store every mutable field of `user` (matched by id)."""
        ...

    def reserve_attempt(
        self, username: str, *, now: datetime, max_attempts: int, lock_until: datetime
    ) -> User | None:
        """Atomically count one login attempt of an enabled account with attempts left (or
        whose lockout is over: the count starts again at 1); lock it until `lock_until` when
        this attempt is its last. The user as updated, or None when nothing was reserved."""
        ...


class AgencyLookup(Protocol):
    """The one thing users need of agencies: the agency of a slug (its kind), if it exists."""

    def get(self, slug: str) -> Agency | None: ...


def new_security_stamp() -> str:
    return secrets.token_hex(16)


def parse_role(value: str) -> Role:
    try:
        return Role(value)
    except ValueError:
        raise UserError("role", f"unknown role {value!r}; one of {', '.join(Role)}") from None


def check_password_policy(password: str) -> None:
    if len(password) < MIN_PASSWORD_LENGTH:
        raise UserError("password", f"must be at least {MIN_PASSWORD_LENGTH} characters")


def create_user(
    users: UserRepository,
    agencies: AgencyLookup,
    *,
    username: str,
    agency: str,
    role: Role | str,
    password: str,
    now: datetime,
) -> User:
    """Add a local account; refuses a bad or taken username, unknown agency/role, a role of the
    other side of the charity wall than its agency (`account_sides`), a short password."""
    if not USERNAME_PATTERN.match(username):
        raise UserError("username", "2-63 characters: lower-case letters, digits, '.', '_', '-'")
    if users.by_username(username) is not None:
        raise UserError("username", f"{username!r} already exists")
    found = agencies.get(agency)
    if found is None:
        raise UserError("agency", f"unknown agency {agency!r} (run `netsafe demo` or add it)")
    role = role if isinstance(role, Role) else parse_role(role)
    problem = side_problem(role, agency, found.kind)
    if problem is not None:
        raise UserError("role", problem)
    check_password_policy(password)
    return users.add(
        NewUser(
            username=username,
            agency=agency,
            role=role,
            password_hash=_hasher.hash(password),
            security_stamp=new_security_stamp(),
            created_at=now,
        )
    )


def require_user(users: UserRepository, username: str) -> User:
    user = users.by_username(username)
    if user is None:
        raise UserError("username", f"no user {username!r}")
    return user


def _password_matches(password_hash: str, password: str) -> bool:
    try:
        return _hasher.verify(password_hash, password)
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return False


def _totp_step(secret: str, code: str, now: datetime) -> int | None:
    """The time step `code` is valid for (this one or a neighbour), or None."""
    totp = pyotp.TOTP(secret)
    code = code.strip().replace(" ", "")
    current = int(totp.timecode(now))
    for offset in (0, -1, 1):
        if secrets.compare_digest(str(totp.at(now, counter_offset=offset)), code):
            return current + offset
    return None


@dataclass(frozen=True, slots=True)
class LoginAttempt:
    """A reserved (or refused) password check: `user` is None for an unknown username."""

    username: str
    user: User | None
    reserved: bool


def reserve_login_attempt(
    users: UserRepository, username: str, now: datetime, policy: LockoutPolicy = LockoutPolicy()
) -> LoginAttempt:
    """Take one of the account's password checks (see the module docstring)."""
    user = users.reserve_attempt(
        username, now=now, max_attempts=policy.max_failures, lock_until=now + policy.lock_for
    )
    if user is not None:
        return LoginAttempt(username, user, reserved=True)
    return LoginAttempt(username, users.by_username(username), reserved=False)


#: Called once the password is right; raises `LoginError` to refuse the account all the same.
Admission = Callable[[User, str], None]


def authenticate(
    users: UserRepository,
    *,
    username: str,
    password: str,
    totp_code: str | None,
    now: datetime,
    policy: LockoutPolicy = LockoutPolicy(),
    attempt: LoginAttempt | None = None,
    admit: Admission | None = None,
) -> User:
    """The user when the password (and TOTP code, once enrolled) are right; else `LoginError`.

    `attempt` is the reservation made beforehand (made here, in the caller's transaction, when
    not given). Unknown, wrong, locked and disabled all cost one argon2 verify and answer the
    same message; `admit(user, password)` may still refuse an account whose password is right.
    A TOTP code is accepted once (no replay).
    """
    if attempt is None:
        attempt = reserve_login_attempt(users, username, now, policy)
    user = attempt.user
    checked = user if attempt.reserved else None
    matches = _password_matches(_DUMMY_HASH if checked is None else checked.password_hash, password)
    if user is None:
        raise LoginError("unknown-user")
    if checked is None:
        raise LoginError("disabled" if user.disabled else "locked")
    if not matches:
        raise LoginError("bad-password")
    user = checked
    if admit is not None:
        admit(user, password)
    if user.totp_secret is not None:
        if not totp_code:
            raise LoginError("totp-required", "enter the code from your authenticator app")
        step = _totp_step(user.totp_secret, totp_code, now)
        if step is None or (user.totp_last_step is not None and step <= user.totp_last_step):
            raise LoginError("bad-totp")
        user = replace(user, totp_last_step=step)
    password_hash = user.password_hash
    if _hasher.check_needs_rehash(password_hash):
        password_hash = _hasher.hash(password)
    return users.save(
        replace(
            user,
            password_hash=password_hash,
            failed_logins=0,
            locked_until=None,
            last_login_at=now,
        )
    )


def enrol_totp(users: UserRepository, username: str) -> tuple[User, str]:
    """Give the user a new TOTP secret (replacing any); returns the user and the otpauth URI."""
    user = require_user(users, username)
    secret = new_totp_secret()
    user = users.save(replace(user, totp_secret=secret, totp_last_step=None))
    return user, totp_uri(secret, user.username)


def totp_uri(secret: str, username: str) -> str:
    """The otpauth:// URI an authenticator app takes for `secret`."""
    return str(pyotp.TOTP(secret).provisioning_uri(name=username, issuer_name=TOTP_ISSUER))


def new_totp_secret() -> str:
    """A fresh secret for a user to enrol (stored only once confirmed with a first code)."""
    return pyotp.random_base32()


def confirm_totp(
    users: UserRepository, user_id: int, secret: str, code: str, now: datetime
) -> User:
    """Enrol `secret` for the user once `code` proves their app has it (the code is then used).

    Refused (`UserError`) when the user already has a second factor: an admin resets it first.
    """
    user = users.get(user_id)
    if user is None:
        raise UserError("user", "no such user")
    if user.totp_secret is not None:
        raise UserError("totp", "a second factor is already enrolled; ask an admin to reset it")
    step = _totp_step(secret, code, now)
    if step is None:
        raise UserError("code", "that code does not match: check the clock and try the next code")
    return users.save(replace(user, totp_secret=secret, totp_last_step=step))


def remove_totp(users: UserRepository, username: str) -> User:
    user = require_user(users, username)
    return users.save(replace(user, totp_secret=None, totp_last_step=None))


def set_disabled(users: UserRepository, username: str, *, disabled: bool) -> User:
    """Disable (ending every session and token) or enable an account."""
    user = require_user(users, username)
    stamp = new_security_stamp() if disabled else user.security_stamp
    return users.save(replace(user, disabled=disabled, security_stamp=stamp))


def reset_password(users: UserRepository, username: str, password: str) -> User:
    """Set a new password, clear the lockout and end every existing session and token."""
    user = require_user(users, username)
    check_password_policy(password)
    return users.save(
        replace(
            user,
            password_hash=_hasher.hash(password),
            failed_logins=0,
            locked_until=None,
            security_stamp=new_security_stamp(),
        )
    )


def end_sessions(users: UserRepository, user_id: int) -> User | None:
    """Logout: every session cookie issued so far stops working (bearer tokens are untouched)."""
    user = users.get(user_id)
    if user is None:
        return None
    return users.save(replace(user, session_generation=user.session_generation + 1))


def unlock(users: UserRepository, username: str) -> User:
    user = require_user(users, username)
    return users.save(replace(user, failed_logins=0, locked_until=None))
