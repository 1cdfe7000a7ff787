"""platform: per-user session generation (logout ends sessions), the shared report rate limit

Revision ID: platform_0003
Revises: platform_0002
Create Date: 2026-11-23
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "platform_0003"
down_revision: str | Sequence[str] | None = "platform_0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("users") as batch:
        batch.add_column(
            sa.Column("session_generation", sa.Integer(), nullable=False, server_default="0")
        )
    op.create_table(
        "report_rate",
        sa.Column("client_key", sa.String(length=64), nullable=False),
        sa.Column("time_window", sa.BigInteger(), nullable=False),
        sa.Column("reports", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("client_key", "time_window", name=op.f("pk_report_rate")),
    )
    op.create_index("ix_report_rate_window", "report_rate", ["time_window"])


def downgrade() -> None:
    op.drop_index("ix_report_rate_window", table_name="report_rate")
    op.drop_table("report_rate")
    with op.batch_alter_table("users") as batch:
        batch.drop_column("session_generation")
