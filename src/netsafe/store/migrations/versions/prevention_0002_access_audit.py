"""prevention: the charity's own access audit (day, practitioner, action, contact)

Revision ID: prevention_0002
Revises: prevention_0001
Create Date: 2026-11-23
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "prevention_0002"
down_revision: str | Sequence[str] | None = "prevention_0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "prevention_access_audit",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("actor", sa.String(length=63), nullable=False),
        sa.Column("action", sa.String(length=30), nullable=False),
        sa.Column("contact_id", sa.Integer(), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_prevention_access_audit")),
    )


def downgrade() -> None:
    op.drop_table("prevention_access_audit")
