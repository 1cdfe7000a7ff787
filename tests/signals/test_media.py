"""media.py: sniffing by content, every Pillow mode, EXIF orientation, frames, limits, bad input."""

from __future__ import annotations

import io
import struct
import subprocess
import sys
import zlib
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from netsafe.media import (
    FULL_DECODE,
    DecodeLimits,
    MediaError,
    decode_rgb,
    image_to_rgb,
    sniff_media_type,
)
from netsafe.signals.pdq import PdqSignal
from tests.signals.images import encoded, photo_like

PICTURE = photo_like(320, 240, seed=2)
REFERENCE = PdqSignal.compute(PICTURE).hex


def pdq_of(data: bytes, limits: DecodeLimits = FULL_DECODE) -> str:
    return PdqSignal.compute(decode_rgb(data, limits)).hex


@pytest.mark.parametrize(
    ("fmt", "mime"),
    [
        ("JPEG", "image/jpeg"),
        ("PNG", "image/png"),
        ("GIF", "image/gif"),
        ("WEBP", "image/webp"),
        ("BMP", "image/bmp"),
        ("TIFF", "image/tiff"),
        ("HEIF", "image/heif"),
        ("PPM", "image/x-portable-anymap"),
        ("ICO", "image/x-icon"),
    ],
)
def test_sniffs_and_decodes_each_format_from_content(fmt: str, mime: str) -> None:
    data = encoded(PICTURE if fmt != "ICO" else PICTURE[:128, :128], fmt)
    assert sniff_media_type(data[:32]) == mime
    rgb = decode_rgb(data)
    assert rgb.ndim == 3
    assert rgb.shape[2] == 3
    if fmt != "ICO":
        assert PdqSignal.distance(pdq_of(data), REFERENCE) <= 20


def test_a_fresh_process_sniffs_and_decodes_heif(tmp_path: Path) -> None:
    """pillow-heif is registered when HEIF content is first met, not when media is imported."""
    picture = tmp_path / "picture.heic"
    picture.write_bytes(encoded(PICTURE, "HEIF"))
    script = (
        "import sys\n"
        "from netsafe.media import decode_rgb, sniff_media_type\n"
        "assert 'pillow_heif' not in sys.modules\n"
        f"data = open({str(picture)!r}, 'rb').read()\n"
        "print(sniff_media_type(data[:32]), decode_rgb(data).shape)\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, check=True, timeout=120
    )
    assert done.stdout.split(None, 1) == ["image/heif", "(240, 320, 3)\n"]


@pytest.mark.parametrize(
    "head", [b"", b"hello world, plain text here", b"PK\x03\x04" + bytes(28), bytes(32)]
)
def test_non_images_are_not_sniffed_as_images(head: bytes) -> None:
    assert sniff_media_type(head) is None


LARGE = photo_like(1024, 768, seed=2)
LARGE_REFERENCE = PdqSignal.compute(LARGE).hex


@pytest.mark.parametrize(
    "mode", ["1", "L", "LA", "P", "PA", "RGBA", "CMYK", "YCbCr", "I", "I;16", "F", "LAB", "HSV"]
)
def test_every_mode_hashes_close_to_rgb(mode: str) -> None:
    converted = _in_mode(Image.fromarray(LARGE), mode)
    assert converted.mode == mode
    if mode == "HSV":  # no file format stores HSV: convert the decoded image directly
        rgb = np.asarray(image_to_rgb(converted))
    else:
        data = encoded(converted, "TIFF")
        assert Image.open(io.BytesIO(data)).mode == mode
        rgb = decode_rgb(data)
    assert rgb.shape[2] == 3
    # 1-bit dithering of this synthetic picture loses more than the other modes; the reference
    # photo in mode 1 meets 16 bits (test_conformance.py)
    limit = 24 if mode == "1" else 16
    assert PdqSignal.distance(PdqSignal.compute(rgb).hex, LARGE_REFERENCE) <= limit


def _in_mode(image: Image.Image, mode: str) -> Image.Image:
    if mode == "I;16":
        return Image.fromarray(np.asarray(image.convert("L"), dtype=np.uint16) * 257)
    if mode == "LAB":
        from PIL import ImageCms

        transform = ImageCms.buildTransform(
            ImageCms.createProfile("sRGB"), ImageCms.createProfile("LAB"), "RGB", "LAB"
        )
        lab = ImageCms.applyTransform(image, transform)
        assert lab is not None
        return lab
    if mode == "PA":
        return image.convert("P").convert("PA")
    return image.convert(mode)


