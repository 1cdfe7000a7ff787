"""Triage runs and their findings, keyed by the exhibit REFERENCE string (e.g. `SWP/AB/1`).

The platform shows them on the exhibit page through `SqlTriageRepository`. `exhibit_id` is the
exhibit the run belongs to by that reference (and the case it names, where two forces use the
reference), derived and kept in step by `store.run_exhibits`.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, BigInteger, Boolean, ForeignKey, Integer, String, Text, false
from sqlalchemy.orm import Mapped, mapped_column

from netsafe.store.base import Base


class TriageRunRow(Base):
    """One triage of an exhibit: counts, categories and the full summary.json."""

    __tablename__ = "triage_runs"

    id: Mapped[int] = mapped_column(primary_key=True)
    exhibit_reference: Mapped[str] = mapped_column(String(100), index=True)
    case_reference: Mapped[str | None] = mapped_column(String(100))
    #: The exhibit of `exhibit_reference` (None: no exhibit of that reference, or the reference
    #: is shared by forces and the run names none of their cases). Derived: `store.run_exhibits`.
    #: No foreign key constraint (see migration `search3_0001`).
    exhibit_id: Mapped[int | None] = mapped_column(Integer, index=True)
    started_at: Mapped[datetime]
    finished_at: Mapped[datetime]
    files_scanned: Mapped[int] = mapped_column(BigInteger)
    bytes_scanned: Mapped[int] = mapped_column(BigInteger)
    files_matched: Mapped[int] = mapped_column(Integer)
    findings_count: Mapped[int] = mapped_column(Integer)
    files_ignored: Mapped[int] = mapped_column(BigInteger)
    items_in_error: Mapped[int] = mapped_column(Integer)
    warnings: Mapped[int] = mapped_column(Integer)
    out_dir: Mapped[str] = mapped_column(Text)
    summary: Mapped[dict[str, Any]] = mapped_column(JSON)


class TriageCategoryCountRow(Base):
    """Files of a run whose most serious match is in `category`."""

    __tablename__ = "triage_category_counts"

    run_id: Mapped[int] = mapped_column(
        ForeignKey("triage_runs.id", ondelete="CASCADE"), primary_key=True
    )
    category: Mapped[str] = mapped_column(String(20), primary_key=True)
    files: Mapped[int] = mapped_column(Integer)


FINDING_ID = BigInteger().with_variant(Integer(), "sqlite")


class TriageFindingRow(Base):
    """One file of a run matching one list entry (paths and hashes only)."""

    __tablename__ = "triage_findings"

    id: Mapped[int] = mapped_column(FINDING_ID, primary_key=True)
    run_id: Mapped[int] = mapped_column(
        ForeignKey("triage_runs.id", ondelete="CASCADE"), index=True
    )
    source: Mapped[str] = mapped_column(Text)
    path: Mapped[str] = mapped_column(Text)
    size: Mapped[int] = mapped_column(BigInteger)
    md5: Mapped[str] = mapped_column(String(32))
    sha1: Mapped[str] = mapped_column(String(40))
    sha256: Mapped[str] = mapped_column(String(64))
    pdq: Mapped[str | None] = mapped_column(String(64))
    list_name: Mapped[str] = mapped_column(String(200))
    entry_id: Mapped[str] = mapped_column(String(100))
    category: Mapped[str] = mapped_column(String(20))
    signal: Mapped[str] = mapped_column(String(40))
    distance: Mapped[int] = mapped_column(Integer)
    deleted: Mapped[bool] = mapped_column(Boolean)
    #: Carved out of unallocated or unpartitioned space (its path gives volume and offset).
    carved: Mapped[bool] = mapped_column(Boolean, server_default=false(), default=False)
    #: What the matched signal adds (vPDQ: query_match, compared_match); None for the others.
    scores: Mapped[dict[str, Any] | None] = mapped_column(JSON)
