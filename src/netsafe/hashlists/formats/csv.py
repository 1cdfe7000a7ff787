"""CSV lists with a header naming the columns (md5, sha1, sha256, pdq, category, ..., any order).

Header names are matched case-insensitively, with a few aliases (`sha-1`, `MediaSize`, ...);
unknown columns are ignored. A UTF-8 BOM is allowed. The writer writes every known column.
"""

from __future__ import annotations

import csv
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import IO

from netsafe.hashlists.category_map import CategoryMap
from netsafe.hashlists.errors import EntryError, EntrySink, HashListFormatError
from netsafe.hashlists.hashvalues import optional_text, parse_bool, parse_hex, parse_size
from netsafe.hashlists.model import ENTRY_FIELDS, HashEntry

#: Header spellings (lower case, spaces/underscores/hyphens removed) of each entry field.
COLUMN_ALIASES: dict[str, str] = {
    "md5": "md5",
    "sha1": "sha1",
    "sha256": "sha256",
    "pdq": "pdq",
    "pdqhash": "pdq",
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
HASH_COLUMNS = ("md5", "sha1", "sha256", "pdq")


def _key(header: str) -> str:
    return "".join(ch for ch in header.strip().lower() if ch not in " _-")


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
            columns = _columns(path, header)
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
                    yield _entry(values, categories)
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


def _columns(path: Path, header: list[str]) -> dict[str, int]:
    columns: dict[str, int] = {}
    for index, name in enumerate(header):
        field = COLUMN_ALIASES.get(_key(name))
        if field is not None:
            if field in columns:
                raise HashListFormatError(path, "line 1", f"two columns for {field}", name)
            columns[field] = index
    if not any(h in columns for h in HASH_COLUMNS):
        raise HashListFormatError(
            path, "line 1", f"the header names no hash column (one of {', '.join(HASH_COLUMNS)})"
        )
    return columns


def _entry(values: dict[str, str], categories: CategoryMap) -> HashEntry:
    get = values.get
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
    )
    if not entry.has_hash():
        raise EntryError("md5", "no hash in this row")
    return entry


def write(handle: IO[str], entries: Iterable[HashEntry]) -> int:
    """Write a CSV list with a header of every entry field; hex lower case; return the count."""
    writer = csv.writer(handle, lineterminator="\n")
    writer.writerow(ENTRY_FIELDS)
    count = 0
    for count, entry in enumerate(entries, start=1):  # noqa: B007 - returned
        writer.writerow(_cells(entry))
    return count


def _cells(entry: HashEntry) -> list[str]:
    cells: list[str] = []
    for value in entry:
        if value is None:
            cells.append("")
        elif isinstance(value, bytes):
            cells.append(value.hex())
        elif isinstance(value, bool):
            cells.append("true" if value else "false")
        else:
            cells.append(str(value))
    return cells
