"""VICS JSON (Project VIC, read and written by Griffeye and CAID-compatible tools).

Reads 1.x (`"odata.metadata": ".../1.3.xml#Media"`) and 2.0 (`"@odata.context": "...#Media"`), in
the hash-set form (`value: [ {MediaID, Category, MD5, SHA1, MediaSize, ...} ]`) and the case export
form (`#Cases`: `value: [ {CaseID, ..., Media: [ {..., MediaFiles: [...]} ]} ]`), streaming (the
hash-set form with `json_array`, the case form with ijson's C backend). Tolerates what real files
carry: a UTF-8 BOM, upper-case hex, booleans as the strings "true"/"false", missing fields. SHA-256
and PDQ are read from `SHA256`/`PDQ` fields or from `AlternativeHashes: [ {HashName, HashValue} ]`,
as is any other registered signal (by its name, an alias or its VICS name, e.g. "vPDQ"); the
writer puts them all in `AlternativeHashes` (`HashName`: the signal's VICS name).

Writes VICS 2.0 in either form."""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import IO, Any

import ijson

from netsafe.hashlists.category_map import CategoryMap
from netsafe.hashlists.errors import EntryError, EntrySink, HashListFormatError
from netsafe.hashlists.formats import vics_hashset
from netsafe.hashlists.formats.json_array import JsonStreamError, array_items
from netsafe.hashlists.hashvalues import (
    hex_or_none,
    optional_text,
    parse_bool,
    parse_size,
    signal_value,
    signal_values,
    text_or_none,
)
from netsafe.hashlists.model import EntryRow, HashEntry, SignalValues
from netsafe.signals import registry

CONTEXT_2_0 = "http://github.com/VICSDATAMODEL/ProjectVic/DataModels/2.0.xml/CUSTOM/$metadata"
BOM = b"\xef\xbb\xbf"
_CONTEXT = re.compile(rb'"(@odata\.context|odata\.metadata)"\s*:\s*"([^"]*)"')
_BOOLEAN_TEXT = {"true": True, "false": False, "True": True, "False": False}


def _backend() -> Any:
    try:
        return ijson.get_backend("yajl2_c")
    except ImportError:  # pragma: no cover - the C backend ships in ijson's wheels
        return ijson


def is_cases_form(head: bytes) -> bool:
    """True when the file's OData context names the case export form (`#Cases`)."""
    found = _CONTEXT.search(head)
    if found is not None:
        return found.group(2).rstrip(b"/").endswith(b"#Cases")
    return b'"Media"' in head and b'"CaseID"' in head


def read(path: Path, categories: CategoryMap, sink: EntrySink) -> Iterator[EntryRow]:
    """Stream the media entries of a VICS file (either version, either form).

    A usual hash set (`vics_hashset.starts_plainly`) is read in whole batches by `vics_hashset`;
    should it meet anything unusual, it says how many items it has read and the general reader
    goes on after them. The general reader reads the hash-set form with `json_array` (C `json`
    scanner per object) and the case form, whose Media arrays sit inside case objects, with
    ijson's C backend.
    """
    with _open(path) as handle:
        head = handle.read(65536)
        read_items = 0
        if vics_hashset.starts_plainly(head) and not is_cases_form(head):
            handle.seek(0)

            def convert_slowly(items: list[Any], first: int) -> list[EntryRow]:
                return list(_entries(items, first, categories, sink))

            try:
                for batch in vics_hashset.hashset_batches(handle, categories, convert_slowly):
                    yield from batch
                return
            except vics_hashset.Unusual as unusual:
                read_items = unusual.items
        handle.seek(len(BOM) if head.startswith(BOM) else 0)
        yield from _read_general(path, handle, head, categories, sink, read_items)


