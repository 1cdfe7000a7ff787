"""search: triage findings found by the words of their path

A finding is searched where it is (`triage_findings`), as its hashes are: its path's words
(runs of letters and digits, as `normal_forms.words_of` splits a value) get a word index.
- SQLite: `search_fts_paths`, an FTS5 table over `triage_findings.path` (unicode61 tokenizer,
  prefix indexes of 2 and 3 characters), kept in step by triggers on `triage_findings` and
  filled here (`rebuild`);
- PostgreSQL: `search_path_words`, a stored tsvector generated from the path with every run of
  other characters made a space (so that `DCIM/IMG_0001.JPG` gives `dcim img 0001 jpg`, where
  PostgreSQL's parser would keep a path whole), with its GIN index.
Both are outside the models (`models.search.OUTSIDE_THE_MODELS`). A migration that rebuilds
`triage_findings` on SQLite (batch mode) drops the triggers with it: it must make them again
(`tests/web/search/test_search_paths.py` checks they are there at the head).

Revision ID: search2_0002
Revises: search2_0001
Create Date: 2026-12-03
"""

from __future__ import annotations

from collections.abc import Sequence

from alembic import op

revision: str = "search2_0002"
down_revision: str | Sequence[str] | None = "search2_0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

TRIGGERS = (
    "search_fts_paths_insert",
    "search_fts_paths_delete",
    "search_fts_paths_update",
)
SQLITE_PATH_INDEX = (
    "CREATE VIRTUAL TABLE search_fts_paths USING fts5(path, content='triage_findings', "
    "content_rowid='id', tokenize='unicode61 remove_diacritics 0', prefix='2 3')",
    "CREATE TRIGGER search_fts_paths_insert AFTER INSERT ON triage_findings BEGIN "
    "INSERT INTO search_fts_paths(rowid, path) VALUES (new.id, new.path); END",
    "CREATE TRIGGER search_fts_paths_delete AFTER DELETE ON triage_findings BEGIN "
    "INSERT INTO search_fts_paths(search_fts_paths, rowid, path) "
    "VALUES ('delete', old.id, old.path); END",
    "CREATE TRIGGER search_fts_paths_update AFTER UPDATE OF id, path ON triage_findings BEGIN "
    "INSERT INTO search_fts_paths(search_fts_paths, rowid, path) "
    "VALUES ('delete', old.id, old.path); "
    "INSERT INTO search_fts_paths(rowid, path) VALUES (new.id, new.path); END",
    "INSERT INTO search_fts_paths(search_fts_paths) VALUES ('rebuild')",
)
#: The words of a path on PostgreSQL (the repository's query names the column).
POSTGRES_PATH_WORDS = (
    "to_tsvector('simple'::regconfig, regexp_replace(path, '[^[:alnum:]]+', ' ', 'g'))"
)


def upgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        for statement in SQLITE_PATH_INDEX:
            op.execute(statement)
        return
    op.execute(
        "ALTER TABLE triage_findings ADD COLUMN search_path_words tsvector "
        f"GENERATED ALWAYS AS ({POSTGRES_PATH_WORDS}) STORED"
    )
    op.execute("CREATE INDEX ix_search_path_words ON triage_findings USING gin (search_path_words)")


def downgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        for trigger in TRIGGERS:
            op.execute(f"DROP TRIGGER IF EXISTS {trigger}")
        op.execute("DROP TABLE IF EXISTS search_fts_paths")
        return
    op.execute("DROP INDEX ix_search_path_words")
    op.execute("ALTER TABLE triage_findings DROP COLUMN search_path_words")
