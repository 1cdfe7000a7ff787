"""Users: creation rules, argon2 passwords, lockout, TOTP (with replay refused), disable, reset."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pyotp
import pytest
from sqlalchemy.orm import Session

from netsafe.platform.agencies import ensure_agencies
from netsafe.platform.roles import Role
from netsafe.platform.users import (
    LockoutPolicy,
    LoginError,
    UserError,
    authenticate,
    create_user,
    enrol_totp,
    reset_password,
    set_disabled,
    unlock,
)
from netsafe.store.repositories.agencies import SqlAgencyRepository
from netsafe.store.repositories.users import SqlUserRepository

NOW = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)
PASSWORD = "correct horse battery staple"


@pytest.fixture
def users(session: Session) -> SqlUserRepository:
    ensure_agencies(SqlAgencyRepository(session))
    repository = SqlUserRepository(session)
    create_user(
        repository,
        SqlAgencyRepository(session),
        username="ann",
        agency="gwent",
        role="investigator",
        password=PASSWORD,
        now=NOW,
    )
    return repository


def test_create_stores_an_argon2_hash_not_the_password(users: SqlUserRepository) -> None:
    user = users.by_username("ann")
    assert user is not None
    assert user.role is Role.INVESTIGATOR
    assert user.agency == "gwent"
    assert user.password_hash.startswith("$argon2id$")
    assert PASSWORD not in user.password_hash
    assert user.created_at == NOW


@pytest.mark.parametrize(
    ("field", "kwargs"),
    [
        ("username", {"username": "Bad Name"}),
        ("username", {"username": "ann"}),
        ("agency", {"agency": "atlantis"}),
        ("role", {"role": "janitor"}),
        ("password", {"password": "short"}),
    ],
)
def test_create_refuses_bad_input_naming_the_field(
    session: Session, users: SqlUserRepository, field: str, kwargs: dict[str, str]
) -> None:
    values = {
        "username": "bob",
        "agency": "gwent",
        "role": "examiner",
        "password": PASSWORD,
    } | kwargs
    with pytest.raises(UserError) as caught:
        create_user(users, SqlAgencyRepository(session), now=NOW, **values)  # type: ignore[arg-type]
    assert caught.value.field == field


def test_login_with_the_right_password(users: SqlUserRepository) -> None:
    user = authenticate(users, username="ann", password=PASSWORD, totp_code=None, now=NOW)
    assert user.last_login_at == NOW
    assert user.failed_logins == 0


def test_unknown_user_and_wrong_password_give_the_same_message(users: SqlUserRepository) -> None:
    with pytest.raises(LoginError) as unknown:
        authenticate(users, username="nobody", password=PASSWORD, totp_code=None, now=NOW)
    with pytest.raises(LoginError) as wrong:
        authenticate(users, username="ann", password="wrong password!", totp_code=None, now=NOW)
    assert str(unknown.value) == str(wrong.value)
    assert (unknown.value.reason, wrong.value.reason) == ("unknown-user", "bad-password")


def test_lockout_after_repeated_failures_even_with_the_right_password(
    users: SqlUserRepository,
) -> None:
    policy = LockoutPolicy(max_failures=3, lock_for=timedelta(minutes=15))
    for _ in range(3):
        with pytest.raises(LoginError):
            authenticate(
                users,
                username="ann",
                password="nope nope nope",
                totp_code=None,
                now=NOW,
                policy=policy,
            )
    user = users.by_username("ann")
    assert user is not None
    assert user.failed_logins == 3
    assert user.locked_at(NOW)
    with pytest.raises(LoginError) as caught:
        authenticate(
            users, username="ann", password=PASSWORD, totp_code=None, now=NOW, policy=policy
        )
    assert caught.value.reason == "locked"
    later = NOW + timedelta(minutes=16)
    user = authenticate(
        users, username="ann", password=PASSWORD, totp_code=None, now=later, policy=policy
    )
    assert user.failed_logins == 0
    assert user.locked_until is None


def test_unlock_clears_the_lockout(users: SqlUserRepository) -> None:
    for _ in range(5):
        with pytest.raises(LoginError):
            authenticate(users, username="ann", password="nope nope nope", totp_code=None, now=NOW)
    unlock(users, "ann")
    assert authenticate(users, username="ann", password=PASSWORD, totp_code=None, now=NOW)


def test_totp_is_required_once_enrolled_and_a_code_is_single_use(
    users: SqlUserRepository,
) -> None:
    user, uri = enrol_totp(users, "ann")
    assert uri.startswith("otpauth://totp/NetSafe:ann?secret=")
    assert user.totp_secret is not None
    code = pyotp.TOTP(user.totp_secret).at(NOW)
    with pytest.raises(LoginError) as missing:
        authenticate(users, username="ann", password=PASSWORD, totp_code=None, now=NOW)
    assert missing.value.reason == "totp-required"
    bad = f"{(int(code) + 1) % 1_000_000:06d}"
    with pytest.raises(LoginError) as wrong:
        authenticate(users, username="ann", password=PASSWORD, totp_code=bad, now=NOW)
    assert wrong.value.reason == "bad-totp"
    assert authenticate(users, username="ann", password=PASSWORD, totp_code=code, now=NOW)
    with pytest.raises(LoginError) as replay:
        authenticate(users, username="ann", password=PASSWORD, totp_code=code, now=NOW)
    assert replay.value.reason == "bad-totp"
    next_code = pyotp.TOTP(user.totp_secret).at(NOW + timedelta(seconds=30))
    later = NOW + timedelta(seconds=30)
    assert authenticate(users, username="ann", password=PASSWORD, totp_code=next_code, now=later)


def test_disabled_users_cannot_log_in_and_their_stamp_changes(users: SqlUserRepository) -> None:
    before = users.by_username("ann")
    assert before is not None
    disabled = set_disabled(users, "ann", disabled=True)
    assert disabled.security_stamp != before.security_stamp
    with pytest.raises(LoginError) as caught:
        authenticate(users, username="ann", password=PASSWORD, totp_code=None, now=NOW)
    assert caught.value.reason == "disabled"
    set_disabled(users, "ann", disabled=False)
    assert authenticate(users, username="ann", password=PASSWORD, totp_code=None, now=NOW)


def test_reset_password_changes_the_stamp_and_the_password(users: SqlUserRepository) -> None:
    before = users.by_username("ann")
    assert before is not None
    users.save(replace(before, failed_logins=4))
    after = reset_password(users, "ann", "a brand new passphrase")
    assert after.security_stamp != before.security_stamp
    assert after.failed_logins == 0
    with pytest.raises(LoginError):
        authenticate(users, username="ann", password=PASSWORD, totp_code=None, now=NOW)
    assert authenticate(
        users, username="ann", password="a brand new passphrase", totp_code=None, now=NOW
    )


def test_unknown_user_operations_name_the_username(users: SqlUserRepository) -> None:
    with pytest.raises(UserError, match="no user 'ghost'"):
        set_disabled(users, "ghost", disabled=True)
