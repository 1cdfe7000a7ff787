"""intake: CyberTipline reports behind referrals, their files and matches, their identifiers

New tables only (`intake_reports`, `intake_files`, `intake_file_matches`,
`intake_identifiers`); each row belongs to a referral and goes with it.

Revision ID: intake_0001
Revises: trust_0001
Create Date: 2026-12-03
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "intake_0001"
down_revision: str | Sequence[str] | None = "trust_0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

AWAITING = "awaiting_assignment"


def _referral_fk(table: str) -> sa.ForeignKeyConstraint:
    return sa.ForeignKeyConstraint(
        ["referral_id"],
        ["referrals.id"],
        name=op.f(f"fk_{table}_referral_id_referrals"),
        ondelete="CASCADE",
    )


def upgrade() -> None:
    op.create_table(
        "intake_reports",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("referral_id", sa.Integer(), nullable=False),
        sa.Column("report_id", sa.String(length=20), nullable=False),
        sa.Column("source_file", sa.String(length=500), nullable=False),
        sa.Column("file_format", sa.String(length=10), nullable=False),
        sa.Column("imported_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("imported_by", sa.String(length=63), nullable=False),
        sa.Column("incident_type", sa.String(length=200), nullable=False),
        sa.Column("escalate_reason", sa.Text(), nullable=True),
        sa.Column("annotations", sa.JSON(), nullable=False),
        sa.Column("esp_service", sa.String(length=200), nullable=True),
        sa.Column("assignment_reason", sa.Text(), nullable=False),
        sa.Column("awaiting_assignment", sa.Boolean(), nullable=False),
        sa.Column("assigned_by", sa.String(length=63), nullable=True),
        sa.Column("assigned_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("prescore_band", sa.String(length=20), nullable=True),
        sa.Column("prescore_reasons", sa.JSON(), nullable=False),
        sa.Column("prescore_rules", sa.String(length=120), nullable=False),
        sa.Column("document", sa.JSON(), nullable=False),
        _referral_fk("intake_reports"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_intake_reports")),
        sa.UniqueConstraint("referral_id", name=op.f("uq_intake_reports_referral_id")),
        sa.UniqueConstraint("report_id", name=op.f("uq_intake_reports_report_id")),
    )
    op.create_index(
        "ix_intake_reports_awaiting",
        "intake_reports",
        ["imported_at"],
        postgresql_where=sa.text(AWAITING),
        sqlite_where=sa.text(AWAITING),
    )
    op.create_table(
        "intake_files",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("referral_id", sa.Integer(), nullable=False),
        sa.Column("file_id", sa.String(length=200), nullable=False),
        sa.Column("original_file_name", sa.String(length=1000), nullable=True),
        sa.Column("md5", sa.String(length=32), nullable=True),
        sa.Column("sha1", sa.String(length=40), nullable=True),
        sa.Column("sha256", sa.String(length=64), nullable=True),
        sa.Column("pdq", sa.String(length=64), nullable=True),
        sa.Column("relevance", sa.String(length=40), nullable=False),
        sa.Column("annotations", sa.JSON(), nullable=False),
        sa.Column("industry_classification", sa.String(length=10), nullable=True),
        sa.Column("viewed_by_esp", sa.Boolean(), nullable=True),
        sa.Column("publicly_available", sa.Boolean(), nullable=True),
        sa.Column("matched_at", sa.DateTime(timezone=True), nullable=True),
        _referral_fk("intake_files"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_intake_files")),
        sa.UniqueConstraint(
            "referral_id", "file_id", name=op.f("uq_intake_files_referral_id_file_id")
        ),
    )
    op.create_index(op.f("ix_intake_files_referral_id"), "intake_files", ["referral_id"])
    op.create_index(op.f("ix_intake_files_md5"), "intake_files", ["md5"])
    op.create_index(op.f("ix_intake_files_sha1"), "intake_files", ["sha1"])
    op.create_table(
        "intake_file_matches",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("intake_file_id", sa.Integer(), nullable=False),
        sa.Column("list_name", sa.String(length=200), nullable=False),
        sa.Column("entry_id", sa.Integer(), nullable=False),
        sa.Column("category", sa.String(length=20), nullable=False),
        sa.Column("signal", sa.String(length=20), nullable=False),
        sa.Column("distance", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["intake_file_id"],
            ["intake_files.id"],
            name=op.f("fk_intake_file_matches_intake_file_id_intake_files"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_intake_file_matches")),
    )
    op.create_index(
        op.f("ix_intake_file_matches_intake_file_id"), "intake_file_matches", ["intake_file_id"]
    )
    op.create_table(
        "intake_identifiers",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("referral_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("value", sa.String(length=1000), nullable=False),
        sa.Column("qualifier", sa.String(length=200), nullable=True),
        sa.Column("seen_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("found_at", sa.String(length=200), nullable=False),
        _referral_fk("intake_identifiers"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_intake_identifiers")),
    )
    op.create_index(
        op.f("ix_intake_identifiers_referral_id"), "intake_identifiers", ["referral_id"]
    )


def downgrade() -> None:
    op.drop_table("intake_identifiers")
    op.drop_table("intake_file_matches")
    op.drop_table("intake_files")
    op.drop_table("intake_reports")
