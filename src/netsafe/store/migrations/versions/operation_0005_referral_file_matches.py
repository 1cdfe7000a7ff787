"""operation: the list matches of a referral's reported files

`referral_files.matched_at` (when the file's hashes were last asked of the lists; empty for
the files stored before: the next list import matches them) and `referral_file_matches` (the
list entries they matched), for files typed in by hand and those of an imported report alike.

Revision ID: operation_0005
Revises: work_0001
Create Date: 2026-12-04
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "operation_0005"
down_revision: str | Sequence[str] | None = "work_0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column(
        "referral_files", sa.Column("matched_at", sa.DateTime(timezone=True), nullable=True)
    )
    op.create_table(
        "referral_file_matches",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("referral_file_id", sa.Integer(), nullable=False),
        sa.Column("list_name", sa.String(length=200), nullable=False),
        sa.Column("entry_id", sa.Integer(), nullable=False),
        sa.Column("category", sa.String(length=20), nullable=False),
        sa.Column("signal", sa.String(length=20), nullable=False),
        sa.Column("distance", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["referral_file_id"],
            ["referral_files.id"],
            name=op.f("fk_referral_file_matches_referral_file_id_referral_files"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_referral_file_matches")),
    )
    op.create_index(
        op.f("ix_referral_file_matches_referral_file_id"),
        "referral_file_matches",
        ["referral_file_id"],
    )


def downgrade() -> None:
    op.drop_index(
        op.f("ix_referral_file_matches_referral_file_id"), table_name="referral_file_matches"
    )
    op.drop_table("referral_file_matches")
    op.drop_column("referral_files", "matched_at")
