"""JPEG by its segments: SOI, marker segments by their lengths, entropy-coded data up to the
next marker, until EOI. A frame header (SOF) and a scan (SOS) must come before the EOI;
progressive files (several scans) are followed scan by scan."""

from __future__ import annotations

import re
import struct

from netsafe.triage.carving.candidate import CandidateBytes
from netsafe.triage.carving.registry import MIB, CarvedFormat, Measured

MAX_SIZE = 64 * MIB
#: Markers a JPEG may have before its end (real files have tens to a few thousand): the walk
#: of a hostile run of fill bytes or empty markers stops here instead of going on for minutes.
MAX_MARKERS = 100_000
_SOF = frozenset(range(0xC0, 0xD0)) - {0xC4, 0xC8, 0xCC}
_STANDALONE = frozenset((0x01, *range(0xD0, 0xD8)))
_SOS, _EOI, _SOI = 0xDA, 0xD9, 0xD8
_MARKER = re.compile(rb"\xff[\x01-\xcf\xd8-\xfe]")


def measure(data: CandidateBytes) -> Measured | None:
    """The JPEG's length, or None when its segments do not lead to an EOI."""
    if data.get(0, 3) != b"\xff\xd8\xff":
        return None
    position, frame, scan = 2, False, False
    for _ in range(MAX_MARKERS):
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
    return None


def _end_of_entropy_data(data: CandidateBytes, position: int) -> int:
    """The position of the marker that ends a scan's entropy-coded data, or -1. Inside the data
    0xFF is followed by 0x00 (a stuffed byte) or a restart marker (0xD0-0xD7); 0xFF followed by
    anything else is a marker (fill bytes 0xFF before it are passed by the segment walk). The
    search runs in C (`re`), so even data made of stuffed bytes costs no Python per byte."""
    return data.search(_MARKER, position)


FORMATS = (CarvedFormat("jpeg", (b"\xff\xd8\xff",), 0, MAX_SIZE, measure),)
