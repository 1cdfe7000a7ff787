"""trust: exhibit references unique per force, not across the operation

Each exhibit takes its referral's force (`exhibits.force`); the unique constraint moves from
`reference` to `(force, reference)`, so two forces may use the same reference and refusing one
never tells a force about another's exhibit. `reference` keeps an index (triage runs are found
by it).

SQLite recreates a table to change its constraints, and with foreign keys on it cannot drop a
table others refer to: the custody events' foreign key to exhibits is taken off while exhibits
is rebuilt, then put back.

Revision ID: trust_0001
Revises: operation_0004
Create Date: 2026-12-03
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "trust_0001"
down_revision: str | Sequence[str] | None = "operation_0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

CUSTODY_FK = "fk_custody_events_exhibit_id_exhibits"
FILL_FORCE = (
    "UPDATE exhibits SET force = "
    "(SELECT referrals.force FROM referrals WHERE referrals.id = exhibits.referral_id)"
)


def _rebuild(change: str) -> None:
    sqlite = op.get_bind().dialect.name == "sqlite"
    if sqlite:
        with op.batch_alter_table("custody_events") as batch:
            batch.drop_constraint(CUSTODY_FK, type_="foreignkey")
    with op.batch_alter_table("exhibits") as batch:
        if change == "per-force":
            batch.alter_column("force", existing_type=sa.String(40), nullable=False)
            batch.drop_constraint("uq_exhibits_reference", type_="unique")
            batch.create_unique_constraint("uq_exhibits_force_reference", ["force", "reference"])
            batch.create_index("ix_exhibits_reference", ["reference"])
        else:
            batch.drop_index("ix_exhibits_reference")
            batch.drop_constraint("uq_exhibits_force_reference", type_="unique")
            batch.create_unique_constraint("uq_exhibits_reference", ["reference"])
            batch.drop_column("force")
    if sqlite:
        with op.batch_alter_table("custody_events") as batch:
            batch.create_foreign_key(CUSTODY_FK, "exhibits", ["exhibit_id"], ["id"])


def upgrade() -> None:
    with op.batch_alter_table("exhibits") as batch:
        batch.add_column(sa.Column("force", sa.String(length=40), nullable=True))
    op.execute(FILL_FORCE)
    _rebuild("per-force")


def downgrade() -> None:
    _rebuild("global")
