"""Storage: migrations match the models, constraints are named, the caller owns transactions."""

from __future__ import annotations

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import Engine, inspect
from sqlalchemy.orm import Session

from netsafe.platform.agencies import OPERATION_AGENCIES, ensure_agencies
from netsafe.store.engine import database_reachable, make_session_factory, unit_of_work
from netsafe.store.migrate import current_revisions, head_revisions, upgrade
from netsafe.store.models import Base
from netsafe.store.models.search import outside_the_models
from netsafe.store.repositories.agencies import SqlAgencyRepository


def test_migrations_reach_every_head_and_match_the_models(engine: Engine) -> None:
    assert current_revisions(engine) == head_revisions(engine)
    with engine.connect() as connection:
        context = MigrationContext.configure(
            connection,
            opts={"include_name": lambda name, _type, _parents: not outside_the_models(name)},
        )
        diff = compare_metadata(context, Base.metadata)
    assert diff == [], f"models and migrations differ: {diff}"


def test_upgrade_is_idempotent(engine: Engine) -> None:
    before = current_revisions(engine)
    upgrade(engine)
    assert current_revisions(engine) == before


def test_constraints_follow_the_naming_convention(engine: Engine) -> None:
    inspector = inspect(engine)
    for table in inspector.get_table_names():
        if table == "alembic_version":
            continue
        assert inspector.get_pk_constraint(table)["name"] in (f"pk_{table}", None)
        for unique in inspector.get_unique_constraints(table):
            assert unique["name"].startswith(f"uq_{table}_")
        for foreign in inspector.get_foreign_keys(table):
            assert foreign["name"].startswith(f"fk_{table}_")


def test_ensure_agencies_is_idempotent(session: Session) -> None:
    repository = SqlAgencyRepository(session)
    assert len(ensure_agencies(repository)) == len(OPERATION_AGENCIES)
    assert ensure_agencies(repository) == []
    assert [a.slug for a in repository.all()] == [a.slug for a in OPERATION_AGENCIES]


def test_unit_of_work_rolls_back_on_error(engine: Engine) -> None:
    factory = make_session_factory(engine)

    def add_then_fail() -> None:
        with unit_of_work(factory) as session:
            ensure_agencies(SqlAgencyRepository(session))
            raise RuntimeError("boom")

    with pytest.raises(RuntimeError, match="boom"):
        add_then_fail()
    with unit_of_work(factory) as session:
        assert SqlAgencyRepository(session).all() == []


def test_unit_of_work_commits(engine: Engine) -> None:
    factory = make_session_factory(engine)
    with unit_of_work(factory) as session:
        ensure_agencies(SqlAgencyRepository(session))
    with unit_of_work(factory) as session:
        assert SqlAgencyRepository(session).get("gwent") is not None


def test_database_reachable(engine: Engine) -> None:
    assert database_reachable(engine)
