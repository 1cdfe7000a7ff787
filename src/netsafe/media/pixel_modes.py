"""Pillow image modes to the two NetSafe hashes from: RGB and 8-bit luminance ("L").

Alpha is dropped (the colour under it is kept), as Meta's tools do; high bit-depth and float
images are scaled linearly into 0–255 (PDQ is contrast-invariant); LAB goes through ImageCms.
numpy is imported only for the modes that need it.
"""

from __future__ import annotations

from PIL import Image


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