def _read_general(
    path: Path, handle: IO[bytes], head: bytes, categories: CategoryMap, sink: EntrySink, skip: int
) -> Iterator[EntryRow]:
    """The general reader; the first `skip` items (read already) are parsed, not converted."""
    number = 0
    try:
        if is_cases_form(head):
            items = _backend().items(
                handle, "value.item.Media.item", use_float=True, buf_size=1 << 18
            )
        else:
            items = array_items(handle, "value")
        for number, media in enumerate(items, start=1):
            if number > skip:
                entry = _entry(media, number, categories, sink)
                if entry is not None:
                    yield entry
    except (JsonStreamError, ijson.JSONError) as error:
        if (
            isinstance(error, JsonStreamError)
            and error.items == 0
            and number == 0
            and "array" in str(error)
        ):
            raise HashListFormatError(path, "top level", f"not a VICS file: {error}") from error
        raise HashListFormatError(
            path, f"after entry {number}", f"malformed JSON: {error}"
        ) from error
    except UnicodeDecodeError as error:
        raise HashListFormatError(path, f"after entry {number}", f"not UTF-8: {error}") from error
    if number == 0 and not _has_value_array(head):
        raise HashListFormatError(path, "top level", "not a VICS file: no `value` array")


def _entries(
    items: list[Any], first: int, categories: CategoryMap, sink: EntrySink
) -> Iterator[EntryRow]:
    """Items of a Media array, numbered from `first`, as rows; invalid ones go to `sink`."""
    for number, media in enumerate(items, start=first):
        entry = _entry(media, number, categories, sink)
        if entry is not None:
            yield entry


def _entry(media: Any, number: int, categories: CategoryMap, sink: EntrySink) -> EntryRow | None:
    """Item `number` of a Media array as a row, or None when `sink` skipped it as invalid."""
    if media.__class__ is not dict:
        sink.invalid(f"entry {number}", EntryError(None, "not a JSON object"))
        return None
    try:
        return media_entry(media, categories)
    except EntryError as error:
        sink.invalid(f"entry {number} (MediaID {media.get('MediaID')})", error)
        return None


def _open(path: Path) -> IO[bytes]:
    try:
        return path.open("rb")
    except OSError as error:
        raise HashListFormatError(path, "opening", error.strerror or str(error)) from error


def _has_value_array(head: bytes) -> bool:
    return re.search(rb'"value"\s*:\s*\[', head) is not None


def media_entry(media: dict[str, Any], categories: CategoryMap) -> EntryRow:
    """One `Media` object as an entry row (raises EntryError naming the field).

    Written for speed (it runs once per entry of files with millions): the usual value types
    (hex strings of the right length, numbers, "true"/"false") take an inline fast path, anything
    else goes through the checking parsers in `hashvalues`, which accept or explain it.
    """
    get = media.get
    md5 = get("MD5")
    if md5 is not None:
        raw = _fromhex(md5) if md5.__class__ is str and len(md5) == 32 else None
        md5 = raw if raw is not None and len(raw) == 16 else hex_or_none(md5, "md5", "MD5")
    sha1 = get("SHA1")
    if sha1 is not None:
        raw = _fromhex(sha1) if sha1.__class__ is str and len(sha1) == 40 else None
        sha1 = raw if raw is not None and len(raw) == 20 else hex_or_none(sha1, "sha1", "SHA1")
    sha256 = get("SHA256")
    pdq = get("PDQ")
    alternatives = get("AlternativeHashes")
    others: SignalValues = ()
    if alternatives:
        found, others = _alternative_hashes(alternatives)
        sha256 = sha256 or found.get("sha256")
        pdq = pdq or found.get("pdq")
    if sha256 is not None:
        sha256 = hex_or_none(sha256, "sha256", "SHA256")
    if pdq is not None:
        pdq = hex_or_none(pdq, "pdq", "PDQ")
    if md5 is None and sha1 is None and sha256 is None and pdq is None and not others:
        raise EntryError("MD5", "no hash: MD5, SHA1, SHA256 and PDQ are all missing")
    category = get("Category")
    category = categories.values_by_number.get(category) if category.__class__ is int else None
    if category is None:
        category = categories.resolve(get("Category"), "Category")
    size = get("MediaSize")
    if size is not None and (size.__class__ is not int or size < 0):
        size = parse_size(size, "MediaSize")
    victim = get("VictimIdentified")
    if victim is not None and victim.__class__ is not bool:
        victim = _BOOLEAN_TEXT.get(victim) if victim.__class__ is str else None
        if victim is None:
            victim = parse_bool(get("VictimIdentified"), "VictimIdentified")
    series = get("Series")
    if series is not None:
        series = text_or_none(series, "Series")
    comments = get("Comments")
    if comments is not None:
        comments = _comments(comments)
    source_id = get("SourceID")
    if source_id is None:
        source_id = get("MediaID")
    source_id = str(source_id) if source_id.__class__ is int else _source_id(source_id)
    return (md5, sha1, sha256, pdq, category, size, series, victim, comments, source_id, others)


