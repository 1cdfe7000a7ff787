"""Shared fixtures. Storage tests run once per database backend: SQLite always, PostgreSQL too when
NETSAFE_TEST_POSTGRES_URL is set (each test in a schema of its own, dropped afterwards).

Use `database_url`, `engine` (migrated), `session` (one transaction, rolled back) or `settings`
in a test and it becomes a storage test, run on every backend.
"""

from __future__ import annotations

import os
import uuid
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import anyio._core._fileio  # noqa: F401 (see below)
import pytest
from argon2 import PasswordHasher
from fastapi.testclient import TestClient
from sqlalchemy import Engine, create_engine, make_url, text
from sqlalchemy.orm import Session

from netsafe.platform import users
from netsafe.platform.roles import Role
from netsafe.settings import Settings, load_settings
from netsafe.store.engine import make_engine, make_session_factory
from netsafe.store.migrate import upgrade
from tests.migrated_template import PostgresTemplate, SqliteTemplate, pg_dump_available

if TYPE_CHECKING:
    from tests.web.support import Bearer

# `anyio._core._fileio` is imported up front, in the main thread: anyio loads it on first use
# (starlette's static files, in a real server's thread), pytest rewrites anyio's modules (it is a
# pytest plugin), and CPython 3.11's parser run in two threads at once fails ("AST constructor
# recursion depth mismatch"), which failed a real-server test once its worker was the first to
# serve a static file.
POSTGRES_URL = os.environ.get("NETSAFE_TEST_POSTGRES_URL")
BACKENDS = ["sqlite", "postgresql"] if POSTGRES_URL else ["sqlite"]
SHARED_TESTDATA = Path(__file__).resolve().parents[2] / "shared" / "testdata"
_ran_on: Counter[str] = Counter()
#: Cheaper argon2 work factors so the suite's many logins stay fast: the algorithm (argon2id) and
#: the code paths are the production ones; only the work factors drop.
_FAST_HASHER = PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1)


