"""Split raw images: `x.001, x.002, ...` (or from `x.000`), `x.aa, x.ab, ...`: every segment, in
order, read as one medium. A gap in the numbering is an `OpenError` naming the missing segment."""

from __future__ import annotations

import re
import string
from pathlib import Path

from netsafe.triage.openers.byte_sources import FileBytes
from netsafe.triage.openers.interfaces import ByteSource, OpenedMedium, OpenError, Probe

_NUMBERED = re.compile(r"^\.(\d{3,})$")
_LETTERED = re.compile(r"^\.([a-z]{2,})$")


class ConcatBytes:
    """Segment files read as one run of bytes."""

    def __init__(self, paths: list[Path]) -> None:
        self._parts: list[tuple[int, FileBytes]] = []
        start = 0
        for path in paths:
            part = FileBytes(str(path))
            self._parts.append((start, part))
            start += part.size
        self.size = start

    def read_at(self, offset: int, size: int) -> bytes:
        size = max(0, min(size, self.size - offset))
        pieces: list[bytes] = []
        for start, part in self._parts:
            if size <= 0:
                break
            if offset >= start + part.size:
                continue
            piece = part.read_at(offset - start, size)
            pieces.append(piece)
            offset += len(piece)
            size -= len(piece)
        return b"".join(pieces)

    def close(self) -> None:
        for _start, part in self._parts:
            part.close()


def segment_names(path: Path) -> tuple[list[Path], list[str]] | None:
    """(the segments present, in order, from `path`; the names missing before the last one), or
    None when `path` is not the first segment of a split set of two or more segments."""
    suffix = path.suffix.lower()
    numbered = _NUMBERED.match(suffix)
    if numbered:
        width, first = len(numbered[1]), int(numbered[1])
        if first > 1:
            return None
        siblings = {
            int(p.suffix[1:]): p
            for p in path.parent.glob(f"{path.stem}.*")
            if _NUMBERED.match(p.suffix.lower()) and len(p.suffix) - 1 == width
        }
    elif _LETTERED.match(suffix) and set(suffix[1:]) == {"a"}:
        width, first = len(suffix) - 1, 0
        siblings = {
            _letters_number(p.suffix[1:].lower()): p
            for p in path.parent.glob(f"{path.stem}.*")
            if _LETTERED.match(p.suffix.lower()) and len(p.suffix) - 1 == width
        }
    else:
        return None
    if len(siblings) < 2 or first not in siblings:
        return None
    last = max(siblings)
    present = [siblings[n] for n in range(first, last + 1) if n in siblings]
    lettered = not numbered
    missing = [
        f"{path.stem}.{_number_letters(n, width) if lettered else f'{n:0{width}d}'}"
        for n in range(first, last + 1)
        if n not in siblings
    ]
    return present, missing


def first_segment(path: Path) -> Path | None:
    """The first segment of the split set `path` is a later segment of (`x.001` or `x.000` for
    `x.002`, `x.aa` for `x.ab`), when it lies beside it and starts a set; else None."""
    suffix = path.suffix.lower()
    numbered = _NUMBERED.match(suffix)
    if numbered:
        width, number = len(numbered[1]), int(numbered[1])
        candidates = [0, 1]
    elif _LETTERED.match(suffix) and set(suffix[1:]) != {"a"}:
        width, number = len(suffix) - 1, _letters_number(suffix[1:])
        candidates = [0]
    else:
        return None
    for start in candidates:
        ending = f"{start:0{width}d}" if numbered else "a" * width
        first = path.with_suffix(f".{ending}")
        if start < number and first.is_file() and segment_names(first) is not None:
            return first
    return None


def _letters_number(letters: str) -> int:
    number = 0
    for letter in letters:
        number = number * 26 + ord(letter) - 97
    return number


def _number_letters(number: int, width: int) -> str:
    letters = []
    for _ in range(width):
        number, rest = divmod(number, 26)
        letters.append(string.ascii_lowercase[rest])
    return "".join(reversed(letters))


class SplitRawFormat:
    """A raw image in segments (by its first segment's name and its siblings)."""

    kind = "split-raw"
    suffixes = (".000", ".001", ".aa")

    def recognise(self, probe: Probe) -> bool:
        return probe.path is not None and segment_names(probe.path) is not None

    def open(self, probe: Probe, data: ByteSource | None) -> OpenedMedium:
        assert probe.path is not None
        found = segment_names(probe.path)
        assert found is not None
        present, missing = found
        if missing:
            raise OpenError("missing-segment", f"split raw segment missing: {', '.join(missing)}")
        try:
            source = ConcatBytes(present)
        except OSError as error:
            raise OpenError("unreadable", f"cannot open a segment: {error}") from error
        return OpenedMedium("split-raw", source, tuple(str(p) for p in present))


OPENERS = (SplitRawFormat(),)
