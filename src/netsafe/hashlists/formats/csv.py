"""CSV lists with a header naming the columns (md5, sha1, sha256, pdq, category, ..., any order).

Header names are matched case-insensitively, with a few aliases (`sha-1`, `MediaSize`, ...);
a column named after any registered signal (or one of its aliases) holds that signal's values;
unknown columns are ignored. A UTF-8 BOM is allowed. The writer writes every entry field and a
column for each registered signal without a column of its own.
"""

from __future__ import annotations

import csv
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import IO

from netsafe.hashlists.category_map import CategoryMap
from netsafe.hashlists.errors import EntryError, EntrySink, HashListFormatError
from netsafe.hashlists.hashvalues import (
    optional_text,
    parse_bool,
    parse_hex,
    parse_size,
    signal_value,
    signal_values,
)
from netsafe.hashlists.model import COLUMN_FIELDS, ENTRY_FIELDS, HashEntry
from netsafe.signals import registry
from netsafe.signals.base import SignalType, label_key

#: Header spellings (lower case, spaces/underscores/hyphens removed) of each entry field that is
#: not a signal (signals are found by `registry.find`, under their names and aliases).
COLUMN_ALIASES: dict[str, str] = {
    "category": "category",
    "grade": "category",
    "mediasize": "media_size",
    "size": "media_size",
    "filesize": "media_size",
    "series": "series",
    "victimidentified": "victim_identified",
    "comments": "comments",
    "comment": "comments",
    "sourceid": "source_id",
    "mediaid": "source_id",
    "id": "source_id",
}


def read(path: Path, categories: CategoryMap, sink: EntrySink) -> Iterator[HashEntry]:
    """Stream the rows of a CSV list; the header must name at least one hash column."""
    try:
        handle = path.open(encoding="utf-8-sig", newline="")
    except OSError as error:
        raise HashListFormatError(path, "opening", error.strerror or str(error)) from error
    with handle:
        rows = csv.reader(handle)
        try:
            header = next(rows, None)
            if header is None:
                raise HashListFormatError(path, "line 1", "empty file: no header")
            columns, extras = _columns(path, header)
            for row in rows:
                if not row or (len(row) == 1 and not row[0].strip()):
                    continue
                where = f"line {rows.line_num}"
                if len(row) > len(header):
                    sink.invalid(
                        where, EntryError(None, f"{len(row)} fields, header has {len(header)}")
                    )
                    continue
                values = {name: row[i] if i < len(row) else "" for name, i in columns.items()}
                try:
                    yield _entry(values, categories, extras)
                except EntryError as error:
                    sink.invalid(where, error)
        except UnicodeDecodeError as error:
            raise HashListFormatError(
                path, f"line {rows.line_num + 1}", f"not UTF-8: {error}"
            ) from error
        except csv.Error as error:
            raise HashListFormatError(
                path, f"line {rows.line_num}", f"malformed CSV: {error}"
            ) from error


def _columns(path: Path, header: list[str]) -> tuple[dict[str, int], list[type[SignalType]]]:
    """Field → column position, and the signals without a column of their own in the header."""
    columns: dict[str, int] = {}
    extras: list[type[SignalType]] = []
    for index, name in enumerate(header):
        signal = registry.find(name)
        field = signal.name if signal is not None else COLUMN_ALIASES.get(label_key(name))
        if field is not None:
            if field in columns:
                raise HashListFormatError(path, "line 1", f"two columns for {field}", name)
            columns[field] = index
            if signal is not None and not signal.column:
                extras.append(signal)
    if not extras and not any(h in columns for h in COLUMN_FIELDS):
        names = ", ".join(registry.signal_names())
        raise HashListFormatError(
            path, "line 1", f"the header names no hash column (one of {names})"
        )
    return columns, extras


def _entry(
    values: dict[str, str], categories: CategoryMap, extras: list[type[SignalType]]
) -> HashEntry:
    get = values.get
    others = [
        (signal.name, value)
        for signal in extras
        if (value := signal_value(signal, get(signal.name), signal.name)) is not None
    ]
    entry = HashEntry(
        parse_hex(get("md5"), "md5", "md5"),
        parse_hex(get("sha1"), "sha1", "sha1"),
        parse_hex(get("sha256"), "sha256", "sha256"),
        parse_hex(get("pdq"), "pdq", "pdq"),
        categories.resolve(get("category"), "category"),
        parse_size(get("media_size"), "media_size"),
        optional_text(get("series"), "series"),
        parse_bool(get("victim_identified"), "victim_identified"),
        optional_text(get("comments"), "comments"),
        optional_text(get("source_id"), "source_id"),
        signal_values(others),
    )
    if not entry.has_hash():
        raise EntryError("md5", "no hash in this row")
    return entry


def write(handle: IO[str], entries: Iterable[HashEntry]) -> int:
    """Write a CSV list with a header of every entry field and a column for each registered
    signal without one; hex lower case; return the count."""
    extras = [signal.name for signal in registry.extra_signals()]
    writer = csv.writer(handle, lineterminator="\n")
    writer.writerow([*ENTRY_FIELDS, *extras])
    count = 0
    for count, entry in enumerate(entries, start=1):  # noqa: B007 - returned
        others = dict(entry.signals)
        writer.writerow(_cells(entry) + [others.get(name, "") for name in extras])
    return count


def _cells(entry: HashEntry) -> list[str]:
    cells: list[str] = []
    for value in entry[: len(ENTRY_FIELDS)]:
        if value is None:
            cells.append("")
        elif isinstance(value, bytes):
            cells.append(value.hex())
        elif isinstance(value, bool):
            cells.append("true" if value else "false")
        else:
            cells.append(str(value))
    return cells