def test_sixteen_bit_png_round_trip_decodes() -> None:
    data = encoded(_in_mode(Image.fromarray(PICTURE), "I;16"), "PNG")
    assert PdqSignal.distance(pdq_of(data), REFERENCE) <= 16


@pytest.mark.parametrize(
    ("orientation", "undo"),
    [
        (3, Image.Transpose.ROTATE_180),
        (6, Image.Transpose.ROTATE_90),
        (8, Image.Transpose.ROTATE_270),
    ],
)
def test_exif_orientation_is_applied(orientation: int, undo: Image.Transpose) -> None:
    # store the picture turned, with the orientation tag that turns it back upright
    stored = Image.fromarray(PICTURE).transpose(undo)
    exif = Image.Exif()
    exif[0x0112] = orientation
    data = encoded(stored, "JPEG", quality=95, exif=exif.tobytes())
    rgb = decode_rgb(data)
    assert rgb.shape[:2] == (240, 320)
    assert PdqSignal.distance(PdqSignal.compute(rgb).hex, REFERENCE) <= 10


def test_first_frame_of_an_animated_gif_and_webp() -> None:
    other = photo_like(320, 240, seed=99)
    frames = [Image.fromarray(PICTURE), Image.fromarray(other)]
    for fmt in ("GIF", "WEBP"):
        data = encoded(frames[0], fmt, save_all=True, append_images=frames[1:], duration=100)
        hashed = pdq_of(data)
        assert PdqSignal.distance(hashed, REFERENCE) <= 20, fmt
        assert PdqSignal.distance(hashed, PdqSignal.compute(other).hex) > 60, fmt


def test_fast_path_downscales_and_stays_close_to_full_decode() -> None:
    big = photo_like(1200, 900, seed=3)
    data = encoded(big, "JPEG", quality=90)
    fast = decode_rgb(data)
    assert max(fast.shape[:2]) == 512
    assert decode_rgb(data, FULL_DECODE).shape[:2] == (900, 1200)
    assert PdqSignal.distance(pdq_of(data, DecodeLimits()), pdq_of(data)) <= 10


def _png_claiming(width: int, height: int) -> bytes:
    """A tiny PNG whose header claims width × height pixels (a decompression bomb's header)."""
    data = bytearray(encoded(Image.new("L", (8, 8)), "PNG"))
    ihdr = bytes(data[12:16]) + struct.pack(">II", width, height) + bytes(data[24:29])
    data[16:24] = struct.pack(">II", width, height)
    data[29:33] = struct.pack(">I", zlib.crc32(ihdr) & 0xFFFFFFFF)
    return bytes(data)


def test_decompression_bomb_is_refused_from_the_header() -> None:
    with pytest.raises(MediaError, match="exceeds the limit"):
        decode_rgb(_png_claiming(50_000, 50_000))  # 2.5 GP: would need 7.5 GB
    with pytest.raises(MediaError, match="exceeds the limit"):
        decode_rgb(encoded(PICTURE, "PNG"), DecodeLimits(max_pixels=1000))


@pytest.mark.parametrize(
    ("data", "reason"),
    [
        (encoded(PICTURE, "JPEG")[:3000], "truncated"),
        (encoded(PICTURE, "PNG")[:3000], "truncated|corrupt"),
        (b"\xff\xd8\xff\xe0" + bytes(200), "corrupt|not a readable"),
        (b"\x89PNG\r\n\x1a\n" + b"garbage" * 10, "corrupt|not a readable|truncated"),
    ],
)
def test_bad_images_raise_media_error_with_a_reason(data: bytes, reason: str) -> None:
    with pytest.raises(MediaError, match=reason):
        decode_rgb(data)


def test_truncation_stays_an_error_when_another_library_relaxed_pillow(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from PIL import ImageFile

    monkeypatch.setattr(ImageFile, "LOAD_TRUNCATED_IMAGES", True)  # as WeasyPrint's import does
    with pytest.raises(MediaError, match="truncated"):
        decode_rgb(encoded(PICTURE, "JPEG")[:3000])