def _fromhex(text: str) -> bytes | None:
    try:
        return bytes.fromhex(text)
    except ValueError:
        return None


def _source_id(value: object) -> str | None:
    return None if value is None else text_or_none(value, "MediaID")


def _alternative_hashes(alternatives: object) -> tuple[dict[str, object], SignalValues]:
    """SHA-256 and PDQ values (to check as columns), and the values of registered signals
    without a column, from `AlternativeHashes` (the last item of a kind counts)."""
    if not isinstance(alternatives, list):
        raise EntryError("AlternativeHashes", "expected a list")
    found: dict[str, object] = {}
    others: dict[str, str] = {}
    for item in alternatives:
        if not isinstance(item, dict):
            raise EntryError("AlternativeHashes", "expected objects with HashName and HashValue")
        signal = registry.find(str(item.get("HashName", "")))
        if signal is None or signal.name in ("md5", "sha1"):
            continue
        if signal.column:
            found[signal.name] = item.get("HashValue")
            continue
        value = signal_value(signal, item.get("HashValue"), f"AlternativeHashes {signal.heading()}")
        if value is not None:
            others[signal.name] = value
    return found, signal_values(others.items())


def _comments(value: object) -> str | None:
    if isinstance(value, list):  # VICS 2.0 may carry a list of comment objects or strings
        parts = [
            str(v.get("Comment") or v.get("Text") or "") if isinstance(v, dict) else str(v)
            for v in value
        ]
        value = "\n".join(p for p in parts if p) or None
    return optional_text(value, "Comments")


def media_object(entry: HashEntry, number: int, categories: CategoryMap) -> dict[str, object]:
    """An entry as a VICS 2.0 `Media` object (hex in upper case, as the tools write it)."""
    media: dict[str, object] = {}
    source = entry.source_id
    media["MediaID"] = int(source) if source and source.isdigit() else number
    if source and not source.isdigit():
        media["SourceID"] = source
    category_number = categories.number_of(entry.category)
    media["Category"] = entry.category if category_number is None else category_number
    if entry.md5 is not None:
        media["MD5"] = entry.md5.hex().upper()
    if entry.sha1 is not None:
        media["SHA1"] = entry.sha1.hex().upper()
    if entry.media_size is not None:
        media["MediaSize"] = entry.media_size
    if entry.series is not None:
        media["Series"] = entry.series
    if entry.victim_identified is not None:
        media["VictimIdentified"] = entry.victim_identified
    if entry.comments is not None:
        media["Comments"] = entry.comments
    alternatives: list[dict[str, str]] = [
        {"HashName": name, "HashValue": value.hex().upper()}
        for name, value in (("SHA256", entry.sha256), ("PDQ", entry.pdq))
        if value is not None
    ]
    for name, text in entry.signals:
        signal = registry.find(name)
        heading = signal.heading() if signal is not None else name
        alternatives.append({"HashName": heading, "HashValue": text})
    if alternatives:
        media["AlternativeHashes"] = alternatives
    return media


def write(
    handle: IO[str],
    entries: Iterable[HashEntry],
    categories: CategoryMap,
    *,
    cases: bool = False,
    case_name: str = "",
) -> int:
    """Write VICS 2.0 (`#Media`, or `#Cases` with one case holding every entry); return count."""
    form = "Cases" if cases else "Media"
    handle.write(json.dumps({"@odata.context": f"{CONTEXT_2_0}#{form}"})[:-1] + ', "value": [')
    if cases:
        case = {"CaseID": 1, "CaseNumber": case_name, "SourceApplicationName": "NetSafe"}
        handle.write(json.dumps(case)[:-1] + ', "Media": [')
    count = 0
    for count, entry in enumerate(entries, start=1):
        if count > 1:
            handle.write(",")
        media = media_object(entry, count, categories)
        if cases:
            media["MediaFiles"] = []
        handle.write("\n" + json.dumps(media, ensure_ascii=False))
    handle.write("\n]}]}\n" if cases else "\n]}\n")
    return count
