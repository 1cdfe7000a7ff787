"""search: the text match by words (full text) instead of trigrams

Measured (bench_search.py): a trigram index answers a query such as an e-mail address from the
posting lists of its common trigrams (`exa`, `amp`, `org`…), tens of milliseconds at 20,000
cases on a loaded machine and growing with the data; a word index answers from the list of the
words starting with each query word. `search_entries.text` now holds the value's words alone
(letters and digits, case-folded), so that both databases split it alike:
- SQLite: `search_fts` again, with the unicode61 tokenizer and prefix indexes (2 and 3
  characters), kept in step by the same triggers;
- PostgreSQL: a GIN index on `to_tsvector('simple', text)` in place of the pg_trgm index
  (NetSafe needs no extension: where an earlier search_0001 made pg_trgm, it is left installed).
The index is filled by `search_0003`.

Revision ID: search_0002
Revises: search_0001
Create Date: 2026-12-03
"""

from __future__ import annotations

from collections.abc import Sequence

from alembic import op

revision: str = "search_0002"
down_revision: str | Sequence[str] | None = "search_0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

TRIGGERS = (
    "search_entries_fts_insert",
    "search_entries_fts_delete",
    "search_entries_fts_update_old",
    "search_entries_fts_update_new",
)
SQLITE_WORD_INDEX = (
    "CREATE VIRTUAL TABLE search_fts USING fts5(text, content='search_entries', "
    "content_rowid='id', tokenize='unicode61 remove_diacritics 0', prefix='2 3')",
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


def upgrade() -> None:
    bind = op.get_bind()
    if bind.dialect.name == "sqlite":
        for trigger in TRIGGERS:
            op.execute(f"DROP TRIGGER IF EXISTS {trigger}")
        op.execute("DROP TABLE IF EXISTS search_fts")
        op.execute("DELETE FROM search_entries")  # emptied before the new triggers exist
        for statement in SQLITE_WORD_INDEX:
            op.execute(statement)
    else:
        op.execute("DROP INDEX IF EXISTS ix_search_entries_text_trgm")
        op.execute(
            "CREATE INDEX ix_search_entries_text_words ON search_entries "
            "USING gin (to_tsvector('simple'::regconfig, text))"
        )


def downgrade() -> None:
    raise NotImplementedError("search_0002 is not undone: downgrade the whole search chain")
