"""signals: values of list entries' signals that have no column of their own (entry, signal, value)

Revision ID: signals_0001
Revises: hashlists_0001
Create Date: 2026-12-03
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "signals_0001"
down_revision: str | Sequence[str] | None = "hashlists_0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "hashlist_entry_signals",
        sa.Column("entry_id", sa.BigInteger(), nullable=False),
        sa.Column("signal", sa.String(length=40), nullable=False),
        sa.Column("list_id", sa.Integer(), nullable=False),
        sa.Column("value", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("entry_id", "signal", name=op.f("pk_hashlist_entry_signals")),
    )
    op.create_index(
        "ix_hashlist_entry_signals_list_id_entry_id",
        "hashlist_entry_signals",
        ["list_id", "entry_id"],
        unique=False,
    )


def downgrade() -> None:
    op.drop_index("ix_hashlist_entry_signals_list_id_entry_id", table_name="hashlist_entry_signals")
    op.drop_table("hashlist_entry_signals")
