"""search: the search index (search_entries) and its text index; triage findings by hash

`search_entries` holds one row per searchable value of a case, with its normal form (`key`,
btree: exact and prefix) and its words (`text`, indexed for words by `search_0002`). Triage
findings get an index on each hash. The index is filled by `search_0003`.

(As first landed, this revision also made a trigram index of `text` — FTS5 with the trigram
tokenizer on SQLite, pg_trgm on PostgreSQL — which `search_0002` replaces; a database migrated
then keeps the pg_trgm extension, unused.)

Revision ID: search_0001
Revises: trust_0001, triage_0003
Create Date: 2026-12-03
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "search_0001"
down_revision: str | Sequence[str] | None = ("trust_0001", "triage_0003")
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

KEY = sa.String(500).with_variant(sa.String(500, collation="C"), "postgresql")
ENTRY_ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
FINDING_HASHES = ("md5", "sha1", "sha256")


def upgrade() -> None:
    op.create_table(
        "search_entries",
        sa.Column("id", ENTRY_ID, nullable=False),
        sa.Column("referral_id", sa.Integer(), nullable=False),
        sa.Column("record_type", sa.String(20), nullable=False),
        sa.Column("record_id", sa.Integer(), nullable=False),
        sa.Column("reference", sa.String(100), nullable=False),
        sa.Column("matched", sa.String(20), nullable=False),
        sa.Column("key", KEY, nullable=False),
        sa.Column("text", sa.Text(), nullable=True),
        sa.Column("snippet", sa.String(600), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_search_entries")),
    )
    op.create_index("ix_search_entries_key", "search_entries", ["key"])
    op.create_index(op.f("ix_search_entries_referral_id"), "search_entries", ["referral_id"])
    for name in FINDING_HASHES:
        op.create_index(f"ix_triage_findings_{name}", "triage_findings", [name])


def downgrade() -> None:
    bind = op.get_bind()
    if bind.dialect.name == "sqlite":
        op.execute("DROP TABLE IF EXISTS search_fts")
    for name in FINDING_HASHES:
        op.drop_index(f"ix_triage_findings_{name}", table_name="triage_findings")
    op.drop_table("search_entries")
