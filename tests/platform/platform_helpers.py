"""Helpers for the platform tests: agencies, users made through the service, a web client."""

from __future__ import annotations

import threading
from collections.abc import Callable
from datetime import UTC, datetime

from sqlalchemy import Engine, text

from netsafe.platform.agencies import ensure_agencies
from netsafe.platform.audit import AuditEvent
from netsafe.platform.roles import Role
from netsafe.platform.users import User, create_user
from netsafe.store.audit_seal import append_at_commit
from netsafe.store.engine import make_session_factory, unit_of_work
from netsafe.store.repositories.agencies import SqlAgencyRepository
from netsafe.store.repositories.users import SqlUserRepository

PASSWORD = "correct horse battery staple"


def add_user(
    engine: Engine,
    username: str = "gwent.investigator",
    *,
    agency: str = "gwent",
    role: Role = Role.INVESTIGATOR,
    password: str = PASSWORD,
) -> User:
    """Agencies (if missing) and one user, committed."""
    with unit_of_work(make_session_factory(engine)) as session:
        ensure_agencies(SqlAgencyRepository(session))
        return create_user(
            SqlUserRepository(session),
            SqlAgencyRepository(session),
            username=username,
            agency=agency,
            role=role,
            password=password,
            now=datetime.now(UTC),
        )


def append_concurrently(
    engine: Engine, make_event: Callable[[int], AuditEvent], writers: int = 8, each: int = 25
) -> list[BaseException]:
    """`writers` threads, started together, each commit `each` transactions that did other work
    first and append one audit event; the errors they raised (none expected)."""
    factory = make_session_factory(engine)
    errors: list[BaseException] = []
    start = threading.Barrier(writers)

    def writer(worker: int) -> None:
        try:
            start.wait()
            for n in range(each):
                with unit_of_work(factory) as session:
                    session.execute(text("SELECT 1"))
                    append_at_commit(session, [make_event(worker * 100 + n)])
        except BaseException as error:
            errors.append(error)

    threads = [threading.Thread(target=writer, args=(w,)) for w in range(writers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return errors
