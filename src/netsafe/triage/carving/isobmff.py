"""ISO base media files by their top-level boxes: HEIC/HEIF pictures and MP4, MOV and 3GP
videos. `ftyp` comes first with a printable brand; boxes follow by their sizes (32- or 64-bit)
while their names are known top-level boxes. A picture needs `meta` and `mdat`; a video needs
`moov` and media data (`mdat`, or `moof` fragments)."""

from __future__ import annotations

import struct

from netsafe.triage.carving.candidate import CandidateBytes
from netsafe.triage.carving.registry import MIB, CarvedFormat, Measured

MAX_SIZE = 4096 * MIB
MAX_PICTURE = 256 * MIB
MAX_BOXES = 100_000
_TOP_LEVEL = frozenset(
    b"ftyp moov mdat free skip wide meta uuid moof mfra pdin styp sidx ssix prft emsg pnot "
    b"junk".split()
)
_PICTURE_BRANDS = frozenset(b"heic heix heim heis hevc hevx mif1 msf1 avif avis".split())


def measure(data: CandidateBytes) -> Measured | None:
    """The file's length and kind, or None when its boxes do not make a whole file."""
    head = data.get(0, 12)
    if len(head) < 12 or head[4:8] != b"ftyp":
        return None
    (ftyp_size,) = struct.unpack(">I", head[:4])
    brand = head[8:12]
    if not 16 <= ftyp_size <= 4096 or not all(0x20 <= b < 0x7F for b in brand):
        return None
    compatible = data.get(16, ftyp_size - 16)
    brands = {brand} | {compatible[i : i + 4] for i in range(0, len(compatible) - 3, 4)}
    seen: set[bytes] = set()
    position = 0
    for _ in range(MAX_BOXES):
        box = data.get(position, 16)
        name = box[4:8]
        if len(box) < 8 or name not in _TOP_LEVEL or (position and name == b"ftyp"):
            break  # the next file, or bytes that are no box
        (size,) = struct.unpack(">I", box[:4])
        header = 8
        if size == 1:
            if len(box) < 16:
                break
            (size,) = struct.unpack(">Q", box[8:16])
            header = 16
        if size < header or position + size > data.limit:
            break
        seen.add(name)
        position += size
    else:
        return None
    return _kind(position, brand, brands, seen)


def _kind(length: int, brand: bytes, brands: set[bytes], seen: set[bytes]) -> Measured | None:
    if b"mdat" not in seen and b"moof" not in seen:
        return None
    if b"moov" not in seen:
        if b"meta" in seen and brands & _PICTURE_BRANDS and length <= MAX_PICTURE:
            extension = "avif" if brand in (b"avif", b"avis") else "heic"
            return Measured(length, extension, f"image/{extension}", True)
        return None
    if brand == b"qt  ":
        return Measured(length, "mov", "video/quicktime", False)
    if brand.startswith(b"3g"):
        return Measured(length, "3gp", "video/3gpp", False)
    return Measured(length, "mp4", "video/mp4", False)


FORMATS = (CarvedFormat("isobmff", (b"ftyp",), 4, MAX_SIZE, measure),)
