"""prevention: anonymous contact records, self-help and deterrence-funnel daily counters

Revision ID: prevention_0001
Revises: 0001
Create Date: 2026-11-23
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "prevention_0001"
down_revision: str | Sequence[str] | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "prevention_contacts",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("contact_date", sa.Date(), nullable=False),
        sa.Column("channel", sa.String(length=20), nullable=False),
        sa.Column("who", sa.String(length=20), nullable=False),
        sa.Column("concern_online_images", sa.Boolean(), nullable=False),
        sa.Column("concern_online_contact", sa.Boolean(), nullable=False),
        sa.Column("concern_offline", sa.Boolean(), nullable=False),
        sa.Column("area", sa.String(length=20), nullable=False),
        sa.Column("heard_via", sa.String(length=30), nullable=False),
        sa.Column("protective_actions", sa.Text(), nullable=False),
        sa.Column("notes", sa.Text(), nullable=False),
        sa.Column("follow_ups", sa.Integer(), nullable=False),
        sa.Column("code_word_hash", sa.String(length=64), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_prevention_contacts")),
    )
    op.create_index(
        op.f("ix_prevention_contacts_contact_date"),
        "prevention_contacts",
        ["contact_date"],
        unique=False,
    )
    op.create_index(
        op.f("ix_prevention_contacts_code_word_hash"),
        "prevention_contacts",
        ["code_word_hash"],
        unique=False,
    )
    op.create_table(
        "prevention_self_help_counts",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("module", sa.String(length=60), nullable=False),
        sa.Column("event", sa.String(length=20), nullable=False),
        sa.Column("count", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_prevention_self_help_counts")),
        sa.UniqueConstraint(
            "day", "module", "event", name=op.f("uq_prevention_self_help_counts_day_module_event")
        ),
    )
    op.create_table(
        "prevention_funnel_counts",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("step", sa.String(length=30), nullable=False),
        sa.Column("count", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_prevention_funnel_counts")),
        sa.UniqueConstraint("day", "step", name=op.f("uq_prevention_funnel_counts_day_step")),
    )


def downgrade() -> None:
    op.drop_table("prevention_funnel_counts")
    op.drop_table("prevention_self_help_counts")
    op.drop_index(op.f("ix_prevention_contacts_code_word_hash"), table_name="prevention_contacts")
    op.drop_index(op.f("ix_prevention_contacts_contact_date"), table_name="prevention_contacts")
    op.drop_table("prevention_contacts")
