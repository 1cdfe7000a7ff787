"""A candidate's bytes, read on demand relative to its start and never past its size cap."""

from __future__ import annotations

import re
from collections.abc import Callable

#: How much is read at a time (small reads of a structure walk come out of this buffer).
BLOCK = 256 * 1024

ReadAt = Callable[[int, int], bytes]


class CandidateBytes:
    """Bytes from `start` of a space read with `read(offset, size)`, at most `limit` of them.

    `get` returns fewer bytes than asked for at the limit or the end of the space: callers
    treat a short read as "the structure does not fit", never as an error.
    """

    def __init__(self, read: ReadAt, start: int, limit: int) -> None:
        self._read = read
        self.start = start
        self.limit = max(0, limit)
        self._buffer = b""
        self._buffer_at = 0

    def get(self, position: int, size: int) -> bytes:
        """Up to `size` bytes at `position` (relative to the candidate's start)."""
        if position < 0 or size <= 0 or position >= self.limit:
            return b""
        size = min(size, self.limit - position)
        offset = position - self._buffer_at
        if offset >= 0 and offset + size <= len(self._buffer):
            return self._buffer[offset : offset + size]
        if size > BLOCK:
            return self._read(self.start + position, size)
        self._buffer = self._read(self.start + position, min(BLOCK, self.limit - position))
        self._buffer_at = position
        return self._buffer[:size]

    def search(self, pattern: re.Pattern[bytes], position: int) -> int:
        """The position of the next match of a two-byte `pattern` at or after `position`, or
        -1 (searched block by block in C, blocks overlapping by a byte)."""
        while position < self.limit:
            block = self.get(position, BLOCK)
            found = pattern.search(block)
            if found is not None:
                return position + found.start()
            if len(block) < 2:
                return -1
            position += len(block) - 1
        return -1
