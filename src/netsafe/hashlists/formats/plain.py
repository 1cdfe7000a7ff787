"""Plain text lists: one hash per line, the kind told by its length (32 md5, 40 sha1, 64 sha256).

`#` starts a comment (a whole line or the rest of one); blank lines are skipped. A line may name
its kind as `kind:value` (`pdq:...`, since 64 hex digits are read as SHA-256 otherwise), where
kind is any registered signal (name or alias). Every entry is `ungraded`. The writer writes one
value per line, `pdq:` and every signal without a column of its own prefixed with its name.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import IO

from netsafe.categories import Category
from netsafe.hashlists.category_map import CategoryMap
from netsafe.hashlists.errors import EntryError, EntrySink, HashListFormatError
from netsafe.hashlists.hashvalues import KIND_BY_HEX_LENGTH, parse_hex, signal_value
from netsafe.hashlists.model import HashEntry
from netsafe.signals import registry

_HEX = set("0123456789abcdefABCDEF")


def looks_plain(text: str) -> bool:
    """True when the first content line is a bare (or `kind:`) hex hash, or `signal:value` of a
    registered signal."""
    for line in text.splitlines():
        value = line.split("#", 1)[0].strip()
        if value:
            kind, colon, rest = value.partition(":")
            if not colon:
                kind, rest = "", value
            signal = registry.find(kind) if colon else None
            if signal is not None and signal.is_valid(rest):
                return True
            rest = rest.strip()
            return len(rest) in KIND_BY_HEX_LENGTH and set(rest) <= _HEX
    return False


def read(path: Path, categories: CategoryMap, sink: EntrySink) -> Iterator[HashEntry]:
    """Stream the hashes of a plain text list."""
    del categories  # plain lists carry no categories
    try:
        handle = path.open(encoding="utf-8-sig")
    except OSError as error:
        raise HashListFormatError(path, "opening", error.strerror or str(error)) from error
    with handle:
        try:
            for number, line in enumerate(handle, start=1):
                value = line.split("#", 1)[0].strip()
                if not value:
                    continue
                try:
                    yield _entry(value)
                except EntryError as error:
                    sink.invalid(f"line {number}", error)
        except UnicodeDecodeError as error:
            raise HashListFormatError(path, "text", f"not UTF-8: {error}") from error


def _entry(value: str) -> HashEntry:
    kind: str | None
    if ":" in value:
        label, value = (part.strip() for part in value.split(":", 1))
        signal = registry.find(label)
        if signal is None:
            known = ", ".join(registry.signal_names())
            raise EntryError("hash", f"unknown hash kind {label!r} ({known})")
        kind = signal.name
        if not signal.column:
            text = signal_value(signal, value, kind)
            if text is None:
                raise EntryError(kind, "no value after the kind")
            return HashEntry(category=Category.UNGRADED.value, signals=((kind, text),))
    else:
        kind = KIND_BY_HEX_LENGTH.get(len(value))
        if kind is None:
            raise EntryError("hash", f"{len(value)} characters is no hash length (32, 40 or 64)")
    raw = parse_hex(value, kind, kind)
    return HashEntry(
        md5=raw if kind == "md5" else None,
        sha1=raw if kind == "sha1" else None,
        sha256=raw if kind == "sha256" else None,
        pdq=raw if kind == "pdq" else None,
        category=Category.UNGRADED.value,
    )


def write(handle: IO[str], entries: Iterable[HashEntry]) -> int:
    """Write every hash of every entry, one per line; return the number of lines."""
    count = 0
    for entry in entries:
        for kind, value in (
            ("", entry.md5),
            ("", entry.sha1),
            ("", entry.sha256),
            ("pdq:", entry.pdq),
        ):
            if value is not None:
                handle.write(f"{kind}{value.hex()}\n")
                count += 1
        for name, text in entry.signals:
            handle.write(f"{name}:{text}\n")
            count += 1
    return count
