"""Scattered byte runs of a medium (a file system's unallocated blocks) read as one space, the
way carvers read TSK's `blkls` output: a file cut in two by an allocated block can still be
carved whole."""

from __future__ import annotations

import bisect
import io
from collections.abc import Sequence
from typing import Any

from netsafe.triage.carving.candidate import ReadAt

Run = tuple[int, int]  # (offset in the medium, length)


def without(runs: Sequence[Run], taken: Sequence[Run]) -> list[Run]:
    """`runs` less every byte in `taken` (either may be unsorted; the result is sorted)."""
    cuts: list[tuple[int, int]] = []
    for start, end in sorted((s, s + n) for s, n in taken if n > 0):
        if cuts and start <= cuts[-1][1]:
            cuts[-1] = (cuts[-1][0], max(cuts[-1][1], end))
        else:
            cuts.append((start, end))
    cut_ends = [end for _, end in cuts]
    left: list[Run] = []
    for start, length in sorted(runs):
        end = start + length
        index = bisect.bisect_right(cut_ends, start)
        while index < len(cuts) and cuts[index][0] < end:
            cut_start, cut_end = cuts[index]
            if cut_start > start:
                left.append((start, cut_start - start))
            start = max(start, cut_end)
            index += 1
        if start < end:
            left.append((start, end - start))
    return left


class RunSpace:
    """Runs of a medium read with `read(offset, size)`, one after the other as one space."""

    def __init__(self, read: ReadAt, runs: Sequence[Run]) -> None:
        self._read = read
        self.runs = [run for run in runs if run[1] > 0]
        self._starts: list[int] = []
        total = 0
        for _, length in self.runs:
            self._starts.append(total)
            total += length
        self.size = total

    def read(self, offset: int, size: int) -> bytes:
        """Up to `size` bytes at `offset` of the space (short at its end)."""
        size = min(size, self.size - offset)
        if offset < 0 or size <= 0:
            return b""
        index = bisect.bisect_right(self._starts, offset) - 1
        parts: list[bytes] = []
        while size > 0 and index < len(self.runs):
            medium, length = self.runs[index]
            inside = offset - self._starts[index]
            count = min(size, length - inside)
            data = self._read(medium + inside, count)
            parts.append(data)
            if len(data) < count:
                break  # the medium ends early: a short read, as at the space's end
            offset += count
            size -= count
            index += 1
        return parts[0] if len(parts) == 1 else b"".join(parts)

    def medium_offset(self, offset: int) -> int:
        """Where the space's byte at `offset` lies in the medium."""
        index = bisect.bisect_right(self._starts, offset) - 1
        return self.runs[index][0] + offset - self._starts[index]


class SpaceStream(io.RawIOBase):
    """Bytes [start, start + length) of a space as a binary stream (a carved file's bytes)."""

    def __init__(self, read: ReadAt, start: int, length: int) -> None:
        super().__init__()
        self._read = read
        self._start = start
        self.size = length
        self._position = 0

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        wanted = min(len(buffer), self.size - self._position)
        if wanted <= 0:
            return 0
        data = self._read(self._start + self._position, wanted)
        if not data:
            raise OSError(f"read error at offset {self._start + self._position}: no data")
        count = len(data)
        buffer[:count] = data
        self._position += count
        return count
