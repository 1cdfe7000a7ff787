"""search: the search index (search_entries) and its text index; triage findings by hash

`search_entries` holds one row per searchable value of a case, with its normal form (`key`,
btree: exact and prefix) and its text (`text`). The text index is:
- SQLite: an FTS5 table `search_fts` with the trigram tokenizer (SQLite >= 3.34), over
  `search_entries` (external content), kept in step by triggers;
- PostgreSQL: a GIN index with pg_trgm's `gin_trgm_ops` (`CREATE EXTENSION IF NOT EXISTS
  pg_trgm`: a trusted extension since PostgreSQL 13, so a database owner may create it). The
  operator class is named with the schema the extension lives in.
Triage findings get an index on each hash. The index is filled from the cases already stored.

Revision ID: search_0001
Revises: trust_0001, triage_0003
Create Date: 2026-12-03
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from netsafe.store.search_index import rebuild_search_index

revision: str = "search_0001"
down_revision: str | Sequence[str] | None = ("trust_0001", "triage_0003")
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

KEY = sa.String(500).with_variant(sa.String(500, collation="C"), "postgresql")
ENTRY_ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
SQLITE_TEXT_INDEX = (
    "CREATE VIRTUAL TABLE search_fts USING fts5("
    "text, content='search_entries', content_rowid='id', tokenize='trigram')",
    "CREATE TRIGGER search_entries_fts_insert AFTER INSERT ON search_entries "
    "WHEN new.text IS NOT NULL BEGIN "
    "INSERT INTO search_fts(rowid, text) VALUES (new.id, new.text); END",
    "CREATE TRIGGER search_entries_fts_delete AFTER DELETE ON search_entries "
    "WHEN old.text IS NOT NULL BEGIN "
    "INSERT INTO search_fts(search_fts, rowid, text) VALUES ('delete', old.id, old.text); END",
    "CREATE TRIGGER search_entries_fts_update_old AFTER UPDATE ON search_entries "
    "WHEN old.text IS NOT NULL BEGIN "
    "INSERT INTO search_fts(search_fts, rowid, text) VALUES ('delete', old.id, old.text); END",
    "CREATE TRIGGER search_entries_fts_update_new AFTER UPDATE ON search_entries "
    "WHEN new.text IS NOT NULL BEGIN "
    "INSERT INTO search_fts(rowid, text) VALUES (new.id, new.text); END",
)
FINDING_HASHES = ("md5", "sha1", "sha256")


def _pg_trgm_schema(bind: sa.Connection) -> str:
    """Create pg_trgm if missing (racing another migration is no error) and return its schema."""
    find = sa.text(
        "SELECT n.nspname FROM pg_extension e JOIN pg_namespace n ON n.oid = e.extnamespace "
        "WHERE e.extname = 'pg_trgm'"
    )
    schema = bind.scalar(find)
    if schema is None:
        try:
            with bind.begin_nested():
                bind.execute(sa.text("CREATE EXTENSION IF NOT EXISTS pg_trgm"))
        except sa.exc.DBAPIError as error:
            schema = bind.scalar(find)
            if schema is None:
                raise RuntimeError(
                    "the search index needs PostgreSQL's pg_trgm extension: run "
                    "`CREATE EXTENSION pg_trgm` as the database owner (Debian: package "
                    f"postgresql-contrib), then `netsafe db upgrade` again ({error.orig})"
                ) from error
        schema = bind.scalar(find)
    return str(schema)


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
    bind = op.get_bind()
    if bind.dialect.name == "sqlite":
        for statement in SQLITE_TEXT_INDEX:
            op.execute(statement)
    else:
        schema = _pg_trgm_schema(bind)
        op.execute(
            "CREATE INDEX ix_search_entries_text_trgm ON search_entries "
            f'USING gin (text "{schema}".gin_trgm_ops)'
        )
    rebuild_search_index(bind)


def downgrade() -> None:
    bind = op.get_bind()
    if bind.dialect.name == "sqlite":
        op.execute("DROP TABLE search_fts")
    for name in FINDING_HASHES:
        op.drop_index(f"ix_triage_findings_{name}", table_name="triage_findings")
    op.drop_table("search_entries")
