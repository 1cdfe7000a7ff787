"""Alembic environment: runs against the engine handed over in the config's attributes."""

from __future__ import annotations

from alembic import context
from sqlalchemy import Engine

from netsafe.store.models import Base
from netsafe.store.models.search import outside_the_models

engine = context.config.attributes.get("engine")
if not isinstance(engine, Engine):  # pragma: no cover - only when alembic is run by hand
    raise RuntimeError("run migrations with `netsafe db upgrade`")

with engine.connect() as connection:
    context.configure(
        connection=connection,
        target_metadata=Base.metadata,
        render_as_batch=connection.dialect.name == "sqlite",
        compare_type=True,
        # the search index's FTS5 table and trigram index are the migration's alone
        include_name=lambda name, _type, _parents: not outside_the_models(name),
    )
    with context.begin_transaction():
        context.run_migrations()
    connection.commit()
