"""The search index: one row per searchable value of a case (its reference, a subject's name or
identifier, a reported identifier, a reported file's hash, an exhibit's reference or seal
number), kept in step with the case tables by `store.search_index`.

`key` is the value's normal form (`operation.normal_forms`) for exact and prefix matches (on
PostgreSQL in the "C" collation, so that a prefix is a range of the index); `text` is the value's
words (`normal_forms.words_of`), for matches by word: an FTS5 table on SQLite (migration
`search_0002`), on PostgreSQL a stored tsvector column `search_words` generated from `text`
with its GIN index (migration `search2_0001`), both outside these models.

Triage findings are searched where they are (`triage_findings`), by the hash indexes below.
No foreign key to `referrals`: SQLite could then not rebuild that table in a migration without
lifting it first; the index is cleared with its case by `store.search_index`.
"""

from __future__ import annotations

from sqlalchemy import BigInteger, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from netsafe.store.base import Base
from netsafe.store.models.triage import TriageFindingRow

ENTRY_ID = BigInteger().with_variant(Integer(), "sqlite")
KEY = String(500).with_variant(String(500, collation="C"), "postgresql")
#: Objects of the search index made by its migrations alone (not expressible as models): the
#: FTS5 tables (and their shadow tables) on SQLite; the generated tsvector columns and their
#: indexes (earlier: the trigram and expression indexes) on PostgreSQL. Of `triage_findings`:
#: the words of its paths (`search2_0002`).
OUTSIDE_THE_MODELS = (
    "search_fts",
    "search_words",
    "ix_search_entries_search_words",
    "search_path_words",
    "ix_search_path_words",
    "ix_search_entries_text_trgm",
    "ix_search_entries_text_words",
)


class SearchEntryRow(Base):
    """One searchable value of a case, and the record it opens."""

    __tablename__ = "search_entries"
    __table_args__ = (Index("ix_search_entries_key", "key"),)

    id: Mapped[int] = mapped_column(ENTRY_ID, primary_key=True)
    referral_id: Mapped[int] = mapped_column(Integer, index=True)
    #: `referral` or `exhibit`: the page a result opens.
    record_type: Mapped[str] = mapped_column(String(20))
    record_id: Mapped[int] = mapped_column(Integer)
    #: The record's reference (an exhibit's; empty for a referral, whose reference is made
    #: from its id and year).
    reference: Mapped[str] = mapped_column(String(100))
    #: What the value is (`operation.search.Matched`).
    matched: Mapped[str] = mapped_column(String(20))
    key: Mapped[str] = mapped_column(KEY)
    text: Mapped[str | None] = mapped_column(Text)
    snippet: Mapped[str] = mapped_column(String(600))


#: Triage findings by hash (exact, and prefix as a range).
FINDING_HASH_INDEXES = tuple(
    Index(f"ix_triage_findings_{name}", getattr(TriageFindingRow, name))
    for name in ("md5", "sha1", "sha256")
)


def outside_the_models(name: str | None) -> bool:
    """Whether a table or index of this name is the migration's alone (see OUTSIDE_THE_MODELS)."""
    return name is not None and name.startswith(OUTSIDE_THE_MODELS)
