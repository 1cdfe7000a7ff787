"""RIFF files by their chunks: WebP pictures and AVI videos. The RIFF header's size must be
tiled exactly by chunks with printable names (each padded to an even length); an AVI's
OpenDML continuation (`RIFF…AVIX` parts right after it) belongs to it."""

from __future__ import annotations

import struct

from netsafe.triage.carving.candidate import CandidateBytes
from netsafe.triage.carving.registry import MIB, CarvedFormat, Measured

MAX_WEBP = 64 * MIB
MAX_AVI = 4096 * MIB
MAX_CHUNKS = 1_000_000
_WEBP_FIRST = (b"VP8 ", b"VP8L", b"VP8X")


def _printable(name: bytes) -> bool:
    return len(name) == 4 and all(0x20 <= byte < 0x7F for byte in name)


def _riff_length(data: CandidateBytes, start: int, form: bytes) -> tuple[int, bytes] | None:
    """(length, first chunk's name) of the RIFF part at `start` with form type `form`."""
    head = data.get(start, 12)
    if len(head) < 12 or head[:4] != b"RIFF" or head[8:12] != form:
        return None
    (size,) = struct.unpack("<I", head[4:8])
    end = start + 8 + size
    if size < 16 or end > data.limit:
        return None
    position, first, count = start + 12, b"", 0
    while position < end:
        chunk = data.get(position, 8)
        count += 1
        if len(chunk) < 8 or not _printable(chunk[:4]) or count > MAX_CHUNKS:
            return None
        first = first or chunk[:4]
        (length,) = struct.unpack("<I", chunk[4:8])
        position += 8 + length + (length & 1)
    if position not in (end, end + 1):  # the last chunk's pad byte may lie outside the size
        return None
    return position - start, first


def measure_webp(data: CandidateBytes) -> Measured | None:
    """The WebP's length, or None when its chunks do not tile the RIFF size."""
    found = _riff_length(data, 0, b"WEBP")
    if found is None or found[1] not in _WEBP_FIRST:
        return None
    return Measured(found[0], "webp", "image/webp", True)


def measure_avi(data: CandidateBytes) -> Measured | None:
    """The AVI's length (with its AVIX parts), or None when its chunks do not tile its size."""
    found = _riff_length(data, 0, b"AVI ")
    if found is None or found[1] != b"LIST":
        return None
    length = found[0]
    while (extra := _riff_length(data, length, b"AVIX")) is not None:
        length += extra[0]
    return Measured(length, "avi", "video/x-msvideo", False)


FORMATS = (
    CarvedFormat("webp", (b"RIFF",), 0, MAX_WEBP, measure_webp),
    CarvedFormat("avi", (b"RIFF",), 0, MAX_AVI, measure_avi),
)
