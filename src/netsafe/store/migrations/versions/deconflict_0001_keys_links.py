"""deconflict: identifier keys of imported referrals and the links between referrals sharing one

New tables only (`deconfliction_keys`, `deconfliction_links`); rows go with their referral.

Revision ID: deconflict_0001
Revises: intake_0001
Create Date: 2026-12-03
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "deconflict_0001"
down_revision: str | Sequence[str] | None = "intake_0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _referral_fk(table: str, column: str) -> sa.ForeignKeyConstraint:
    return sa.ForeignKeyConstraint(
        [column],
        ["referrals.id"],
        name=op.f(f"fk_{table}_{column}_referrals"),
        ondelete="CASCADE",
    )


def upgrade() -> None:
    op.create_table(
        "deconfliction_keys",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("referral_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("key", sa.String(length=1000), nullable=False),
        sa.Column("value_key", sa.String(length=1000), nullable=False),
        sa.Column("seen_at", sa.DateTime(timezone=True), nullable=True),
        _referral_fk("deconfliction_keys", "referral_id"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_deconfliction_keys")),
    )
    op.create_index("ix_deconfliction_keys_key", "deconfliction_keys", ["key", "kind"])
    op.create_index("ix_deconfliction_keys_value_key", "deconfliction_keys", ["value_key"])
    op.create_index(
        op.f("ix_deconfliction_keys_referral_id"), "deconfliction_keys", ["referral_id"]
    )
    op.create_table(
        "deconfliction_links",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("referral_id", sa.Integer(), nullable=False),
        sa.Column("other_referral_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("key", sa.String(length=1000), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        _referral_fk("deconfliction_links", "referral_id"),
        _referral_fk("deconfliction_links", "other_referral_id"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_deconfliction_links")),
        sa.UniqueConstraint(
            "referral_id",
            "other_referral_id",
            "kind",
            "key",
            name=op.f("uq_deconfliction_links_referral_id_other_referral_id_kind_key"),
        ),
    )
    op.create_index(
        op.f("ix_deconfliction_links_referral_id"), "deconfliction_links", ["referral_id"]
    )
    op.create_index(
        op.f("ix_deconfliction_links_other_referral_id"),
        "deconfliction_links",
        ["other_referral_id"],
    )


def downgrade() -> None:
    op.drop_table("deconfliction_links")
    op.drop_table("deconfliction_keys")
