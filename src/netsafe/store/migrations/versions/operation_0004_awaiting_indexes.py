"""operation: partial indexes for referrals awaiting a response, in queue order

The queue page and the dashboard's "due next" list read open referrals with no response yet,
earliest deadline first, a page at a time: with these the database reads just that page
(an index scan stopping at the LIMIT) instead of every awaiting referral, sorted.

Revision ID: operation_0004
Revises: operation_0003
Create Date: 2026-11-23
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "operation_0004"
down_revision: str | Sequence[str] | None = "operation_0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

AWAITING = "status <> 'closed' AND responded_at IS NULL"


def upgrade() -> None:
    op.create_index(
        "ix_referrals_awaiting_deadline",
        "referrals",
        ["deadline_at", "id"],
        postgresql_where=sa.text(AWAITING),
        sqlite_where=sa.text(AWAITING),
    )
    op.create_index(
        "ix_referrals_awaiting_force_deadline",
        "referrals",
        ["force", "deadline_at", "id"],
        postgresql_where=sa.text(AWAITING),
        sqlite_where=sa.text(AWAITING),
    )


def downgrade() -> None:
    op.drop_index("ix_referrals_awaiting_force_deadline", table_name="referrals")
    op.drop_index("ix_referrals_awaiting_deadline", table_name="referrals")
