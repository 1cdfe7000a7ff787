"""Content sniffing: which image format content is, told from its first bytes, never its name.

A JPEG named `.dat` is still an image. Only the formats whose signatures can start as the
content does are checked (one byte rules out most content), each with Pillow's own signature
check; each Pillow format plugin (and pillow-heif, which loads libheif and its codecs) is
imported when content first starts like its format, so a command that hashes one JPEG loads
neither libheif nor the other formats' readers.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable

from PIL import Image

#: Pillow formats NetSafe decodes, in the order their signatures are tried.
IMAGE_FORMATS: tuple[str, ...] = (
    "JPEG",
    "PNG",
    "GIF",
    "WEBP",
    "BMP",
    "TIFF",
    "HEIF",
    "AVIF",
    "JPEG2000",
    "ICO",
    "PPM",
    "PSD",
    "QOI",
    "DDS",
    "PCX",
    "SGI",
    "ICNS",
)

#: The first bytes each format's signature (Pillow's `_accept` check) can start with: one byte
#: rules out most content before the checks run. HEIF and AVIF are told by `ftyp` at offset 4.
SIGNATURE_FIRST_BYTES: dict[str, bytes] = {
    "JPEG": b"\xff",
    "PNG": b"\x89",
    "GIF": b"G",
    "WEBP": b"R",
    "BMP": b"B",
    "TIFF": b"MI",
    "HEIF": b"",
    "AVIF": b"",
    "JPEG2000": b"\xff\x00",
    "ICO": b"\x00",
    "PPM": b"P",
    "PSD": b"8",
    "QOI": b"q",
    "DDS": b"D",
    "PCX": b"\x0a",
    "SGI": b"\x01",  # 474 as a big-endian 16-bit number
    "ICNS": b"i",
}
IMAGE_FIRST_BYTES = frozenset(b"".join(SIGNATURE_FIRST_BYTES[name] for name in IMAGE_FORMATS))

#: Formats whose signature is two or three bytes that random content often starts with (about
#: 1 file in 20,000 of random bytes passes one of them): content sniffed as one of these is an
#: image only once Pillow parses its header; otherwise it is a plain file, not a corrupt image.
#: The other formats' signatures are 4 to 12 fixed bytes (JPEG's FF D8 FF: 1 in 16.7 million),
#: so content that starts with one and does not parse is reported as a corrupt image.
WEAK_SIGNATURES = frozenset({"BMP", "ICO", "PCX", "PPM", "SGI"})

_MIME_FALLBACK = {
    "HEIF": "image/heif",
    "AVIF": "image/avif",
    "QOI": "image/qoi",
    "DDS": "image/vnd-ms.dds",
    "PCX": "image/x-pcx",
    "SGI": "image/sgi",
    "ICNS": "image/icns",
    "PPM": "image/x-portable-anymap",
    "PSD": "image/vnd.adobe.photoshop",
}

#: How many leading bytes sniffing needs.
SNIFF_BYTES = 32

#: The Pillow plugin module of each format NetSafe decodes (HEIF's opener is pillow-heif's).
#: A plugin is imported when content first starts like its format (`signature_check`):
#: `Image.init()` imports all ~45 of Pillow's, and pillow-heif loads libheif and its codecs,
#: tens of milliseconds of a command that hashes one JPEG.
_PLUGINS: dict[str, str] = {
    "JPEG": "JpegImagePlugin",
    "PNG": "PngImagePlugin",
    "GIF": "GifImagePlugin",
    "WEBP": "WebPImagePlugin",
    "BMP": "BmpImagePlugin",
    "TIFF": "TiffImagePlugin",
    "AVIF": "AvifImagePlugin",
    "JPEG2000": "Jpeg2KImagePlugin",
    "ICO": "IcoImagePlugin",
    "PPM": "PpmImagePlugin",
    "PSD": "PsdImagePlugin",
    "QOI": "QoiImagePlugin",
    "DDS": "DdsImagePlugin",
    "PCX": "PcxImagePlugin",
    "SGI": "SgiImagePlugin",
    "ICNS": "IcnsImagePlugin",
}

_LOADED_CHECKS: dict[str, Callable[[bytes], bool | str] | None] = {}


def signature_check(name: str) -> Callable[[bytes], bool | str] | None:
    """Pillow's signature check of format `name` (its plugin imported now, once), or None when
    this Pillow (or pillow-heif) was built without the format."""
    if name in _LOADED_CHECKS:
        return _LOADED_CHECKS[name]
    Image.preinit()
    if name not in Image.OPEN:
        try:
            if name == "HEIF":
                import pillow_heif

                pillow_heif.register_heif_opener()
            elif name in _PLUGINS:
                importlib.import_module(f"PIL.{_PLUGINS[name]}")
        except ImportError:  # a format this build lacks (as `Image.init()` skips it)
            pass
    entry = Image.OPEN.get(name)
    found = entry[1] if entry is not None else None
    _LOADED_CHECKS[name] = found
    return found


def _formats_to_try(first: int, ftyp: bool) -> tuple[str, ...]:
    """The formats whose signature can start with byte `first` (and, with `ftyp` at offset 4,
    HEIF and AVIF), in `IMAGE_FORMATS` order."""
    return tuple(
        name
        for name in IMAGE_FORMATS
        if first in SIGNATURE_FIRST_BYTES[name] or (ftyp and not SIGNATURE_FIRST_BYTES[name])
    )


#: `_formats_to_try` of every first byte, without and with `ftyp` at offset 4.
_TRY: dict[tuple[int, bool], tuple[str, ...]] = {
    (first, ftyp): _formats_to_try(first, ftyp) for first in range(256) for ftyp in (False, True)
}


def sniff_format(head: bytes) -> str | None:
    """The Pillow format name of content starting with `head`, or None when it is no image.
    Only the formats whose signatures can start as `head` does are checked."""
    prefix = head[:16]
    if len(prefix) < 4:
        return None
    for name in _TRY[prefix[0], prefix[4:8] == b"ftyp"]:
        accept = signature_check(name)
        if accept is None:
            continue
        try:
            if accept(prefix):
                return name
        except Exception:  # noqa: S112 - a signature check that trips over odd bytes is a "no"
            continue
    return None


def could_be_image(head: bytes | bytearray) -> bool:
    """False when content starting with `head` is surely no image NetSafe decodes (a cheap test
    of its first bytes); True means `sniff_media_type` must decide."""
    return bool(head) and (head[0] in IMAGE_FIRST_BYTES or head[4:8] == b"ftyp")


def mime_type(format_name: str) -> str:
    """The MIME type of a Pillow format name."""
    return Image.MIME.get(format_name) or _MIME_FALLBACK.get(format_name, "image/x-" + format_name)


def sniff_media_type(head: bytes) -> str | None:
    """The MIME type of content starting with `head` when it is an image NetSafe decodes."""
    name = sniff_format(head)
    return None if name is None else mime_type(name)
