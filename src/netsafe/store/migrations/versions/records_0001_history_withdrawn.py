"""records: corrections kept as history, and records withdrawn rather than deleted

`record_history` keeps every correction, withdrawal and reopening of a casework record: which
record (kind and id, and its referral), what was done, when, by whom, why, and what changed
(each field's earlier and new value). Each record table, and `referrals`, gets `withdrawn_at`:
a record entered in error is withdrawn (kept, shown as withdrawn, left out of the figures).

The columns are added with a plain ALTER TABLE (nullable, no constraint): no table is rebuilt.

Revision ID: records_0001
Revises: trust_0001
Create Date: 2026-12-03
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "records_0001"
down_revision: str | Sequence[str] | None = "trust_0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

TABLES = (
    "referrals",
    "subjects",
    "risk_assessments",
    "warrants",
    "arrests",
    "exhibits",
    "custody_events",
    "safeguarding_records",
    "outcomes",
)


def upgrade() -> None:
    op.create_table(
        "record_history",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("kind", sa.String(length=40), nullable=False),
        sa.Column("record_id", sa.Integer(), nullable=False),
        sa.Column(
            "referral_id",
            sa.Integer(),
            sa.ForeignKey("referrals.id", name="fk_record_history_referral_id_referrals"),
            nullable=False,
        ),
        sa.Column("action", sa.String(length=20), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("by", sa.String(length=63), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("changes", sa.JSON(), nullable=False),
    )
    op.create_index("ix_record_history_record", "record_history", ["kind", "record_id"])
    op.create_index("ix_record_history_referral_id", "record_history", ["referral_id"])
    for table in TABLES:
        op.add_column(table, sa.Column("withdrawn_at", sa.DateTime(timezone=True), nullable=True))


def downgrade() -> None:
    for table in TABLES:
        with op.batch_alter_table(table) as batch:
            batch.drop_column("withdrawn_at")
    op.drop_index("ix_record_history_referral_id", table_name="record_history")
    op.drop_index("ix_record_history_record", table_name="record_history")
    op.drop_table("record_history")
