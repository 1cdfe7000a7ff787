"""List file formats: one reader/writer module each (vics, csv, icse, nsrl, plain) and detection.

A reader is `read(path, categories, sink) -> Iterator[EntryRow]` (`HashEntry` named tuples, or
plain tuples in the same field order where speed matters): it streams entries, reports
an invalid entry to `sink` (which raises, or skips and counts with `--skip-invalid`) and raises
`HashListFormatError` for a file it cannot read at all.
"""

from __future__ import annotations

import enum
from collections.abc import Iterator
from pathlib import Path

from netsafe.hashlists.category_map import CategoryMap
from netsafe.hashlists.errors import EntrySink, HashListFormatError
from netsafe.hashlists.formats import csv, icse, nsrl, plain, vics
from netsafe.hashlists.model import EntryRow


class ListFormat(enum.StrEnum):
    """A list file format; `auto` detects it from the content."""

    AUTO = "auto"
    VICS = "vics"
    CSV = "csv"
    ICSE = "icse"
    NSRL = "nsrl"
    PLAIN = "plain"


def detect_format(path: Path) -> ListFormat:
    """The format of `path`, from its first bytes (a name or extension is not trusted)."""
    try:
        with path.open("rb") as handle:
            head = handle.read(8192)
    except OSError as error:
        raise HashListFormatError(path, "opening", error.strerror or str(error)) from error
    if head.startswith(nsrl.SQLITE_MAGIC):
        return ListFormat.NSRL
    text = head.removeprefix(b"\xef\xbb\xbf").decode("utf-8", errors="replace").lstrip()
    if text.startswith(("{", "[")):
        return ListFormat.VICS
    first = next((ln.strip() for ln in text.splitlines() if ln.strip()), "")
    if nsrl.is_legacy_header(first):
        return ListFormat.NSRL
    if icse.is_icse_header(first):
        return ListFormat.ICSE
    if plain.looks_plain(text):
        return ListFormat.PLAIN
    return ListFormat.CSV


def read_entries(
    path: Path, list_format: ListFormat, categories: CategoryMap, sink: EntrySink
) -> Iterator[EntryRow]:
    """Stream the entries of `path` in `list_format` (`auto`: detected)."""
    if list_format is ListFormat.AUTO:
        list_format = detect_format(path)
    readers = {
        ListFormat.VICS: vics.read,
        ListFormat.CSV: csv.read,
        ListFormat.ICSE: icse.read,
        ListFormat.NSRL: nsrl.read,
        ListFormat.PLAIN: plain.read,
    }
    return readers[list_format](path, categories, sink)
