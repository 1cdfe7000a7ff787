"""Images for fingerprints: what content is (`sniffing`), decoding it within limits
(`decoding`), and Pillow's modes to RGB or luminance (`pixel_modes`).

The names below are the package's interface; the modules say how each part works. numpy,
pillow-heif and each Pillow format plugin are imported when first needed.
"""

from __future__ import annotations

from netsafe.media.decoding import (
    DEFAULT_LIMITS,
    FULL_DECODE,
    DecodeLimits,
    MediaError,
    NotAnImageError,
    decode_luma,
    decode_luma_paged,
    decode_rgb,
)
from netsafe.media.pixel_modes import image_to_luma, image_to_rgb
from netsafe.media.sniffing import (
    IMAGE_FIRST_BYTES,
    IMAGE_FORMATS,
    SIGNATURE_FIRST_BYTES,
    SNIFF_BYTES,
    WEAK_SIGNATURES,
    could_be_image,
    mime_type,
    signature_check,
    sniff_format,
    sniff_media_type,
)

__all__ = [
    "DEFAULT_LIMITS",
    "FULL_DECODE",
    "IMAGE_FIRST_BYTES",
    "IMAGE_FORMATS",
    "SIGNATURE_FIRST_BYTES",
    "SNIFF_BYTES",
    "WEAK_SIGNATURES",
    "DecodeLimits",
    "MediaError",
    "NotAnImageError",
    "could_be_image",
    "decode_luma",
    "decode_luma_paged",
    "decode_rgb",
    "image_to_luma",
    "image_to_rgb",
    "mime_type",
    "signature_check",
    "sniff_format",
    "sniff_media_type",
]
