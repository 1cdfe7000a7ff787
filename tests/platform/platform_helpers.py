"""Helpers for the platform tests: agencies, users made through the service, a web client."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import Engine

from netsafe.operation.agencies import ensure_agencies
from netsafe.operation.roles import Role
from netsafe.operation.users import User, create_user
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
