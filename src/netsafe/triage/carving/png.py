"""PNG by its chunks: the signature, IHDR first (13 bytes), every chunk's CRC checked, to IEND."""

from __future__ import annotations

import struct
import zlib

from netsafe.triage.carving.candidate import BLOCK, CandidateBytes
from netsafe.triage.carving.registry import MIB, CarvedFormat, Measured

MAX_SIZE = 256 * MIB
SIGNATURE = b"\x89PNG\r\n\x1a\n"
MAX_CHUNKS = 1_000_000  # a hostile run of empty chunks stops here


def measure(data: CandidateBytes) -> Measured | None:
    """The PNG's length, or None when a chunk is cut short, misnamed or fails its CRC."""
    if data.get(0, 8) != SIGNATURE:
        return None
    position, first = 8, True
    for _ in range(MAX_CHUNKS):
        head = data.get(position, 8)
        if len(head) < 8:
            return None
        length, kind = struct.unpack(">I4s", head)
        if not kind.isalpha() or position + 12 + length > data.limit:
            return None
        if first and (kind != b"IHDR" or length != 13):
            return None
        first = False
        crc = zlib.crc32(kind)
        done = 0
        while done < length:
            part = data.get(position + 8 + done, min(BLOCK, length - done))
            if not part:
                return None
            crc = zlib.crc32(part, crc)
            done += len(part)
        stored = data.get(position + 8 + length, 4)
        if len(stored) < 4 or struct.unpack(">I", stored)[0] != crc:
            return None
        position += 12 + length
        if kind == b"IEND":
            return Measured(position, "png", "image/png", True)
    return None


FORMATS = (CarvedFormat("png", (SIGNATURE,), 0, MAX_SIZE, measure),)
