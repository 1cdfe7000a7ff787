"""Misleading file names: an image named like something else, or a non-image named like an image."""

from __future__ import annotations

import posixpath

#: Name suffixes and the media types their content should have.
IMAGE_SUFFIXES: dict[str, frozenset[str]] = {
    ".jpg": frozenset({"image/jpeg"}),
    ".jpeg": frozenset({"image/jpeg"}),
    ".jpe": frozenset({"image/jpeg"}),
    ".jfif": frozenset({"image/jpeg"}),
    ".png": frozenset({"image/png"}),
    ".gif": frozenset({"image/gif"}),
    ".bmp": frozenset({"image/bmp", "image/x-ms-bmp"}),
    ".webp": frozenset({"image/webp"}),
    ".tif": frozenset({"image/tiff"}),
    ".tiff": frozenset({"image/tiff"}),
    ".heic": frozenset({"image/heic", "image/heif"}),
    ".heif": frozenset({"image/heic", "image/heif"}),
    ".avif": frozenset({"image/avif"}),
}


def extension_warning(path: str, media_type: str | None) -> str | None:
    """Why the name of `path` misleads about its content (`media_type`), or None."""
    name = posixpath.basename(path.replace("\\", "/"))
    _stem, dot, suffix = name.rpartition(".")
    suffix = f".{suffix.lower()}" if dot and _stem else ""
    is_image = bool(media_type and media_type.startswith("image/"))
    expected = IMAGE_SUFFIXES.get(suffix)
    if is_image and expected is None and suffix:
        return f"content is {media_type} but the name ends in {suffix}"
    if is_image and expected is not None and media_type not in expected:
        return f"content is {media_type} but the name ends in {suffix}"
    if not is_image and expected is not None:
        return f"named {suffix} but the content is not an image ({media_type or 'unknown'})"
    return None
