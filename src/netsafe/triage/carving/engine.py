"""The carving loop: signatures found over big buffers, candidates measured by their structure,
pictures decoded before they are accepted.

Files in a file system start on a block boundary, so by default (`SECTOR` alignment, as
PhotoRec does) only the first bytes of every 512-byte sector are compared with the signatures,
all sectors of a buffer at once with numpy: the scan costs little more than reading the bytes.
`alignment=1` looks at every byte (one `bytes.find` pass per signature), for data that is not
block-aligned.

The space is scanned in windows of `WINDOW` bytes (plus the longest signature, so no signature
is lost between two windows). Only candidates that start before `scan_end` are carved; they may
run on to the end of the space. A candidate starting inside a file already carved (a JPEG's EXIF
thumbnail, a picture inside a video) is part of that file and not carved again.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass

import numpy as np

from netsafe.media import DecodeLimits, MediaError, decode_luma
from netsafe.triage.carving.candidate import CandidateBytes, ReadAt
from netsafe.triage.carving.registry import CarvedFormat, Measured, registered_formats

WINDOW = 16 * 1024 * 1024
SECTOR = 512
#: Decoding that proves a carved picture whole: downscaled (cheap), within the usual pixel cap.
PROOF_DECODE = DecodeLimits(max_side=64)


@dataclass(frozen=True, slots=True)
class Carved:
    """One file carved out of a space: where it starts, how long it is, what it is."""

    offset: int
    length: int
    format: str
    extension: str
    media_type: str


def carve(
    read: ReadAt,
    size: int,
    *,
    scan_end: int | None = None,
    formats: Sequence[CarvedFormat] | None = None,
    window: int = WINDOW,
    alignment: int = SECTOR,
) -> Iterator[Carved]:
    """Every file carved from a space of `size` bytes read with `read(offset, size)`, in order,
    starting at a multiple of `alignment` bytes."""
    formats = registered_formats() if formats is None else formats
    scan_end = size if scan_end is None else min(scan_end, size)
    overlap = max(f.signature_offset + len(s) for f in formats for s in f.signatures)
    if alignment > 1:
        if overlap > alignment or window % alignment:
            raise ValueError("signatures must fit in one aligned block, windows be whole blocks")
        overlap = 0
    resume = 0  # nothing is carved from inside a file already carved
    position = 0
    while position < scan_end:
        buffer = read(position, min(window + overlap, size - position))
        if not buffer:
            return
        starts = min(window, scan_end - position)
        if alignment > 1:
            hits = _aligned_candidates(buffer, starts, formats, alignment)
        else:
            hits = _candidates(buffer, starts, formats)
        for start, order in hits:
            absolute = position + start
            if absolute < resume:
                continue
            found = _measured(read, absolute, size, formats[order])
            if found is not None:
                yield Carved(
                    absolute, found.length, formats[order].name, found.extension, found.media_type
                )
                resume = absolute + found.length
        position += window


def _candidates(
    buffer: bytes, starts: int, formats: Sequence[CarvedFormat]
) -> list[tuple[int, int]]:
    """(start in the buffer, format's position) of every signature hit starting before
    `starts`, in order of start (formats in registry order at one start)."""
    hits: list[tuple[int, int]] = []
    for order, carved in enumerate(formats):
        shift = carved.signature_offset
        for signature in carved.signatures:
            find = buffer.find
            hit = find(signature, shift)
            while hit >= 0 and hit - shift < starts:
                hits.append((hit - shift, order))
                hit = find(signature, hit + 1)
    hits.sort()
    return hits


def _aligned_candidates(
    buffer: bytes, starts: int, formats: Sequence[CarvedFormat], alignment: int
) -> list[tuple[int, int]]:
    """Like `_candidates`, looking only at the start of every `alignment`-byte block."""
    blocks = min(-(-starts // alignment), -(-len(buffer) // alignment))
    if blocks * alignment > len(buffer):  # the space ends inside a block
        buffer = buffer.ljust(blocks * alignment, b"\0")
    width = max(f.signature_offset + len(s) for f in formats for s in f.signatures)
    blocks_view = np.frombuffer(buffer, np.uint8, count=blocks * alignment)
    heads = np.ascontiguousarray(blocks_view.reshape(blocks, alignment)[:, :width])
    hits: list[tuple[int, int]] = []
    for order, carved in enumerate(formats):
        shift = carved.signature_offset
        for signature in carved.signatures:
            wanted = np.frombuffer(signature, np.uint8)
            field = heads[:, shift : shift + len(signature)]
            found = np.flatnonzero((field == wanted).all(axis=1))
            hits.extend((int(block) * alignment, order) for block in found)
    hits.sort()
    return hits


def _measured(read: ReadAt, start: int, size: int, carved: CarvedFormat) -> Measured | None:
    data = CandidateBytes(read, start, min(carved.max_size, size - start))
    found = carved.measure(data)
    if found is None or found.length <= 0:
        return None
    if found.picture and not decodes(read(start, found.length)):
        return None
    return found


def decodes(data: bytes) -> bool:
    """True when the bytes decode as a picture (a carved picture's last proof)."""
    try:
        decode_luma(data, PROOF_DECODE)
    except MediaError:
        return False
    return True
