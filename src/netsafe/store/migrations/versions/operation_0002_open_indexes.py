"""operation: partial indexes for open referrals (queue, dashboard) and late answers

Revision ID: operation_0002
Revises: operation_0001
Create Date: 2026-11-23
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "operation_0002"
down_revision: str | Sequence[str] | None = "operation_0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

OPEN = "status <> 'closed'"
LATE = "responded_at > deadline_at"


def upgrade() -> None:
    op.drop_index("ix_referrals_force_status_deadline", table_name="referrals")
    op.drop_index("ix_referrals_status_deadline", table_name="referrals")
    op.create_index(
        "ix_referrals_open_deadline",
        "referrals",
        ["deadline_at"],
        postgresql_where=sa.text(OPEN),
        sqlite_where=sa.text(OPEN),
    )
    op.create_index(
        "ix_referrals_open_force_deadline",
        "referrals",
        ["force", "deadline_at"],
        postgresql_where=sa.text(OPEN),
        sqlite_where=sa.text(OPEN),
    )
    op.create_index(
        "ix_referrals_answered_late",
        "referrals",
        ["force"],
        postgresql_where=sa.text(LATE),
        sqlite_where=sa.text(LATE),
    )


def downgrade() -> None:
    op.drop_index("ix_referrals_answered_late", table_name="referrals")
    op.drop_index("ix_referrals_open_force_deadline", table_name="referrals")
    op.drop_index("ix_referrals_open_deadline", table_name="referrals")
    op.create_index(
        "ix_referrals_status_deadline", "referrals", ["status", "deadline_at"], unique=False
    )
    op.create_index(
        "ix_referrals_force_status_deadline",
        "referrals",
        ["force", "status", "deadline_at"],
        unique=False,
    )
