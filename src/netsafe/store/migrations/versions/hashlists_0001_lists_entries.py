"""hashlists: known-hash lists, their entries, and removals per version

Revision ID: hashlists_0001
Revises: 0001
Create Date: 2026-11-23
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "hashlists_0001"
down_revision: str | Sequence[str] | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

ENTRY_ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    op.create_table(
        "hashlists",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("source", sa.Text(), nullable=True),
        sa.Column("version", sa.String(length=200), nullable=True),
        sa.Column("released", sa.Date(), nullable=True),
        sa.Column("handling_note", sa.Text(), nullable=True),
        sa.Column("action", sa.String(length=10), nullable=False),
        sa.Column("max_distance", sa.Integer(), nullable=False),
        sa.Column("quality_floor", sa.Integer(), nullable=False),
        sa.Column("format", sa.String(length=10), nullable=False),
        sa.Column("entry_count", sa.BigInteger(), nullable=False),
        sa.Column("revision", sa.Integer(), nullable=False),
        sa.Column("category_counts", sa.JSON(), nullable=False),
        sa.Column("imported_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_hashlists")),
        sa.UniqueConstraint("name", name=op.f("uq_hashlists_name")),
        sqlite_autoincrement=True,
    )
    op.create_table(
        "hashlist_entries",
        sa.Column("id", ENTRY_ID, autoincrement=False, nullable=False),
        sa.Column("list_id", sa.Integer(), nullable=False),
        sa.Column("revision", sa.Integer(), nullable=False),
        sa.Column("md5", sa.LargeBinary(length=16), nullable=True),
        sa.Column("sha1", sa.LargeBinary(length=20), nullable=True),
        sa.Column("sha256", sa.LargeBinary(length=32), nullable=True),
        sa.Column("pdq", sa.LargeBinary(length=32), nullable=True),
        sa.Column("category", sa.String(length=16), nullable=False),
        sa.Column("media_size", sa.BigInteger(), nullable=True),
        sa.Column("series", sa.Text(), nullable=True),
        sa.Column("victim_identified", sa.Boolean(), nullable=True),
        sa.Column("comments", sa.Text(), nullable=True),
        sa.Column("source_id", sa.Text(), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_hashlist_entries")),
    )
    op.create_index(
        "ix_hashlist_entries_list_id_id", "hashlist_entries", ["list_id", "id"], unique=False
    )
    op.create_table(
        "hashlist_removals",
        sa.Column("list_id", sa.Integer(), nullable=False),
        sa.Column("revision", sa.Integer(), nullable=False),
        sa.Column("entry_id", sa.BigInteger(), nullable=False),
        sa.ForeignKeyConstraint(
            ["list_id"], ["hashlists.id"], name=op.f("fk_hashlist_removals_list_id_hashlists")
        ),
        sa.PrimaryKeyConstraint(
            "list_id", "revision", "entry_id", name=op.f("pk_hashlist_removals")
        ),
    )


def downgrade() -> None:
    op.drop_table("hashlist_removals")
    op.drop_index("ix_hashlist_entries_list_id_id", table_name="hashlist_entries")
    op.drop_table("hashlist_entries")
    op.drop_table("hashlists")
