"""BMP by its headers: the file header's size must agree with the info header (a known size,
one plane, a usual bit depth, dimensions within reason) and, for uncompressed pixels, with the
rows the dimensions need."""

from __future__ import annotations

import struct

from netsafe.triage.carving.candidate import CandidateBytes
from netsafe.triage.carving.registry import MIB, CarvedFormat, Measured

MAX_SIZE = 256 * MIB
MAX_SIDE = 65_535
_INFO_SIZES = frozenset({12, 40, 52, 56, 64, 108, 124})
_DEPTHS = frozenset({1, 2, 4, 8, 16, 24, 32})
_SLACK = 4096  # bytes a writer may leave after the last row


def measure(data: CandidateBytes) -> Measured | None:
    """The BMP's length (its header's file size), or None when the headers disagree."""
    head = data.get(0, 54)
    if len(head) < 26 or head[:2] != b"BM":
        return None
    size, reserved, pixels_at, info_size = struct.unpack("<IIII", head[2:18])
    if reserved != 0 or info_size not in _INFO_SIZES or not 26 <= size <= data.limit:
        return None
    if not 14 + info_size <= pixels_at < size:
        return None
    if info_size == 12:
        width, height, planes, depth = struct.unpack("<HHHH", head[18:26])
        compression = 0
    else:
        if len(head) < 54:
            return None
        width, height, planes, depth, compression = struct.unpack("<iiHHI", head[18:34])
        height = abs(height)
    if planes != 1 or depth not in _DEPTHS or not 0 < width <= MAX_SIDE or height <= 0:
        return None
    if height > MAX_SIDE or compression > 6:
        return None
    if compression == 0:
        needed = pixels_at + ((width * depth + 31) // 32) * 4 * height
        if not needed <= size <= needed + _SLACK:
            return None
    return Measured(size, "bmp", "image/bmp", True)


FORMATS = (CarvedFormat("bmp", (b"BM",), 0, MAX_SIZE, measure),)
