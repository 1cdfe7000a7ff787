"""search: PostgreSQL keeps each entry's words as a stored tsvector (`search_words`)

`search_0002` indexed `to_tsvector('simple', text)` as an expression. The search now reads the
text matches newest entry first and stops after a window of them; when a word is common,
PostgreSQL best walks the primary key backwards and tests each entry, which with an expression
meant making its tsvector again for every entry read (measured at 100,000 referrals: 150 ms for
a common surname prefix, against 55 ms with the stored column, loaded machine). The column is
generated from `text` by PostgreSQL itself, so the index upkeep (`store.search_index`) is
unchanged; the GIN index moves to it. SQLite is unchanged (its FTS5 table already keeps the
words).

Revision ID: search2_0001
Revises: search_0003
Create Date: 2026-12-03
"""

from __future__ import annotations

from collections.abc import Sequence

from alembic import op

revision: str = "search2_0001"
down_revision: str | Sequence[str] | None = "search_0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute(
        "ALTER TABLE search_entries ADD COLUMN search_words tsvector GENERATED ALWAYS AS "
        "(to_tsvector('simple'::regconfig, coalesce(text, ''))) STORED"
    )
    op.execute(
        "CREATE INDEX ix_search_entries_search_words ON search_entries USING gin (search_words)"
    )
    op.execute("DROP INDEX IF EXISTS ix_search_entries_text_words")


def downgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute(
        "CREATE INDEX ix_search_entries_text_words ON search_entries "
        "USING gin (to_tsvector('simple'::regconfig, text))"
    )
    op.execute("DROP INDEX ix_search_entries_search_words")
    op.execute("ALTER TABLE search_entries DROP COLUMN search_words")
