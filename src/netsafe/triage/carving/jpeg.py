"""JPEG by its segments: SOI, marker segments by their lengths, entropy-coded data up to the
next marker, until EOI. A frame header (SOF) and a scan (SOS) must come before the EOI;
progressive files (several scans) are followed scan by scan."""

from __future__ import annotations

import struct

from netsafe.triage.carving.candidate import CandidateBytes
from netsafe.triage.carving.registry import MIB, CarvedFormat, Measured

MAX_SIZE = 64 * MIB
_SOF = frozenset(range(0xC0, 0xD0)) - {0xC4, 0xC8, 0xCC}
_STANDALONE = frozenset((0x01, *range(0xD0, 0xD8)))
_SOS, _EOI, _SOI = 0xDA, 0xD9, 0xD8


def measure(data: CandidateBytes) -> Measured | None:
    """The JPEG's length, or None when its segments do not lead to an EOI."""
    if data.get(0, 3) != b"\xff\xd8\xff":
        return None
    position, frame, scan = 2, False, False
    while True:
        head = data.get(position, 4)
        if len(head) < 2 or head[0] != 0xFF:
            return None
        marker = head[1]
        if marker == 0xFF:  # fill byte before a marker
            position += 1
            continue
        if marker == _EOI:
            if not (frame and scan):
                return None
            return Measured(position + 2, "jpg", "image/jpeg", True)
        if marker in _STANDALONE:
            position += 2
            continue
        if marker in (0x00, _SOI) or len(head) < 4:
            return None
        (length,) = struct.unpack(">H", head[2:4])
        if length < 2:
            return None
        frame = frame or marker in _SOF
        position += 2 + length
        if marker == _SOS:
            if not frame:
                return None
            scan = True
            found = _end_of_entropy_data(data, position)
            if found < 0:
                return None
            position = found


def _end_of_entropy_data(data: CandidateBytes, position: int) -> int:
    """The position of the marker that ends a scan's entropy-coded data, or -1. Inside the data
    0xFF is followed by 0x00 (a stuffed byte) or a restart marker; anything else is a marker."""
    while True:
        hit = data.find_byte(b"\xff", position)
        if hit < 0:
            return -1
        following = data.get(hit + 1, 1)
        if not following:
            return -1
        value = following[0]
        if value == 0x00 or 0xD0 <= value <= 0xD7:
            position = hit + 2
        elif value == 0xFF:
            position = hit + 1  # fill bytes: the marker follows
        else:
            return hit


FORMATS = (CarvedFormat("jpeg", (b"\xff\xd8\xff",), 0, MAX_SIZE, measure),)
