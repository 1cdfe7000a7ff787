"""Logins: no enumeration (same message, same work for unknown, wrong, locked and disabled) and a
lockout that parallel requests cannot beat (at most 5 password checks per lockout window)."""

from __future__ import annotations

import threading
from collections import Counter
from collections.abc import Callable

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine, select

from netsafe.platform import users as users_module
from netsafe.platform.users import set_disabled
from netsafe.settings import Settings
from netsafe.store.engine import make_session_factory, unit_of_work
from netsafe.store.models.platform import AuditRow
from netsafe.store.repositories.users import SqlUserRepository
from netsafe.web.csrf import CSRF_COOKIE, token_for
from tests.platform.platform_helpers import PASSWORD, add_user

GENERIC = "wrong username, password or code"


@pytest.fixture
def password_checks(monkeypatch: pytest.MonkeyPatch) -> Counter[str]:
    """Every argon2 verify, counted by the hash it checked against ("dummy" for the dummy)."""
    checks: Counter[str] = Counter()
    original: Callable[[str, str], bool] = users_module._password_matches
    lock = threading.Lock()

    def counting(password_hash: str, password: str) -> bool:
        with lock:
            checks["dummy" if password_hash == users_module._DUMMY_HASH else password_hash] += 1
        return original(password_hash, password)

    monkeypatch.setattr(users_module, "_password_matches", counting)
    return checks


def stored_hash(engine: Engine, username: str) -> str:
    with unit_of_work(make_session_factory(engine)) as session:
        user = SqlUserRepository(session).by_username(username)
        assert user is not None
        return user.password_hash


def login_denials(engine: Engine) -> list[str | None]:
    with unit_of_work(make_session_factory(engine)) as session:
        rows = session.execute(
            select(AuditRow.detail).where(AuditRow.outcome == "denied").order_by(AuditRow.id)
        )
        return [row.detail for row in rows]


def _lock(client: TestClient, username: str) -> None:
    for _ in range(5):
        client.post("/api/v1/auth/token", data={"username": username, "password": "wrong-pass"})


def test_unknown_wrong_locked_disabled_answer_alike_after_one_verify(
    client: TestClient, engine: Engine, password_checks: Counter[str]
) -> None:
    add_user(engine, "wrong.one")
    add_user(engine, "locked.one")
    add_user(engine, "disabled.one")
    _lock(client, "locked.one")
    with unit_of_work(make_session_factory(engine)) as session:
        set_disabled(SqlUserRepository(session), "disabled.one", disabled=True)
    cases = {
        "unknown": ("nobody.here", PASSWORD),
        "wrong": ("wrong.one", "not the password"),
        "locked": ("locked.one", PASSWORD),  # the right password, refused all the same
        "disabled": ("disabled.one", PASSWORD),
    }
    answers = {}
    for case, (username, password) in cases.items():
        password_checks.clear()
        response = client.post(
            "/api/v1/auth/token", data={"username": username, "password": password}
        )
        answers[case] = (response.status_code, response.json(), dict(response.headers))
        assert sum(password_checks.values()) == 1, f"{case}: {password_checks}"
    assert {(status, str(body)) for status, body, _ in answers.values()} == {
        (401, str({"detail": GENERIC, "code": "not_authenticated"}))
    }
    lengths = {headers["content-length"] for _, _, headers in answers.values()}
    assert len(lengths) == 1
    # the audit log still tells the operator which it was
    assert login_denials(engine)[-4:] == ["unknown-user", "bad-password", "locked", "disabled"]


