"""GIF by its blocks: header and logical screen, colour tables, extensions and images (each a
chain of sub-blocks), to the trailer (0x3B)."""

from __future__ import annotations

from netsafe.triage.carving.candidate import CandidateBytes
from netsafe.triage.carving.registry import MIB, CarvedFormat, Measured

MAX_SIZE = 64 * MIB
#: Blocks and sub-blocks walked at most (a 64 MB GIF of 255-byte sub-blocks has ~263,000): a
#: hostile chain of 1-byte sub-blocks stops here instead of going on for a minute.
MAX_BLOCKS = 400_000


def measure(data: CandidateBytes) -> Measured | None:
    """The GIF's length, or None when its blocks do not lead to a trailer after an image."""
    header = data.get(0, 13)
    if len(header) < 13 or header[:6] not in (b"GIF87a", b"GIF89a"):
        return None
    position = 13 + _colour_table(header[10])
    images = 0
    budget = [MAX_BLOCKS]
    while budget[0] > 0:
        budget[0] -= 1
        kind = data.get(position, 1)
        if not kind:
            return None
        if kind == b"\x3b":
            if not images:
                return None
            return Measured(position + 1, "gif", "image/gif", True)
        if kind == b"\x21":  # extension: label, then sub-blocks
            position = _sub_blocks(data, position + 2, budget)
        elif kind == b"\x2c":  # image: descriptor, local colour table, LZW code size, data
            descriptor = data.get(position, 10)
            if len(descriptor) < 10:
                return None
            position += 10 + _colour_table(descriptor[9]) + 1
            position = _sub_blocks(data, position, budget)
            images += 1
        else:
            return None
        if position < 0:
            return None
    return None


def _colour_table(flags: int) -> int:
    return 3 * (2 << (flags & 0x07)) if flags & 0x80 else 0


def _sub_blocks(data: CandidateBytes, position: int, budget: list[int]) -> int:
    """The position after a chain of sub-blocks (ended by a zero length), or -1 (also once
    `budget`, the blocks left to walk, runs out)."""
    while budget[0] > 0:
        budget[0] -= 1
        size = data.get(position, 1)
        if not size:
            return -1
        position += 1 + size[0]
        if size[0] == 0:
            return position
        if position > data.limit:
            return -1
    return -1


FORMATS = (CarvedFormat("gif", (b"GIF87a", b"GIF89a"), 0, MAX_SIZE, measure),)
