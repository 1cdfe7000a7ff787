"""demo: the ledger of seeded demo data sets

Revision ID: demo_0001
Revises: 0001
Create Date: 2026-11-23
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "demo_0001"
down_revision: str | Sequence[str] | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "demo_datasets",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.Column("seed", sa.Integer(), nullable=False),
        sa.Column("seeded_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("added", sa.JSON(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_demo_datasets")),
        sa.UniqueConstraint("name", name=op.f("uq_demo_datasets_name")),
    )


def downgrade() -> None:
    op.drop_table("demo_datasets")
