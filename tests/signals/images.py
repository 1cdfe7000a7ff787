"""Benign test pictures made by code: smooth gradients, a few soft shapes and noise, seeded."""

from __future__ import annotations

import io

import numpy as np
import numpy.typing as npt
from PIL import Image


def photo_like(width: int, height: int, seed: int) -> npt.NDArray[np.uint8]:
    """A photo-like RGB array: colour gradients, soft shapes of many sizes, sensor-like noise."""
    rng = np.random.default_rng(seed)
    y, x = np.mgrid[0:height, 0:width].astype(np.float32)
    x /= max(width - 1, 1)
    y /= max(height - 1, 1)
    shapes = np.zeros((height, width), dtype=np.float32)
    for _ in range(40):
        cx, cy = rng.uniform(0, 1, 2)
        radius = rng.uniform(0.03, 0.2)
        shapes += rng.uniform(-1, 1) * np.exp(-((x - cx) ** 2 + (y - cy) ** 2) / (2 * radius**2))
    channels = []
    for _ in range(3):
        a, b = rng.uniform(-0.3, 0.3, 2)
        channels.append(0.5 + a * x + b * y + rng.uniform(0.2, 0.4) * shapes)
    picture = np.stack(channels, axis=2) * 200 + rng.normal(0, 3, (height, width, 3))
    return np.clip(picture, 0, 255).astype(np.uint8)


def heif_writer() -> None:
    """Let Pillow write HEIF (pillow-heif's plugin). NetSafe registers pillow-heif only once it
    meets HEIF content (`netsafe.media.signature_check`), so a test that writes HEIF asks here."""
    import pillow_heif

    pillow_heif.register_heif_opener()


def encoded(picture: npt.NDArray[np.uint8] | Image.Image, fmt: str, **options: object) -> bytes:
    """`picture` saved in format `fmt` (Pillow name), as bytes."""
    if fmt == "HEIF":
        heif_writer()
    image = picture if isinstance(picture, Image.Image) else Image.fromarray(picture)
    buffer = io.BytesIO()
    image.save(buffer, format=fmt, **options)
    return buffer.getvalue()
