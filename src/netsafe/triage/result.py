"""The outcome of one exhibit's triage, as the reports and the database see it."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from netsafe.categories import REPORT_ORDER, Category
from netsafe.signals.crypto import CRYPTO_SIGNALS
from netsafe.triage.items import (
    EncryptedVolume,
    FileRecord,
    ItemError,
    Severity,
    SourceVerification,
)
from netsafe.triage.plain import PlainFiles


@dataclass(frozen=True, slots=True)
class Finding:
    """One row of findings.csv: one file matching one list entry."""

    source: str
    path: str
    size: int
    md5: str
    sha1: str
    sha256: str
    pdq: str | None
    list_name: str
    entry_id: str
    category: str
    signal: str
    distance: int
    deleted: bool
    #: Why the file's PDQ hash was not searched in some alert lists ("" when it was).
    pdq_not_tried: str = ""
    #: The file's values of signals without a column, and the match's scores (if any).
    signals: tuple[tuple[str, str], ...] = ()
    scores: tuple[tuple[str, float], ...] = ()
    #: Carved out of unallocated or unpartitioned space (its path gives volume and offset).
    carved: bool = False


@dataclass(frozen=True, slots=True)
class SourceSummary:
    """A source of the exhibit: what it was, how many files and bytes, its verification."""

    path: str
    kind: str
    files: int
    bytes: int
    errors: int
    verification: SourceVerification | None = None
    #: Why the source yielded nothing at all (no file system, a missing segment, unreadable);
    #: "" when it yielded files. `netsafe triage` exits 1 when any source has one.
    unread: str = ""
    #: The encrypted volumes on it, their scheme and whether a key opened them (never the key)
    encrypted: tuple[EncryptedVolume, ...] = ()

    def to_json(self) -> dict[str, Any]:
        return {
            "path": self.path,
            "kind": self.kind,
            "files": self.files,
            "bytes": self.bytes,
            "errors": self.errors,
            "verification": None if self.verification is None else self.verification.to_json(),
            "unread": self.unread or None,
            "encrypted_volumes": [volume.to_json() for volume in self.encrypted],
        }


@dataclass
class TriageResult:
    """Everything one exhibit's triage found; records and errors in a stable order.

    `records` are the files scanned in full (images, archives and their members, files a list
    knows, files with errors or warnings); `plain` the rest, as columns (`triage.plain`: not an
    image or archive, known to no list). `all_records()` gives every file as a record.
    """

    exhibit: str
    case: str | None
    started_at: datetime
    finished_at: datetime
    sources: list[SourceSummary]
    records: list[FileRecord]
    errors: list[ItemError]
    tool_version: str
    lists: list[dict[str, Any]] = field(default_factory=list)
    examiner: str = ""
    runner: str = ""
    resumed: bool = False
    scanned_this_run: int = 0
    hashes: tuple[str, ...] = CRYPTO_SIGNALS
    #: CPU time of this run's file scanning: the workers' threads on their batches, plus the
    #: main process (listing, journal, matching results). Disk-image verification is not in it.
    cpu_seconds: float = 0.0
    plain: PlainFiles = field(default_factory=PlainFiles)

    @property
    def duration_seconds(self) -> float:
        return (self.finished_at - self.started_at).total_seconds()

    @property
    def files_scanned(self) -> int:
        return len(self.records) + len(self.plain)

    def all_records(self) -> list[FileRecord]:
        """Every file as a record, the plain ones included, by source and path."""
        every = [*self.records, *self.plain.records()]
        every.sort(key=lambda r: (r.source, r.path))
        return every

    @property
    def bytes_scanned(self) -> int:
        return sum(s.bytes for s in self.sources)

    @property
    def items_in_error(self) -> int:
        return sum(1 for e in self.errors if e.severity is Severity.ERROR)

    @property
    def warnings(self) -> int:
        return sum(1 for e in self.errors if e.severity is Severity.WARNING)

    @property
    def files_ignored(self) -> int:
        return sum(1 for r in self.records if r.ignored)

    def findings(self) -> list[Finding]:
        """One finding per (file, matched entry), most serious category first."""
        rows = [
            Finding(
                source=r.source,
                path=r.path,
                size=r.size,
                md5=r.md5,
                sha1=r.sha1,
                sha256=r.sha256,
                pdq=r.pdq,
                list_name=m.list_name,
                entry_id=m.entry_id,
                category=m.category,
                signal=m.signal,
                distance=m.distance,
                deleted=r.deleted,
                pdq_not_tried=r.pdq_not_tried,
                signals=r.signals,
                scores=m.scores,
                carved=r.carved,
            )
            for r in self.records
            for m in r.matches
        ]
        return sorted(
            rows, key=lambda f: (category_rank(f.category), f.source, f.path, f.list_name)
        )

    def category_counts(self) -> dict[str, int]:
        """Files per category (a file counts once, under its most serious match), report order."""
        counts = {c.value: 0 for c in REPORT_ORDER}
        for record in self.records:
            if record.matches:
                top = min((m.category for m in record.matches), key=category_rank)
                counts[top] = counts.get(top, 0) + 1
        return counts

    def pdq_not_tried(self) -> int:
        """Images whose PDQ hash was not searched in some alert list: too plain or too small
        (quality under the list's floor)."""
        return sum(1 for r in self.records if r.pdq_not_tried)

    def matched_files(self) -> int:
        return sum(1 for r in self.records if r.matches)

    def summary(self) -> dict[str, Any]:
        """summary.json (and `--json` output)."""
        return {
            "exhibit": self.exhibit,
            "case": self.case,
            "examiner": self.examiner,
            "started_at": self.started_at.isoformat(),
            "finished_at": self.finished_at.isoformat(),
            "duration_seconds": round(self.duration_seconds, 3),
            "cpu_seconds": round(self.cpu_seconds, 3),
            "sources": [s.to_json() for s in self.sources],
            "sources_unread": [s.path for s in self.sources if s.unread],
            "counts_by_category": self.category_counts(),
            "files_matched": self.matched_files(),
            "findings": sum(len(r.matches) for r in self.records),
            "files_scanned": self.files_scanned,
            "bytes_scanned": self.bytes_scanned,
            "files_ignored": self.files_ignored,
            "deleted_files_scanned": sum(1 for r in self.records if r.deleted),
            "carved_files_scanned": sum(1 for r in self.records if r.carved),
            "images_pdq_not_tried": self.pdq_not_tried(),
            "items_in_error": self.items_in_error,
            "warnings": self.warnings,
            "resumed": self.resumed,
            "scanned_this_run": self.scanned_this_run,
            "hashes": {
                "every_file": list(self.hashes),
                "images_archive_members_and_matched_files": list(CRYPTO_SIGNALS),
            },
            "runner": self.runner,
            "tool": {"name": "netsafe", "version": self.tool_version},
            "lists": self.lists,
        }


def category_rank(category: str) -> int:
    """Where a category sorts in reports: most serious first, unknown categories last."""
    try:
        return REPORT_ORDER.index(Category(category))
    except ValueError:
        return len(REPORT_ORDER)
