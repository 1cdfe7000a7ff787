"""signals: a triage finding keeps its signal's scores; signal names up to 40 characters

Revision ID: signals_0002
Revises: signals_0001, triage_0001
Create Date: 2026-12-03
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "signals_0002"
down_revision: str | Sequence[str] | None = ("signals_0001", "triage_0001")
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("triage_findings") as batch:
        batch.add_column(sa.Column("scores", sa.JSON(), nullable=True))
        batch.alter_column("signal", existing_type=sa.String(length=10), type_=sa.String(length=40))


def downgrade() -> None:
    with op.batch_alter_table("triage_findings") as batch:
        batch.alter_column("signal", existing_type=sa.String(length=40), type_=sa.String(length=10))
        batch.drop_column("scores")
