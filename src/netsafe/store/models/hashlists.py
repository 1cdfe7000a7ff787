"""Known-hash lists, their entries, the values of signals without a column (side table), and the
entries removed by each new version (for indexes)."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    Date,
    Float,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    String,
    Text,
)
from sqlalchemy.orm import Mapped, mapped_column

from netsafe.store.base import Base

#: Entry ids: 64-bit on PostgreSQL; on SQLite a plain INTEGER so the id is the rowid.
ENTRY_ID = BigInteger().with_variant(Integer(), "sqlite")


class HashListRow(Base):
    """A named list with provenance, action and thresholds; `revision` counts its imports."""

    __tablename__ = "hashlists"
    # Never reuse a deleted list's id on SQLite: the matching index tells lists apart by id.
    __table_args__ = {"sqlite_autoincrement": True}  # noqa: RUF012

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    source: Mapped[str | None] = mapped_column(Text)
    version: Mapped[str | None] = mapped_column(String(200))
    released: Mapped[date | None] = mapped_column(Date)
    handling_note: Mapped[str | None] = mapped_column(Text)
    action: Mapped[str] = mapped_column(String(10))
    max_distance: Mapped[int] = mapped_column(Integer)
    quality_floor: Mapped[int] = mapped_column(Integer)
    # vPDQ thresholds (migration video_0001; the defaults are Meta's)
    vpdq_max_distance: Mapped[int] = mapped_column(Integer, server_default="31")
    vpdq_quality_floor: Mapped[int] = mapped_column(Integer, server_default="50")
    vpdq_query_match: Mapped[float] = mapped_column(Float, server_default="0.8")
    vpdq_compared_match: Mapped[float] = mapped_column(Float, server_default="0.0")
    format: Mapped[str] = mapped_column(String(10))
    entry_count: Mapped[int] = mapped_column(BigInteger)
    revision: Mapped[int] = mapped_column(Integer)
    category_counts: Mapped[dict[str, Any]] = mapped_column(JSON)
    imported_at: Mapped[datetime]


class HashListEntryRow(Base):
    """One entry; hashes are raw bytes. Ids are assigned in batches by the repository."""

    __tablename__ = "hashlist_entries"
    __table_args__ = (Index("ix_hashlist_entries_list_id_id", "list_id", "id"),)

    id: Mapped[int] = mapped_column(ENTRY_ID, primary_key=True, autoincrement=False)
    # No foreign key to hashlists, on purpose: checking it costs a fifth of SQLite's insert time
    # on bulk imports of millions of rows. The repository is the only writer, and deletes a
    # list's entries with the list.
    list_id: Mapped[int] = mapped_column(Integer)
    revision: Mapped[int] = mapped_column(Integer)
    md5: Mapped[bytes | None] = mapped_column(LargeBinary(16))
    sha1: Mapped[bytes | None] = mapped_column(LargeBinary(20))
    sha256: Mapped[bytes | None] = mapped_column(LargeBinary(32))
    pdq: Mapped[bytes | None] = mapped_column(LargeBinary(32))
    category: Mapped[str] = mapped_column(String(16))
    media_size: Mapped[int | None] = mapped_column(BigInteger)
    series: Mapped[str | None] = mapped_column(Text)
    victim_identified: Mapped[bool | None] = mapped_column(Boolean)
    comments: Mapped[str | None] = mapped_column(Text)
    source_id: Mapped[str | None] = mapped_column(Text)


class HashListEntrySignalRow(Base):
    """The value of one signal without a column (not md5/sha1/sha256/pdq) of one entry.

    Written and deleted with its entry by the repository (no foreign key, as for entries)."""

    __tablename__ = "hashlist_entry_signals"
    __table_args__ = (Index("ix_hashlist_entry_signals_list_id_entry_id", "list_id", "entry_id"),)

    entry_id: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    signal: Mapped[str] = mapped_column(String(40), primary_key=True)
    list_id: Mapped[int] = mapped_column(Integer)
    value: Mapped[str] = mapped_column(Text)


class HashListRemovalRow(Base):
    """An entry removed by a new version of its list: lets indexes catch up incrementally."""

    __tablename__ = "hashlist_removals"

    list_id: Mapped[int] = mapped_column(ForeignKey("hashlists.id"), primary_key=True)
    revision: Mapped[int] = mapped_column(Integer, primary_key=True)
    entry_id: Mapped[int] = mapped_column(BigInteger, primary_key=True)
