"""operation: when a hand-typed IP address was seen

`referral_identifiers.seen_at` (optional; empty for every identifier stored before): the time an
IP address typed in on a case was seen in use. An address with a time is keyed for
deconfliction as an imported one is; one without stays unkeyed.

Revision ID: operation_0006
Revises: operation_0005
Create Date: 2026-12-04
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "operation_0006"
down_revision: str | Sequence[str] | None = "operation_0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column(
        "referral_identifiers", sa.Column("seen_at", sa.DateTime(timezone=True), nullable=True)
    )


def downgrade() -> None:
    op.drop_column("referral_identifiers", "seen_at")
