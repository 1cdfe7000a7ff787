"""Engine and session factories. Nothing is created at import time."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from sqlalchemy import Engine, create_engine, event, text
from sqlalchemy.orm import Session, sessionmaker

from netsafe.settings import Settings
from netsafe.store.repositories.audit import use_audit_key
from netsafe.store.run_exhibits import keep_runs_linked
from netsafe.store.search_index import keep_search_index


def make_engine(url: str, **kwargs: Any) -> Engine:
    """An engine for `url`; SQLite gets foreign keys, WAL and a busy timeout."""
    if url.startswith("sqlite"):
        engine = create_engine(url, connect_args={"timeout": 30}, **kwargs)
        event.listen(engine, "connect", _sqlite_pragmas)
        return engine
    return create_engine(url, pool_pre_ping=True, **kwargs)


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()


def engine_from_settings(settings: Settings, *, pool_size: int | None = None) -> Engine:
    """The engine for the configured database (creating NETSAFE_HOME for the SQLite default).

    `pool_size`: connections kept open (a server process gives the most it uses at once, so
    that busy moments do not open and close a PostgreSQL connection, a new backend process, per
    request); SQLAlchemy's default of 5 otherwise. Not applied to SQLite."""
    if settings.database_url is None:
        settings.ensure_home()
    url = settings.sqlalchemy_url
    if pool_size is None or url.startswith("sqlite"):
        engine = make_engine(url)
    else:
        engine = make_engine(url, pool_size=pool_size)
    use_audit_key(engine, settings.audit_hmac_key)
    return engine


def make_session_factory(engine: Engine) -> sessionmaker[Session]:
    """Sessions that keep loaded objects usable after commit, and the search index and the
    triage runs' exhibits in step with their writes; the caller commits."""
    sessions = sessionmaker(engine, expire_on_commit=False)
    keep_search_index(sessions)
    keep_runs_linked(sessions)
    return sessions


@contextmanager
def unit_of_work(factory: sessionmaker[Session]) -> Iterator[Session]:
    """One transaction: commits when the block ends normally, rolls back on any exception."""
    with factory() as session, session.begin():
        yield session


def database_reachable(engine: Engine) -> bool:
    """True when a `SELECT 1` succeeds."""
    try:
        with engine.connect() as connection:
            connection.execute(text("SELECT 1"))
    except Exception:
        return False
    return True
