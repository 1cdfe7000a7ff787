"""triage: a finding says whether its file was carved out of unallocated or unpartitioned space

Revision ID: triage_0003
Revises: triage_0001
Create Date: 2026-12-03
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "triage_0003"
down_revision: str | Sequence[str] | None = "triage_0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("triage_findings") as batch:
        batch.add_column(
            sa.Column("carved", sa.Boolean(), nullable=False, server_default=sa.false())
        )


def downgrade() -> None:
    with op.batch_alter_table("triage_findings") as batch:
        batch.drop_column("carved")
