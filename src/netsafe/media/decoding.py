"""Image decoding for fingerprints: limits, EXIF orientation, fast JPEG, errors that say why.

Decoding refuses files over a pixel limit from the header alone, before any pixel buffer is
allocated (decompression bombs). JPEGs are downscaled in the DCT domain by libjpeg (Pillow's
`draft()`, from the Y channel alone when only luminance is wanted), then every image is
box-resized to at most `max_side` pixels: PDQ only looks at a 64×64 luminance field, so this
changes the hash by a few bits at most and is several times faster than a full decode.
`max_side=None` is the full-decode reference path. The format is sniffed first
(`media.sniffing`), and only that format's reader parses the header.
"""

from __future__ import annotations

import io
import warnings
from dataclasses import dataclass
from typing import TYPE_CHECKING

from PIL import Image, ImageFile, UnidentifiedImageError

from netsafe.media.pixel_modes import image_to_luma, image_to_rgb
from netsafe.media.sniffing import SNIFF_BYTES, WEAK_SIGNATURES, sniff_format

if TYPE_CHECKING:
    import numpy as np
    import numpy.typing as npt

# The pixel limit is ours (DecodeLimits.max_pixels, checked from the header): Pillow's own global
# limit would refuse images between its default (89 MP × 2) and ours.
Image.MAX_IMAGE_PIXELS = None
ImageFile.LOAD_TRUNCATED_IMAGES = False

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


def decode_rgb(data: bytes, limits: DecodeLimits = DEFAULT_LIMITS) -> npt.NDArray[np.uint8]:
    """Decode image bytes to an upright RGB array (height × width × 3), within `limits`.

    Raises MediaError with the reason when the image cannot be decoded.
    """
    return _guarded(data, limits, luma=False)[0]


def decode_luma(data: bytes, limits: DecodeLimits = DEFAULT_LIMITS) -> npt.NDArray[np.uint8]:
    """Decode image bytes to an upright luminance array (height × width), within `limits`.

    PDQ only looks at luminance (0.299 R + 0.587 G + 0.114 B, the JPEG Y channel), so a JPEG is
    decoded from its Y channel alone: a third of the work of RGB. Raises MediaError.
    """
    return _guarded(data, limits, luma=True)[0]


def decode_luma_paged(
    data: bytes, limits: DecodeLimits = DEFAULT_LIMITS
) -> tuple[npt.NDArray[np.uint8], bool]:
    """`decode_luma` of the first page or frame, and whether the picture has more pages or
    frames (a multi-page TIFF, an animated GIF/WebP/PNG: `media.pages` reads the others). The
    count comes from Pillow's `n_frames` (1 for a format without pages, nothing else read)."""
    return _guarded(data, limits, luma=True, pages=True)


def _guarded(
    data: bytes, limits: DecodeLimits, *, luma: bool, pages: bool = False
) -> tuple[npt.NDArray[np.uint8], bool]:
    # WeasyPrint switches this process-wide flag on when imported; truncation must stay an error.
    ImageFile.LOAD_TRUNCATED_IMAGES = False
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            return _decode(data, limits, luma=luma, pages=pages)
    except MediaError:
        raise
    except Image.DecompressionBombError as error:
        raise MediaError(f"refused: {error}") from error
    except MemoryError as error:
        raise MediaError("refused: not enough memory to decode") from error
    except Exception as error:
        raise MediaError(describe_error(error)) from error


def describe_error(error: Exception) -> str:
    text = str(error) or type(error).__name__
    if isinstance(error, UnidentifiedImageError):
        return "not a readable image"
    if "truncated" in text or isinstance(error, EOFError):
        return f"truncated image: {text}"
    return f"corrupt image: {text}"


def _decode(
    data: bytes, limits: DecodeLimits, *, luma: bool, pages: bool
) -> tuple[npt.NDArray[np.uint8], bool]:
    image = open_header(data)
    more = pages and _more_pages(image)
    return decode_page(image, limits, luma=luma), more


def _more_pages(image: Image.Image) -> bool:
    """Whether the picture has pages or frames after the first. A count that cannot be read
    (a later frame is corrupt) says yes, so that `media.pages` reports the frame that fails;
    the image is put back on its first frame either way. An MPO's later pictures (a phone's
    depth or gain map, a stereo pair) are whole JPEGs in the file's bytes: triage carves them
    with their own bytes and hashes (`embedded_pictures`), so they are not frames here."""
    if image.format == "MPO":
        return False
    try:
        count = getattr(image, "n_frames", 1)
    except Exception:
        image.seek(0)  # Pillow may be left on a later frame; a failure here is the file's
        return True
    return isinstance(count, int) and count > 1


def decode_page(image: Image.Image, limits: DecodeLimits, *, luma: bool) -> npt.NDArray[np.uint8]:
    """The page or frame `image` stands on, decoded upright within `limits`."""
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


def open_header(data: bytes) -> Image.Image:
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
