"""inventory.csv: one row per item of a triage, streamed from the journal.

Every file scanned (archive members, files inside disk images, embedded thumbnails and carved
items included) is a row: where it is, its size, the hashes computed (a hash not computed for a
plain file is empty: `--hashes`), PDQ and its quality, the media type, flags (`deleted`,
`carved`, `thumbnail`), its status and the kinds of any errors or warnings about it. An item
that could not be read at all is a row with status `unread`. Rows are written as the journal is
read, result by result and batch by batch of plain files, so memory stays flat for millions of
rows; the order is the journal's (scan order), not sorted.
"""

from __future__ import annotations

import csv
from collections.abc import Iterable, Iterator
from pathlib import Path

from netsafe.triage.items import FileRecord, ItemResult
from netsafe.triage.journal import journal_contents
from netsafe.triage.plain import PlainFiles

INVENTORY_NAME = "inventory.csv"
INVENTORY_COLUMNS = (
    "source",
    "path",
    "size",
    "md5",
    "sha1",
    "sha256",
    "pdq",
    "pdq_quality",
    "media_type",
    "flags",
    "status",
    "pdq_not_tried",
    "errors",
)
#: Row statuses: matched an alert list, known to an ignore list, neither, or not readable.
MATCHED, KNOWN_GOOD, NO_MATCH, UNREAD = "matched", "known-good", "no-match", "unread"


def write_inventory(out: Path) -> Path:
    """Write `out`/inventory.csv from the journal in `out`; the path written."""
    path = out / INVENTORY_NAME
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(INVENTORY_COLUMNS)
        writer.writerows(inventory_rows(journal_contents(out)))
    return path


def inventory_rows(contents: Iterable[ItemResult | PlainFiles]) -> Iterator[tuple[object, ...]]:
    """The inventory's rows for each journaled result or plain-file batch, in order."""
    for part in contents:
        if isinstance(part, PlainFiles):
            for record in part.records():
                yield _row(record, "")
        else:
            yield from _result_rows(part)


def _result_rows(result: ItemResult) -> Iterator[tuple[object, ...]]:
    kinds: dict[tuple[str, str], list[str]] = {}
    for error in result.errors:
        kinds.setdefault((error.source, error.path), []).append(error.kind)
    for record in result.records:
        yield _row(record, " ".join(sorted(set(kinds.pop((record.source, record.path), [])))))
    for (source, path), unread in kinds.items():
        errors = " ".join(sorted(set(unread)))
        yield (source, path, "", "", "", "", "", "", "", "", UNREAD, "", errors)


def _row(record: FileRecord, errors: str) -> tuple[object, ...]:
    flags = (
        *(("deleted",) if record.deleted else ()),
        *(("carved",) if record.carved else ()),
        *record.flags,
    )
    if record.matches:
        status = MATCHED
    elif record.ignored:
        status = KNOWN_GOOD
    else:
        status = NO_MATCH
    return (
        record.source,
        record.path,
        record.size,
        record.md5,
        record.sha1,
        record.sha256,
        record.pdq or "",
        "" if record.pdq_quality is None else record.pdq_quality,
        record.media_type or "",
        " ".join(flags),
        status,
        record.pdq_not_tried,
        errors,
    )