@pytest.fixture(autouse=True)
def fast_password_hashing(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(users, "_hasher", _FAST_HASHER)


@pytest.fixture(params=BACKENDS)
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """An empty database on each backend: a SQLite file, or a fresh PostgreSQL schema."""
    backend: str = request.param
    _ran_on[backend] += 1
    if backend == "sqlite":
        yield f"sqlite:///{tmp_path / 'netsafe-test.db'}"
        return
    assert POSTGRES_URL is not None
    schema = f"test_{uuid.uuid4().hex[:16]}"
    admin = create_engine(POSTGRES_URL)
    with admin.begin() as connection:
        connection.execute(text(f'CREATE SCHEMA "{schema}"'))
    url = make_url(POSTGRES_URL).update_query_dict({"options": f"-csearch_path={schema}"})
    try:
        yield url.render_as_string(hide_password=False)
    finally:
        with admin.begin() as connection:
            connection.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> SqliteTemplate:
    return SqliteTemplate(tmp_path_factory.mktemp("template"))


@pytest.fixture(scope="session")
def postgres_template() -> PostgresTemplate | None:
    """None when pg_dump is missing: each test then runs the migrations itself."""
    assert POSTGRES_URL is not None
    return PostgresTemplate(POSTGRES_URL) if pg_dump_available() else None


@pytest.fixture
def engine(database_url: str, request: pytest.FixtureRequest) -> Iterator[Engine]:
    """An engine on a freshly migrated database (a copy of the session's migrated template)."""
    url = make_url(database_url)
    if url.get_backend_name() == "sqlite":
        request.getfixturevalue("sqlite_template").copy_to(database_url)
        engine = make_engine(database_url)
    else:
        template: PostgresTemplate | None = request.getfixturevalue("postgres_template")
        engine = make_engine(database_url)
        if template is None:
            upgrade(engine)
        else:
            schema = str(url.query["options"]).removeprefix("-csearch_path=")
            admin = create_engine(template.admin_url)
            with admin.begin() as connection:
                connection.execute(text(f'DROP SCHEMA "{schema}"'))
            template.copy_to(admin, schema)
            admin.dispose()
    yield engine
    engine.dispose()


@pytest.fixture
def session(engine: Engine) -> Iterator[Session]:
    """A session in one transaction, rolled back at the end."""
    with make_session_factory(engine)() as session, session.begin():
        yield session
        session.rollback()


@pytest.fixture
def settings(tmp_path: Path, engine: Engine) -> Settings:
    """Test settings: a home in tmp_path and the migrated test database."""
    return load_settings(
        env="test",
        home=tmp_path / "home",
        database_url=engine.url.render_as_string(hide_password=False),
        secret_key="test-secret-key-0123456789abcdef",
    )


@pytest.fixture
def cli_env(settings: Settings, monkeypatch: pytest.MonkeyPatch) -> Settings:
    """The CLI run in process (tests/cli_runner.py) against this test's home and database, with no
    Dask scheduler from the environment. A module needing more (seeded rows) extends it:
    `def cli_env(cli_env, engine)`."""
    monkeypatch.setenv("NETSAFE_ENV", "test")
    monkeypatch.setenv("NETSAFE_HOME", str(settings.home))
    monkeypatch.setenv("NETSAFE_DATABASE_URL", settings.sqlalchemy_url)
    monkeypatch.setenv("NETSAFE_SECRET_KEY", settings.secret_key)
    monkeypatch.delenv("NETSAFE_DASK_SCHEDULER", raising=False)
    return settings


@pytest.fixture
def client(settings: Settings) -> Iterator[TestClient]:
    """The web app on this test's database, redirects not followed (a page's 303 is checked as
    such). A module that needs something first (seeded records, a file in NETSAFE_HOME) adds an
    autouse fixture, or extends this one (`def client(settings, client)`); only a module serving
    a special app (tests/web/test_input_guard.py: a failing route, errors as responses) makes its
    own. Authorization headers: the `bearer` fixture below."""
    from netsafe.web.app import create_app

    with TestClient(create_app(settings), follow_redirects=False) as test_client:
        yield test_client


@pytest.fixture
def bearer(engine: Engine, settings: Settings) -> Bearer:
    """`bearer(role, agency=None, *, username=None)`: the Authorization header of a new user on
    this test's database (`tests/web/support.py`)."""
    from tests.web.support import bearer_headers

    def make(
        role: Role, agency: str | None = None, *, username: str | None = None
    ) -> dict[str, str]:
        return bearer_headers(engine, settings, role, agency, username=username)

    return make


@pytest.fixture
def shared_testdata() -> Path:
    """../shared/testdata (Meta's PDQ reference images and hashes)."""
    if not SHARED_TESTDATA.is_dir():
        pytest.skip(f"shared test data not found at {SHARED_TESTDATA}")
    return SHARED_TESTDATA


def pytest_sessionfinish(session: pytest.Session) -> None:
    """An xdist worker hands its backend counts to the controller (`pytest_testnodedown`)."""
    workeroutput = getattr(session.config, "workeroutput", None)
    if workeroutput is not None:
        workeroutput["netsafe_ran_on"] = dict(_ran_on)


@pytest.hookimpl(optionalhook=True)
def pytest_testnodedown(node: object, error: object) -> None:
    """The controller adds up what each xdist worker ran on each backend."""
    _ran_on.update(getattr(node, "workeroutput", {}).get("netsafe_ran_on", {}))


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    backends = ", ".join(f"{count} on {name}" for name, count in sorted(_ran_on.items()))
    terminalreporter.write_line(f"storage tests: {backends or 'none'}")
    if not POSTGRES_URL:
        terminalreporter.write_line(
            "storage tests ran on SQLite only: set NETSAFE_TEST_POSTGRES_URL to add PostgreSQL"
        )
