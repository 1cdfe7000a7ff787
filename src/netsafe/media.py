"""Image decoding for fingerprints: content sniffing, limits, EXIF orientation, modes, fast JPEG.

The type of a file is sniffed from its first bytes, never from its name (a JPEG named `.dat` is
still an image). Decoding refuses files over a pixel limit from the header alone, before any pixel
buffer is allocated (decompression bombs). JPEGs are downscaled in the DCT domain by libjpeg
(Pillow's `draft()`, from the Y channel alone when only luminance is wanted), then every image
is box-resized to at most `max_side` pixels: PDQ only looks
at a 64×64 luminance field, so this changes the hash by a few bits at most and is several times
faster than a full decode. `max_side=None` is the full-decode reference path.

numpy, pillow-heif and each Pillow format plugin are imported when first needed (a command that
hashes one JPEG loads neither libheif nor the other formats' readers).
"""

from __future__ import annotations

import importlib
import io
import warnings
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from PIL import Image, ImageFile, UnidentifiedImageError

if TYPE_CHECKING:
    import numpy as np
    import numpy.typing as npt

# The pixel limit is ours (DecodeLimits.max_pixels, checked from the header): Pillow's own global
# limit would refuse images between its default (89 MP × 2) and ours.
Image.MAX_IMAGE_PIXELS = None
ImageFile.LOAD_TRUNCATED_IMAGES = False

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

# EXIF orientation → the transpose that makes the picture upright.
_ORIENTATION: dict[int, tuple[Image.Transpose, ...]] = {
    2: (Image.Transpose.FLIP_LEFT_RIGHT,),
    3: (Image.Transpose.ROTATE_180,),
    4: (Image.Transpose.FLIP_TOP_BOTTOM,),
    5: (Image.Transpose.TRANSPOSE,),
    6: (Image.Transpose.ROTATE_270,),
    7: (Image.Transpose.TRANSVERSE,),
    8: (Image.Transpose.ROTATE_90,),
}


class MediaError(Exception):
    """An image could not be decoded: the message says why (truncated, too large, ...)."""


class NotAnImageError(MediaError):
    """Content whose first bytes passed a weak signature (`WEAK_SIGNATURES`) but whose header
    does not parse: it is a plain file, not an image (and not a corrupt one)."""


@dataclass(frozen=True)
class DecodeLimits:
    """What decoding may cost, and how far it may downscale.

    `max_pixels`: images larger than this (width × height, from the header) are refused.
    `max_image_bytes`: image files larger than this are hashed cryptographically but not decoded.
    `max_side`: downscale (DCT-domain for JPEG, then box) to at most this many pixels a side;
    None decodes at full size (the reference path).
    """

    max_pixels: int = 200_000_000
    max_image_bytes: int = 1 << 30
    max_side: int | None = 512


DEFAULT_LIMITS = DecodeLimits()
FULL_DECODE = DecodeLimits(max_side=None)


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


def decode_rgb(data: bytes, limits: DecodeLimits = DEFAULT_LIMITS) -> npt.NDArray[np.uint8]:
    """Decode image bytes to an upright RGB array (height × width × 3), within `limits`.

    Raises MediaError with the reason when the image cannot be decoded.
    """
    return _guarded(data, limits, luma=False)


def decode_luma(data: bytes, limits: DecodeLimits = DEFAULT_LIMITS) -> npt.NDArray[np.uint8]:
    """Decode image bytes to an upright luminance array (height × width), within `limits`.

    PDQ only looks at luminance (0.299 R + 0.587 G + 0.114 B, the JPEG Y channel), so a JPEG is
    decoded from its Y channel alone: a third of the work of RGB. Raises MediaError.
    """
    return _guarded(data, limits, luma=True)


def _guarded(data: bytes, limits: DecodeLimits, *, luma: bool) -> npt.NDArray[np.uint8]:
    # WeasyPrint switches this process-wide flag on when imported; truncation must stay an error.
    ImageFile.LOAD_TRUNCATED_IMAGES = False
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            return _decode(data, limits, luma=luma)
    except MediaError:
        raise
    except Image.DecompressionBombError as error:
        raise MediaError(f"refused: {error}") from error
    except MemoryError as error:
        raise MediaError("refused: not enough memory to decode") from error
    except Exception as error:
        raise MediaError(_describe(error)) from error


def _describe(error: Exception) -> str:
    text = str(error) or type(error).__name__
    if isinstance(error, UnidentifiedImageError):
        return "not a readable image"
    if "truncated" in text or isinstance(error, EOFError):
        return f"truncated image: {text}"
    return f"corrupt image: {text}"


def _decode(data: bytes, limits: DecodeLimits, *, luma: bool) -> npt.NDArray[np.uint8]:
    image = _open_header(data)
    width, height = image.size
    if width <= 0 or height <= 0:
        raise MediaError(f"corrupt image: size {width}×{height}")
    if width * height > limits.max_pixels:
        raise MediaError(
            f"refused: {width}×{height} = {width * height:,} pixels exceeds the limit of "
            f"{limits.max_pixels:,} (decompression bomb?)"
        )
    orientation = _orientation(image)
    if limits.max_side is not None and image.format == "JPEG":
        image.draft("L" if luma else "RGB", (limits.max_side, limits.max_side))
    image.load()
    if luma:
        image = image_to_luma(image)
    if limits.max_side is not None:
        image = _box_downscale(image, limits.max_side)
    picture = image if luma else image_to_rgb(image)
    for step in _ORIENTATION.get(orientation, ()):
        picture = picture.transpose(step)
    import numpy as np

    return np.asarray(picture, dtype=np.uint8)


