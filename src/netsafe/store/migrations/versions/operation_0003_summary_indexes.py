"""operation: covering partial indexes for the dashboard's counts (index-only scans)

Revision ID: operation_0003
Revises: operation_0002
Create Date: 2026-11-23
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "operation_0003"
down_revision: str | Sequence[str] | None = "operation_0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

OPEN = "status <> 'closed'"
LATE = "responded_at > deadline_at"


def upgrade() -> None:
    op.drop_index("ix_referrals_answered_late", table_name="referrals")
    op.create_index(
        "ix_referrals_answered_late",
        "referrals",
        ["force", "restricted", "id"],
        postgresql_where=sa.text(LATE),
        sqlite_where=sa.text(LATE),
    )
    op.create_index(
        "ix_referrals_open_summary",
        "referrals",
        ["force", "risk_band", "deadline_at", "responded_at", "restricted", "id"],
        postgresql_where=sa.text(OPEN),
        sqlite_where=sa.text(OPEN),
    )


def downgrade() -> None:
    op.drop_index("ix_referrals_open_summary", table_name="referrals")
    op.drop_index("ix_referrals_answered_late", table_name="referrals")
    op.create_index(
        "ix_referrals_answered_late",
        "referrals",
        ["force"],
        postgresql_where=sa.text(LATE),
        sqlite_where=sa.text(LATE),
    )
