"""work: case owners and actions

`case_owners` gives a referral its owner (who assigned them, when); `case_actions` holds the
tasks on a case, each with an assignee, a due date and a state (open, done, cancelled), indexed
for "My work" (a user's open actions by due date).

Revision ID: work_0001
Revises: trust_0001
Create Date: 2026-12-03
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "work_0001"
down_revision: str | Sequence[str] | None = "trust_0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "case_owners",
        sa.Column("referral_id", sa.Integer(), nullable=False),
        sa.Column("username", sa.String(length=63), nullable=False),
        sa.Column("assigned_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("assigned_by", sa.String(length=63), nullable=False),
        sa.ForeignKeyConstraint(
            ["referral_id"],
            ["referrals.id"],
            name=op.f("fk_case_owners_referral_id_referrals"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("referral_id", name=op.f("pk_case_owners")),
    )
    op.create_index(op.f("ix_case_owners_username"), "case_owners", ["username"])
    op.create_table(
        "case_actions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("referral_id", sa.Integer(), nullable=False),
        sa.Column("title", sa.String(length=500), nullable=False),
        sa.Column("assignee", sa.String(length=63), nullable=False),
        sa.Column("due_on", sa.Date(), nullable=False),
        sa.Column("state", sa.String(length=20), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("created_by", sa.String(length=63), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("updated_by", sa.String(length=63), nullable=True),
        sa.ForeignKeyConstraint(
            ["referral_id"],
            ["referrals.id"],
            name=op.f("fk_case_actions_referral_id_referrals"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_case_actions")),
    )
    op.create_index(op.f("ix_case_actions_referral_id"), "case_actions", ["referral_id"])
    op.create_index(
        "ix_case_actions_assignee_state_due", "case_actions", ["assignee", "state", "due_on"]
    )


def downgrade() -> None:
    op.drop_index("ix_case_actions_assignee_state_due", table_name="case_actions")
    op.drop_index(op.f("ix_case_actions_referral_id"), table_name="case_actions")
    op.drop_table("case_actions")
    op.drop_index(op.f("ix_case_owners_username"), table_name="case_owners")
    op.drop_table("case_owners")