def _open_header(data: bytes) -> Image.Image:
    """The image with its header parsed (no pixels yet). Content sniffed by a weak signature
    whose header does not parse raises NotAnImageError."""
    sniffed = sniff_format(data[:SNIFF_BYTES])
    # only the sniffed format's reader: Pillow would otherwise go on to readers of formats with
    # no signature at all (TGA), which "parse" most random bytes
    formats = None if sniffed is None else (sniffed,)
    try:
        image: Image.Image = Image.open(io.BytesIO(data), formats=formats)
    except Image.DecompressionBombError:
        raise
    except Exception as error:
        if sniffed in WEAK_SIGNATURES:
            raise NotAnImageError(f"starts like {sniffed} but its header does not parse") from error
        raise
    if image.format in WEAK_SIGNATURES and (image.size[0] <= 0 or image.size[1] <= 0):
        raise NotAnImageError(f"starts like {image.format} but its header gives no size")
    if image.format == "ICO" and not _icon_directory_fits(data):
        raise NotAnImageError("starts like ICO but its directory points outside the file")
    return image


def _icon_directory_fits(data: bytes) -> bool:
    """An ICO directory (Microsoft's ICONDIR): each entry's reserved byte is 0, its planes 0 or
    1, and its image lies after the directory and inside the file. Pillow reads the directory
    without these checks, so random bytes starting 00 00 01 00 would "parse"."""
    count = int.from_bytes(data[4:6], "little")
    end = 6 + 16 * count
    if count == 0 or end > len(data):
        return False
    for at in range(6, end, 16):
        entry = data[at : at + 16]
        planes = int.from_bytes(entry[4:6], "little")
        size = int.from_bytes(entry[8:12], "little")
        offset = int.from_bytes(entry[12:16], "little")
        if entry[3] != 0 or planes > 1 or offset < end or offset + size > len(data):
            return False
    return True


def _orientation(image: Image.Image) -> int:
    try:
        value = image.getexif().get(0x0112, 1)
    except Exception:
        return 1
    return value if isinstance(value, int) else 1


def _box_downscale(image: Image.Image, max_side: int) -> Image.Image:
    width, height = image.size
    scale = max_side / max(width, height)
    if scale >= 1:
        return image
    size = (max(1, round(width * scale)), max(1, round(height * scale)))
    if image.mode not in ("L", "LA", "RGB", "RGBA", "CMYK", "YCbCr"):
        image = image.convert("L") if image.mode == "1" else image_to_rgb(image)
    return image.resize(size, Image.Resampling.BOX)


def image_to_rgb(image: Image.Image) -> Image.Image:
    """Every Pillow mode to RGB. Alpha is dropped (the colour under it is kept), as Meta's tools do;
    high bit-depth and float images are scaled linearly into 0–255 (PDQ is contrast-invariant)."""
    mode = image.mode
    if mode == "RGB":
        return image
    if mode in ("I", "F") or mode.startswith("I;"):
        return _scaled_gray(image).convert("RGB")
    if mode == "LAB":
        return _lab_to_rgb(image)
    if mode == "P" or mode == "PA":
        return image.convert("RGBA").convert("RGB")
    return image.convert("RGB")


def image_to_luma(image: Image.Image) -> Image.Image:
    """Every Pillow mode to 8-bit luminance ("L"), by way of RGB where there is colour."""
    mode = image.mode
    if mode == "L":
        return image
    if mode in ("I", "F") or mode.startswith("I;"):
        return _scaled_gray(image)
    if mode in ("1", "LA", "La", "RGB", "RGBA", "RGBX", "RGBa"):
        return image.convert("L")
    return image_to_rgb(image).convert("L")


def _scaled_gray(image: Image.Image) -> Image.Image:
    import numpy as np

    values = np.asarray(image, dtype=np.float64)
    if values.ndim != 2:
        values = values.reshape(image.size[1], image.size[0])
    finite = values[np.isfinite(values)]
    low, high = (float(finite.min()), float(finite.max())) if finite.size else (0.0, 0.0)
    if image.mode.startswith("I;16"):
        low, high = 0.0, 65535.0
    elif low >= 0 and high <= 255:
        low, high = 0.0, 255.0
    span = high - low or 1.0
    scaled = np.nan_to_num((values - low) * (255.0 / span), nan=0.0)
    return Image.fromarray(np.clip(scaled + 0.5, 0, 255).astype(np.uint8), mode="L")


def _lab_to_rgb(image: Image.Image) -> Image.Image:
    from PIL import ImageCms

    transform = ImageCms.buildTransform(
        ImageCms.createProfile("LAB"), ImageCms.createProfile("sRGB"), "LAB", "RGB"
    )
    result = ImageCms.applyTransform(image, transform)
    assert result is not None
    return result
