"""inventory.csv: one row per item of a triage, streamed from the journal.

Every file scanned (archive members, files inside disk images, embedded thumbnails and carved
items included) is a row: where it is, its size, the hashes computed (a hash not computed for a
plain file is empty: `--hashes`), PDQ and its quality, the value of each registered signal
without a column of its own (vPDQ: a video's or an animated image's), the media type, flags
(`deleted`, `carved`, `thumbnail`), its status and the kinds of any errors or warnings about it.
An item that could not be read at all is a row with status `unread`. Rows are written as the
journal is read, result by result and batch by batch of plain files, so memory stays flat for
millions of rows; the order is the journal's (scan order), not sorted.
"""

from __future__ import annotations

import csv
from collections.abc import Iterable, Iterator
from pathlib import Path

from netsafe.signals import registry
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
_AFTER = INVENTORY_COLUMNS.index("pdq_quality") + 1
#: Row statuses: matched an alert list, known to an ignore list, neither, or not readable.
MATCHED, KNOWN_GOOD, NO_MATCH, UNREAD = "matched", "known-good", "no-match", "unread"


def write_inventory(out: Path) -> Path:
    """Write `out`/inventory.csv from the journal in `out`; the path written."""
    path = out / INVENTORY_NAME
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(inventory_columns())
        writer.writerows(inventory_rows(journal_contents(out)))
    return path


def inventory_columns() -> tuple[str, ...]:
    """The header: INVENTORY_COLUMNS with a column for each registered signal without a column
    of its own (`vpdq`) after `pdq_quality`."""
    extras = tuple(signal.name for signal in registry.extra_signals())
    return INVENTORY_COLUMNS[:_AFTER] + extras + INVENTORY_COLUMNS[_AFTER:]


def inventory_rows(contents: Iterable[ItemResult | PlainFiles]) -> Iterator[tuple[object, ...]]:
    """The inventory's rows for each journaled result or plain-file batch, in order, in the
    order of `inventory_columns()`."""
    extras = tuple(signal.name for signal in registry.extra_signals())
    for part in contents:
        if isinstance(part, PlainFiles):
            for record in part.records():
                yield _row(record, "", extras)
        else:
            yield from _result_rows(part, extras)


def _result_rows(result: ItemResult, extras: tuple[str, ...]) -> Iterator[tuple[object, ...]]:
    kinds: dict[tuple[str, str], list[str]] = {}
    for error in result.errors:
        kinds.setdefault((error.source, error.path), []).append(error.kind)
    for record in result.records:
        errors = " ".join(sorted(set(kinds.pop((record.source, record.path), []))))
        yield _row(record, errors, extras)
    blank = ("",) * len(extras)
    for (source, path), unread in kinds.items():
        errors = " ".join(sorted(set(unread)))
        yield (source, path, "", "", "", "", "", "", *blank, "", "", UNREAD, "", errors)


def _row(record: FileRecord, errors: str, extras: tuple[str, ...]) -> tuple[object, ...]:
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
        *_signal_values(record, extras),
        record.media_type or "",
        " ".join(flags),
        status,
        record.pdq_not_tried,
        errors,
    )


def _signal_values(record: FileRecord, extras: tuple[str, ...]) -> tuple[str, ...]:
    if not extras:
        return ()
    values = dict(record.signals)
    return tuple(values.get(name, "") for name in extras)
