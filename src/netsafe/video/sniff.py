"""Video containers recognised by their first bytes, never by a file's name.

MP4/MOV/3GP (an ISO base media `ftyp` box, or a QuickTime file opening with another top-level
atom), Matroska/WebM (EBML), AVI (RIFF `AVI `), WMV/ASF (the ASF header GUID), FLV, MPEG-TS
(a 0x47 sync byte every 188 bytes, or 192 for M2TS) and MPEG-PS (a pack header). HEIF and AVIF
stills share the `ftyp` box with MP4: their brands are images (netsafe.media decodes them), except
AVIF sequences (`avis`), which are video.
"""

from __future__ import annotations

from dataclasses import dataclass

#: How many leading bytes recognition needs (MPEG-TS needs four sync bytes, 188 bytes apart).
VIDEO_SNIFF_BYTES = 1024


@dataclass(frozen=True)
class VideoFormat:
    """A recognised container: a short name (`mp4`, `mov`, `3gp`, `webm`, ...) and MIME type."""

    name: str
    mime: str


_ASF_GUID = bytes.fromhex("3026b2758e66cf11a6d900aa0062ce6c")
_QUICKTIME_ATOMS = (b"moov", b"mdat", b"wide", b"free", b"skip", b"pnot")
#: `ftyp` major brands of still images (HEIF/AVIF/JPEG 2000), left to the image decoder.
_IMAGE_BRANDS = frozenset(
    {b"heic", b"heix", b"heim", b"heis", b"hevc", b"hevx", b"mif1", b"mif2", b"msf1", b"avif"}
    | {b"jp2 ", b"jpx ", b"jpm ", b"MiHE", b"MiHA", b"MiHB", b"crx "}
)
_MP4_FORMATS = {
    b"qt  ": VideoFormat("mov", "video/quicktime"),
    b"3gp": VideoFormat("3gp", "video/3gpp"),
    b"3g2": VideoFormat("3g2", "video/3gpp2"),
    b"M4V": VideoFormat("mp4", "video/x-m4v"),
    b"avis": VideoFormat("avif-sequence", "image/avif"),
}
_MP4 = VideoFormat("mp4", "video/mp4")
#: Other `ftyp` major brands of video (an unknown brand is not taken for video: random bytes
#: after `ftyp` would otherwise be; M4A/M4B audio is no video).
_VIDEO_BRANDS = frozenset(
    {b"avc1", b"mp41", b"mp42", b"mp71", b"dash", b"mmp4", b"MSNV", b"NDAS", b"NDSC", b"NDSH"}
    | {b"f4v ", b"f4p ", b"XAVC", b"M4VP", b"M4VH", b"hvc1", b"av01", b"kddi", b"caqv", b"mqt "}
)


#: The first two bytes of the containers recognised by their start: Matroska's EBML, RIFF,
#: ASF's GUID, FLV, MPEG-PS/elementary video (00 00 01). (ISO media and QuickTime start with a
#: box size and are told by their box type; MPEG-TS by its 0x47 sync byte, M2TS by the same after
#: a 4-byte time code.) Two bytes, not one: a zero first byte is common in binary files.
_PREFIXES = frozenset((b"\x1a\x45", b"RI", b"0&", b"FL", b"\x00\x00"))
_FIRST_BYTES = frozenset(prefix[0] for prefix in _PREFIXES) | {0x47}
#: The box types at bytes 4..8 of ISO media and QuickTime files.
_BOXES = frozenset((b"ftyp", *_QUICKTIME_ATOMS))


def could_be_video(head: bytes | bytearray | memoryview) -> bool:
    """False when content starting with `head` is surely no video container (a test of a few
    bytes, ~0.3 µs: most files stop here); True means `sniff_video` must decide."""
    return len(head) >= 12 and (
        head[4] == 0x47
        or bytes(head[4:8]) in _BOXES
        or (head[0] in _FIRST_BYTES and (head[0] == 0x47 or bytes(head[:2]) in _PREFIXES))
    )


def sniff_video(head: bytes | bytearray | memoryview) -> VideoFormat | None:
    """The container of content starting with `head` (give it VIDEO_SNIFF_BYTES), or None when
    it is not a video container NetSafe decodes. Content that `could_be_video` rules out costs
    no copy of `head`."""
    if not could_be_video(head):
        return None
    head = bytes(head[:VIDEO_SNIFF_BYTES])
    box = head[4:8]
    if box == b"ftyp":
        return _iso_media(head)
    if box in _QUICKTIME_ATOMS and int.from_bytes(head[:4], "big") >= 8:
        return VideoFormat("mov", "video/quicktime")
    if head[:4] == b"\x1a\x45\xdf\xa3":
        return _matroska(head)
    if head[:4] == b"RIFF" and head[8:12] in (b"AVI ", b"AVIX"):
        return VideoFormat("avi", "video/x-msvideo")
    if head[:16] == _ASF_GUID:
        return VideoFormat("asf", "video/x-ms-asf")
    if head[:3] == b"FLV" and head[3] == 1:
        return VideoFormat("flv", "video/x-flv")
    if head[:4] == b"\x00\x00\x01\xba":
        return VideoFormat("mpeg-ps", "video/mpeg")
    if head[:4] == b"\x00\x00\x01\xb3":
        return VideoFormat("mpeg-video", "video/mpeg")
    if _sync_every(head, 0, 188):
        return VideoFormat("mpeg-ts", "video/mp2t")
    if _sync_every(head, 4, 192):
        return VideoFormat("m2ts", "video/mp2t")
    return None


def _iso_media(head: bytes) -> VideoFormat | None:
    brand = head[8:12]
    if brand in _IMAGE_BRANDS:
        return None
    for prefix, found in _MP4_FORMATS.items():
        if brand.startswith(prefix):
            return found
    return _MP4 if brand in _VIDEO_BRANDS or brand[:3] in (b"iso", b"mp4") else None


def _matroska(head: bytes) -> VideoFormat:
    doctype = head.find(b"\x42\x82", 4, 64)
    if doctype >= 0 and head[doctype + 3 : doctype + 7] == b"webm":
        return VideoFormat("webm", "video/webm")
    return VideoFormat("mkv", "video/x-matroska")


def _sync_every(head: bytes, first: int, step: int) -> bool:
    """True when a 0x47 sync byte starts each of the packets `head` holds (at least four)."""
    if len(head) < first + 3 * step + 1 or head[first] != 0x47:
        return False
    return all(head[offset] == 0x47 for offset in range(first + step, len(head), step))
