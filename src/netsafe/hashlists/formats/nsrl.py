"""NSRL RDS (NIST's known-software files): the legacy `NSRLFile.txt` and the RDSv3 SQLite database.

Legacy: a quoted CSV with the header `"SHA-1","MD5","CRC32","FileName","FileSize","ProductCode",
"OpSystemCode","SpecialCode"` and upper-case hex. RDSv3: a SQLite database whose `FILE` view has
`sha256, sha1, md5, file_name, file_size, package_id`. Every entry is `ignorable`: an NSRL list is
imported with `--action ignore`. The file name goes to `comments`, the product/package to
`source_id`. NSRL is read only (export a list as CSV or VICS).
"""

from __future__ import annotations

import csv
import sqlite3
from collections.abc import Iterator
from pathlib import Path

from netsafe.categories import Category
from netsafe.hashlists.category_map import CategoryMap
from netsafe.hashlists.errors import EntryError, EntrySink, HashListFormatError
from netsafe.hashlists.hashvalues import optional_text, parse_hex, parse_size
from netsafe.hashlists.model import HashEntry

SQLITE_MAGIC = b"SQLite format 3\x00"
LEGACY_COLUMNS = ("SHA-1", "MD5", "CRC32", "FileName", "FileSize", "ProductCode")
IGNORABLE = Category.IGNORABLE.value


def is_legacy_header(line: str) -> bool:
    """True for the first line of a legacy NSRLFile.txt."""
    return line.startswith('"SHA-1"') and '"MD5"' in line


def read(path: Path, categories: CategoryMap, sink: EntrySink) -> Iterator[HashEntry]:
    """Stream an NSRL RDS file (legacy text or RDSv3 SQLite, detected from the content)."""
    del categories  # NSRL files are known-good: every entry is ignorable
    try:
        with path.open("rb") as handle:
            magic = handle.read(len(SQLITE_MAGIC))
    except OSError as error:
        raise HashListFormatError(path, "opening", error.strerror or str(error)) from error
    if magic == SQLITE_MAGIC:
        return _read_rds3(path, sink)
    return _read_legacy(path, sink)


def _entry(
    sha256: object, sha1: object, md5: object, name: object, size: object, source: object
) -> HashEntry:
    return HashEntry(
        md5=parse_hex(md5, "md5", "MD5"),
        sha1=parse_hex(sha1, "sha1", "SHA-1"),
        sha256=parse_hex(sha256, "sha256", "sha256"),
        category=IGNORABLE,
        media_size=parse_size(size, "FileSize"),
        comments=optional_text(name, "FileName"),
        source_id=optional_text(source, "ProductCode"),
    )


def _read_legacy(path: Path, sink: EntrySink) -> Iterator[HashEntry]:
    with path.open(encoding="utf-8-sig", errors="replace", newline="") as handle:
        rows = csv.reader(handle)
        try:
            header = next(rows, None)
            if header is None or [h.strip() for h in header[: len(LEGACY_COLUMNS)]] != list(
                LEGACY_COLUMNS
            ):
                raise HashListFormatError(
                    path, "line 1", 'not an NSRLFile.txt header ("SHA-1","MD5","CRC32",...)'
                )
            for row in rows:
                if not row:
                    continue
                if len(row) < len(LEGACY_COLUMNS):
                    sink.invalid(
                        f"line {rows.line_num}", EntryError(None, f"{len(row)} fields, expected 8")
                    )
                    continue
                try:
                    entry = _entry(None, row[0], row[1], row[3], row[4], row[5])
                    if not entry.has_hash():
                        raise EntryError("SHA-1", "no hash in this row")
                except EntryError as error:
                    sink.invalid(f"line {rows.line_num}", error)
                    continue
                yield entry
        except csv.Error as error:
            raise HashListFormatError(
                path, f"line {rows.line_num}", f"malformed CSV: {error}"
            ) from error


def _read_rds3(path: Path, sink: EntrySink) -> Iterator[HashEntry]:
    uri = f"{path.resolve().as_uri()}?mode=ro"
    try:
        connection = sqlite3.connect(uri, uri=True)
    except sqlite3.Error as error:
        raise HashListFormatError(path, "opening", str(error)) from error
    try:
        try:
            cursor = connection.execute(
                "SELECT sha256, sha1, md5, file_name, file_size, package_id FROM FILE"
            )
        except sqlite3.Error as error:
            raise HashListFormatError(
                path, "FILE view", f"not an NSRL RDSv3 database: {error}"
            ) from error
        for number, row in enumerate(cursor, start=1):
            try:
                entry = _entry(*row)
                if not entry.has_hash():
                    raise EntryError("sha256", "no hash in this row")
            except EntryError as error:
                sink.invalid(f"FILE row {number}", error)
                continue
            yield entry
    finally:
        connection.close()
