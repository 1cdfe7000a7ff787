"""The VICS 2.0 case export of a triage's matches, through the hash-list VICS writer
(`netsafe.hashlists.formats.vics.write`, `#Cases` form): one Media object per matched file
content (by hash), with its most serious category and where it was found in Comments; the
values of signals without a column (vPDQ) go in AlternativeHashes."""

from __future__ import annotations

from pathlib import Path

from netsafe.hashlists.category_map import CategoryMap
from netsafe.hashlists.formats import vics
from netsafe.hashlists.model import HashEntry
from netsafe.triage.result import TriageResult, category_rank

VICS_NAME = "case-export.vics.json"


def matched_entries(result: TriageResult) -> list[HashEntry]:
    """One entry per distinct matched content (by SHA-256), most serious category first."""
    by_content: dict[str, list[tuple[str, str, bool]]] = {}
    category: dict[str, str] = {}
    records = {}
    for record in result.records:
        if not record.matches:
            continue
        top = min((m.category for m in record.matches), key=category_rank)
        known = category.get(record.sha256)
        if known is None or category_rank(top) < category_rank(known):
            category[record.sha256] = top
        by_content.setdefault(record.sha256, []).append(
            (record.source, record.path, record.deleted)
        )
        records[record.sha256] = record
    entries = []
    for sha256, places in by_content.items():
        record = records[sha256]
        found = "; ".join(
            f"{source}:{path}" + (" (deleted)" if deleted else "")
            for source, path, deleted in places
        )
        entries.append(
            HashEntry(
                md5=bytes.fromhex(record.md5),
                sha1=bytes.fromhex(record.sha1),
                sha256=bytes.fromhex(record.sha256),
                pdq=bytes.fromhex(record.pdq) if record.pdq else None,
                category=category[sha256],
                media_size=record.size,
                comments=f"found at {found}",
                signals=record.signals,
            )
        )
    entries.sort(key=lambda e: (category_rank(e.category), (e.sha256 or b"").hex()))
    return entries


def write_case_export(
    result: TriageResult, out: Path, categories: CategoryMap | None = None
) -> Path:
    """Write the VICS 2.0 case export (`#Cases`) of every matched file."""
    path = out / VICS_NAME
    case_name = result.case or result.exhibit
    with path.open("w", encoding="utf-8") as handle:
        vics.write(
            handle,
            matched_entries(result),
            categories or CategoryMap.load(),
            cases=True,
            case_name=case_name,
        )
    return path