def test_login_page_answers_alike_for_locked_disabled_and_unknown(
    client: TestClient, engine: Engine, settings: Settings
) -> None:
    add_user(engine, "locked.one")
    add_user(engine, "disabled.one")
    _lock(client, "locked.one")
    with unit_of_work(make_session_factory(engine)) as session:
        set_disabled(SqlUserRepository(session), "disabled.one", disabled=True)
    client.get("/login")
    cookie = client.cookies.get(CSRF_COOKIE)
    assert cookie
    bodies = []
    for username in ("locked.one", "disabled.one", "nobody.here"):
        response = client.post(
            "/login",
            data={
                "username": username,
                "password": PASSWORD,
                "csrf_token": token_for(settings.secret_key, cookie),
            },
        )
        assert response.status_code == 401
        assert GENERIC in response.text
        assert "this account" not in response.text
        bodies.append(response.text.replace(username, "NAME"))
    assert len(set(bodies)) == 1


def _race(client: TestClient, passwords: list[str]) -> list[int]:
    """Post every password for "ann" at once, each from a thread; the status codes."""
    start = threading.Barrier(len(passwords))
    statuses: list[int] = []

    def guess(password: str) -> None:
        start.wait()
        response = client.post("/api/v1/auth/token", data={"username": "ann", "password": password})
        statuses.append(response.status_code)

    threads = [threading.Thread(target=guess, args=(p,)) for p in passwords]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(statuses) == len(passwords)
    return statuses


@pytest.mark.slow
def test_sixty_parallel_wrong_passwords_get_five_checks(
    client: TestClient, engine: Engine, password_checks: Counter[str]
) -> None:
    add_user(engine, "ann")
    real = stored_hash(engine, "ann")
    statuses = _race(client, [f"wrong guess {n}" for n in range(60)])
    assert set(statuses) == {401}
    assert password_checks[real] == 5, password_checks
    assert password_checks["dummy"] == 55  # the refused ones did the same work
    after = client.post("/api/v1/auth/token", data={"username": "ann", "password": PASSWORD})
    assert after.status_code == 401  # locked now, even with the right password


@pytest.mark.slow
def test_a_right_password_among_parallel_guesses_gets_in_only_with_a_reserved_check(
    client: TestClient, engine: Engine, password_checks: Counter[str]
) -> None:
    add_user(engine, "ann")
    real = stored_hash(engine, "ann")
    statuses = _race(client, [PASSWORD] + [f"wrong guess {n}" for n in range(39)])
    logged_in = statuses.count(200)
    # a success clears the count, so at most five checks before it and five after
    assert password_checks[real] <= 5 * (logged_in + 1), password_checks
    assert sum(password_checks.values()) == 40
    if logged_in == 0:  # five wrong guesses took the checks: the account is locked now
        after = client.post("/api/v1/auth/token", data={"username": "ann", "password": PASSWORD})
        assert after.status_code == 401


def test_reservations_in_parallel_transactions_stop_at_five(engine: Engine) -> None:
    """The repository's atomic reservation, raced directly by 30 threads on this backend."""
    from datetime import UTC, datetime

    from netsafe.platform.users import LockoutPolicy, reserve_login_attempt

    add_user(engine, "ann")
    factory = make_session_factory(engine)
    now = datetime.now(UTC)
    start = threading.Barrier(30)
    granted: list[bool] = []

    def reserve() -> None:
        start.wait()
        with unit_of_work(factory) as session:
            attempt = reserve_login_attempt(SqlUserRepository(session), "ann", now)
        granted.append(attempt.reserved)

    threads = [threading.Thread(target=reserve) for _ in range(30)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert granted.count(True) == LockoutPolicy().max_failures
    with unit_of_work(factory) as session:
        user = SqlUserRepository(session).by_username("ann")
    assert user is not None
    assert user.failed_logins == 5
    assert user.locked_at(now)


def test_success_clears_the_attempts(client: TestClient, engine: Engine) -> None:
    add_user(engine, "ann")
    for _ in range(4):
        client.post("/api/v1/auth/token", data={"username": "ann", "password": "wrong-pass"})
    ok = client.post("/api/v1/auth/token", data={"username": "ann", "password": PASSWORD})
    assert ok.status_code == 200
    with unit_of_work(make_session_factory(engine)) as session:
        user = SqlUserRepository(session).by_username("ann")
    assert user is not None
    assert user.failed_logins == 0
    assert user.locked_until is None
