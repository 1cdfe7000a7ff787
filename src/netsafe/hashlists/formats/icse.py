"""Interpol ICSE (International Child Sexual Exploitation database) CSV export.

A semicolon-separated file whose header is `MD5;SHA1;PhotoDNA;Image ID;Is distributed;Victim
identified;Offender identified;Series name;Number of submissions;File Available;Media Type;
Baseline` (the columns IPED's hash database tool reads). Every entry is a known image: ICSE
gives no grade, so entries are `ungraded` and the list is an `alert` list. MD5 and SHA-1 are
matched; PhotoDNA is not a signal NetSafe computes and is not stored. `Image ID` becomes the
entry's source id, `Series name` its series, `Victim identified` its flag, and the other
columns are kept in its comments (`distributed=yes; offender-identified=no; ...`).
"""

from __future__ import annotations

import csv
from collections.abc import Iterator
from pathlib import Path

from netsafe.hashlists.category_map import CategoryMap
from netsafe.hashlists.errors import EntryError, EntrySink, HashListFormatError
from netsafe.hashlists.hashvalues import optional_text, parse_bool, parse_hex
from netsafe.hashlists.model import HashEntry

DELIMITER = ";"
#: The header's first columns, which tell the format (compared case-insensitively).
SIGNATURE = ("md5", "sha1", "photodna")
#: Columns kept in an entry's comments, as `name=value`.
_COMMENT_COLUMNS = {
    "isdistributed": "distributed",
    "offenderidentified": "offender-identified",
    "numberofsubmissions": "submissions",
    "fileavailable": "file-available",
    "mediatype": "media-type",
    "baseline": "baseline",
}


def _key(header: str) -> str:
    return "".join(ch for ch in header.strip().lower() if ch not in " _-")


def is_icse_header(line: str) -> bool:
    """True when `line` (the first line of a file) is an ICSE export's header."""
    cells = [_key(cell) for cell in line.split(DELIMITER)]
    return tuple(cells[: len(SIGNATURE)]) == SIGNATURE


def read(path: Path, categories: CategoryMap, sink: EntrySink) -> Iterator[HashEntry]:
    """Stream the entries of an ICSE CSV export."""
    try:
        handle = path.open(encoding="utf-8-sig", newline="")
    except OSError as error:
        raise HashListFormatError(path, "opening", error.strerror or str(error)) from error
    ungraded = categories.resolve(None)
    with handle:
        rows = csv.reader(handle, delimiter=DELIMITER)
        try:
            header = next(rows, None)
            if header is None or not is_icse_header(DELIMITER.join(header)):
                raise HashListFormatError(
                    path, "line 1", "not an ICSE export: the header must start MD5;SHA1;PhotoDNA"
                )
            columns = {_key(name): index for index, name in enumerate(header)}
            for row in rows:
                if not row or (len(row) == 1 and not row[0].strip()):
                    continue
                where = f"line {rows.line_num}"
                if len(row) > len(header):
                    sink.invalid(
                        where, EntryError(None, f"{len(row)} fields, header has {len(header)}")
                    )
                    continue
                values = {key: row[i] if i < len(row) else "" for key, i in columns.items()}
                try:
                    yield _entry(values, ungraded)
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


def _entry(values: dict[str, str], category: str) -> HashEntry:
    get = values.get
    comments = [
        f"{label}={text}"
        for key, label in _COMMENT_COLUMNS.items()
        if (text := (get(key) or "").strip())
    ]
    entry = HashEntry(
        md5=parse_hex(get("md5"), "md5", "MD5"),
        sha1=parse_hex(get("sha1"), "sha1", "SHA1"),
        category=category,
        series=optional_text(get("seriesname"), "Series name"),
        victim_identified=parse_bool(get("victimidentified"), "Victim identified"),
        comments="; ".join(comments) or None,
        source_id=optional_text(get("imageid"), "Image ID"),
    )
    if entry.md5 is None and entry.sha1 is None:
        raise EntryError("MD5", "no MD5 or SHA-1 in this row (PhotoDNA alone is not matched)")
    return entry
