"""operation: referrals, subjects, risk assessments, warrants, arrests, exhibits, custody,
safeguarding and outcomes

Revision ID: operation_0001
Revises: 0001
Create Date: 2026-11-23
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "operation_0001"
down_revision: str | Sequence[str] | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "referrals",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("source", sa.String(length=40), nullable=False),
        sa.Column("force", sa.String(length=40), nullable=False),
        sa.Column("received_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("summary", sa.Text(), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("deadline_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("risk_band", sa.String(length=20), nullable=True),
        sa.Column("responded_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("created_by", sa.String(length=63), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("incident_type", sa.String(length=200), nullable=True),
        sa.Column("incident_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("restricted", sa.Boolean(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_referrals")),
    )
    op.create_index(
        "ix_referrals_force_status_deadline",
        "referrals",
        ["force", "status", "deadline_at"],
        unique=False,
    )
    op.create_index(
        "ix_referrals_status_deadline", "referrals", ["status", "deadline_at"], unique=False
    )
    op.create_table(
        "referral_access",
        sa.Column("referral_id", sa.Integer(), nullable=False),
        sa.Column("username", sa.String(length=63), nullable=False),
        sa.ForeignKeyConstraint(
            ["referral_id"],
            ["referrals.id"],
            name=op.f("fk_referral_access_referral_id_referrals"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("referral_id", "username", name=op.f("pk_referral_access")),
    )
    op.create_table(
        "referral_files",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("referral_id", sa.Integer(), nullable=False),
        sa.Column("file_name", sa.String(length=500), nullable=False),
        sa.Column("md5", sa.String(length=32), nullable=True),
        sa.Column("sha1", sa.String(length=40), nullable=True),
        sa.Column("sha256", sa.String(length=64), nullable=True),
        sa.ForeignKeyConstraint(
            ["referral_id"],
            ["referrals.id"],
            name=op.f("fk_referral_files_referral_id_referrals"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_referral_files")),
    )
    op.create_index(op.f("ix_referral_files_md5"), "referral_files", ["md5"], unique=False)
    op.create_index(
        op.f("ix_referral_files_referral_id"), "referral_files", ["referral_id"], unique=False
    )
    op.create_index(op.f("ix_referral_files_sha1"), "referral_files", ["sha1"], unique=False)
    op.create_index(op.f("ix_referral_files_sha256"), "referral_files", ["sha256"], unique=False)
    op.create_table(
        "referral_identifiers",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("referral_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("value", sa.String(length=500), nullable=False),
        sa.ForeignKeyConstraint(
            ["referral_id"],
            ["referrals.id"],
            name=op.f("fk_referral_identifiers_referral_id_referrals"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_referral_identifiers")),
    )
    op.create_index(
        op.f("ix_referral_identifiers_referral_id"),
        "referral_identifiers",
        ["referral_id"],
        unique=False,
    )
    op.create_index(
        op.f("ix_referral_identifiers_value"), "referral_identifiers", ["value"], unique=False
    )
    op.create_table(
        "safeguarding_records",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("referral_id", sa.Integer(), nullable=False),
        sa.Column("recorded_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("recorded_by", sa.String(length=63), nullable=False),
        sa.Column("children_identified", sa.Integer(), nullable=False),
        sa.Column("children_safeguarded", sa.Integer(), nullable=False),
        sa.Column("referred_to_childrens_services", sa.Boolean(), nullable=False),
        sa.Column("local_authority", sa.String(length=200), nullable=False),
        sa.Column("notes", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(
            ["referral_id"],
            ["referrals.id"],
            name=op.f("fk_safeguarding_records_referral_id_referrals"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_safeguarding_records")),
    )
    op.create_index(
        op.f("ix_safeguarding_records_referral_id"),
        "safeguarding_records",
        ["referral_id"],
        unique=False,
    )
    op.create_table(
        "subjects",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("referral_id", sa.Integer(), nullable=False),
        sa.Column("display_name", sa.String(length=200), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("created_by", sa.String(length=63), nullable=False),
        sa.Column("date_of_birth", sa.Date(), nullable=True),
        sa.Column("identifiers", sa.Text(), nullable=False),
        sa.Column("notes", sa.Text(), nullable=False),
        sa.Column("helpline_details_given_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("helpline_details_given_to", sa.String(length=40), nullable=True),
        sa.ForeignKeyConstraint(
            ["referral_id"], ["referrals.id"], name=op.f("fk_subjects_referral_id_referrals")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_subjects")),
    )
    op.create_index(op.f("ix_subjects_referral_id"), "subjects", ["referral_id"], unique=False)
    op.create_table(
        "arrests",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("referral_id", sa.Integer(), nullable=False),
        sa.Column("subject_id", sa.Integer(), nullable=False),
        sa.Column("arrested_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("location", sa.String(length=500), nullable=False),
        sa.Column("arresting_officer", sa.String(length=63), nullable=False),
        sa.Column("grounds", sa.Text(), nullable=False),
        sa.Column("custody_reference", sa.String(length=100), nullable=False),
        sa.ForeignKeyConstraint(
            ["referral_id"], ["referrals.id"], name=op.f("fk_arrests_referral_id_referrals")
        ),
        sa.ForeignKeyConstraint(
            ["subject_id"], ["subjects.id"], name=op.f("fk_arrests_subject_id_subjects")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_arrests")),
    )
    op.create_index(op.f("ix_arrests_referral_id"), "arrests", ["referral_id"], unique=False)
    op.create_table(
        "outcomes",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("referral_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=40), nullable=False),
        sa.Column("decided_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("recorded_by", sa.String(length=63), nullable=False),
        sa.Column("subject_id", sa.Integer(), nullable=True),
        sa.Column("notes", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(
            ["referral_id"], ["referrals.id"], name=op.f("fk_outcomes_referral_id_referrals")
        ),
        sa.ForeignKeyConstraint(
            ["subject_id"], ["subjects.id"], name=op.f("fk_outcomes_subject_id_subjects")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_outcomes")),
    )
    op.create_index(op.f("ix_outcomes_referral_id"), "outcomes", ["referral_id"], unique=False)
    op.create_table(
        "risk_assessments",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("referral_id", sa.Integer(), nullable=False),
        sa.Column("subject_id", sa.Integer(), nullable=True),
        sa.Column("question_set", sa.String(length=100), nullable=False),
        sa.Column("answers", sa.JSON(), nullable=False),
        sa.Column("score", sa.Integer(), nullable=False),
        sa.Column("band", sa.String(length=20), nullable=False),
        sa.Column("deadline_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("assessed_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("assessed_by", sa.String(length=63), nullable=False),
        sa.Column("rationale", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(
            ["referral_id"],
            ["referrals.id"],
            name=op.f("fk_risk_assessments_referral_id_referrals"),
        ),
        sa.ForeignKeyConstraint(
            ["subject_id"], ["subjects.id"], name=op.f("fk_risk_assessments_subject_id_subjects")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_risk_assessments")),
    )
    op.create_index(
        op.f("ix_risk_assessments_referral_id"), "risk_assessments", ["referral_id"], unique=False
    )
    op.create_table(
        "warrants",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("referral_id", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("premises", sa.String(length=500), nullable=False),
        sa.Column("applied_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("applied_by", sa.String(length=63), nullable=False),
        sa.Column("subject_id", sa.Integer(), nullable=True),
        sa.Column("court", sa.String(length=200), nullable=False),
        sa.Column("granted_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("refused_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("executed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("result", sa.String(length=40), nullable=True),
        sa.Column("notes", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(
            ["referral_id"], ["referrals.id"], name=op.f("fk_warrants_referral_id_referrals")
        ),
        sa.ForeignKeyConstraint(
            ["subject_id"], ["subjects.id"], name=op.f("fk_warrants_subject_id_subjects")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_warrants")),
    )
    op.create_index(op.f("ix_warrants_referral_id"), "warrants", ["referral_id"], unique=False)
    op.create_table(
        "exhibits",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("referral_id", sa.Integer(), nullable=False),
        sa.Column("reference", sa.String(length=64), nullable=False),
        sa.Column("device_type", sa.String(length=40), nullable=False),
        sa.Column("seal_number", sa.String(length=100), nullable=False),
        sa.Column("seized_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("seized_by", sa.String(length=63), nullable=False),
        sa.Column("seized_from", sa.String(length=500), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("subject_id", sa.Integer(), nullable=True),
        sa.Column("warrant_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["referral_id"], ["referrals.id"], name=op.f("fk_exhibits_referral_id_referrals")
        ),
        sa.ForeignKeyConstraint(
            ["subject_id"], ["subjects.id"], name=op.f("fk_exhibits_subject_id_subjects")
        ),
        sa.ForeignKeyConstraint(
            ["warrant_id"], ["warrants.id"], name=op.f("fk_exhibits_warrant_id_warrants")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_exhibits")),
        sa.UniqueConstraint("reference", name=op.f("uq_exhibits_reference")),
    )
    op.create_index(op.f("ix_exhibits_referral_id"), "exhibits", ["referral_id"], unique=False)
    op.create_table(
        "custody_events",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("referral_id", sa.Integer(), nullable=False),
        sa.Column("exhibit_id", sa.Integer(), nullable=False),
        sa.Column("handed_from", sa.String(length=63), nullable=False),
        sa.Column("handed_to", sa.String(length=63), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("location", sa.String(length=500), nullable=False),
        sa.Column("purpose", sa.String(length=500), nullable=False),
        sa.Column("seal_intact", sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(
            ["exhibit_id"], ["exhibits.id"], name=op.f("fk_custody_events_exhibit_id_exhibits")
        ),
        sa.ForeignKeyConstraint(
            ["referral_id"], ["referrals.id"], name=op.f("fk_custody_events_referral_id_referrals")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_custody_events")),
    )
    op.create_index(
        op.f("ix_custody_events_exhibit_id"), "custody_events", ["exhibit_id"], unique=False
    )
    op.create_index(
        op.f("ix_custody_events_referral_id"), "custody_events", ["referral_id"], unique=False
    )


def downgrade() -> None:
    op.drop_index(op.f("ix_custody_events_referral_id"), table_name="custody_events")
    op.drop_index(op.f("ix_custody_events_exhibit_id"), table_name="custody_events")
    op.drop_table("custody_events")
    op.drop_index(op.f("ix_exhibits_referral_id"), table_name="exhibits")
    op.drop_table("exhibits")
    op.drop_index(op.f("ix_warrants_referral_id"), table_name="warrants")
    op.drop_table("warrants")
    op.drop_index(op.f("ix_risk_assessments_referral_id"), table_name="risk_assessments")
    op.drop_table("risk_assessments")
    op.drop_index(op.f("ix_outcomes_referral_id"), table_name="outcomes")
    op.drop_table("outcomes")
    op.drop_index(op.f("ix_arrests_referral_id"), table_name="arrests")
    op.drop_table("arrests")
    op.drop_index(op.f("ix_subjects_referral_id"), table_name="subjects")
    op.drop_table("subjects")
    op.drop_index(op.f("ix_safeguarding_records_referral_id"), table_name="safeguarding_records")
    op.drop_table("safeguarding_records")
    op.drop_index(op.f("ix_referral_identifiers_value"), table_name="referral_identifiers")
    op.drop_index(op.f("ix_referral_identifiers_referral_id"), table_name="referral_identifiers")
    op.drop_table("referral_identifiers")
    op.drop_index(op.f("ix_referral_files_sha256"), table_name="referral_files")
    op.drop_index(op.f("ix_referral_files_sha1"), table_name="referral_files")
    op.drop_index(op.f("ix_referral_files_referral_id"), table_name="referral_files")
    op.drop_index(op.f("ix_referral_files_md5"), table_name="referral_files")
    op.drop_table("referral_files")
    op.drop_table("referral_access")
    op.drop_index("ix_referrals_status_deadline", table_name="referrals")
    op.drop_index("ix_referrals_force_status_deadline", table_name="referrals")
    op.drop_table("referrals")
