"""Animated GIF, WebP and PNG (APNG) with more than one frame, hashed as video (vPDQ).

Pillow reads the frames and their display durations; a frame is sampled at each multiple of
`seconds_per_hash` as Meta's sampler would (the first frame shown at or after it), its number is
its index, and its timestamp the time it is first shown. The same limits as video apply: frame
size, total decoded pixels, duration and a wall-clock budget.
"""

from __future__ import annotations

import io
import time
import warnings
from collections.abc import Iterator

import numpy as np
from PIL import Image, ImageSequence

from netsafe.media import image_to_luma
from netsafe.video.frames import SampledFrame, VideoError, VideoInfo, VideoLimits

#: Pillow formats that can hold an animation.
ANIMATED_FORMATS = frozenset({"GIF", "WEBP", "PNG"})
#: A frame without a duration is shown this long (browsers use 100 ms for GIF's 0 too).
DEFAULT_FRAME_MS = 100


def is_animation(data: bytes) -> bool:
    """True when the GIF/WebP/PNG in `data` has more than one frame (False for anything else,
    or what Pillow cannot open)."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            image = Image.open(io.BytesIO(data))
            return image.format in ANIMATED_FORMATS and bool(getattr(image, "is_animated", False))
    except Exception:
        return False


def sample_animation(
    data: bytes,
    *,
    seconds_per_hash: float,
    limits: VideoLimits,
    info: VideoInfo,
) -> Iterator[SampledFrame]:
    """The frames of an animated image, one every `seconds_per_hash` seconds. Raises
    VideoError when the image cannot be decoded within `limits`."""
    started = time.monotonic()
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            image = Image.open(io.BytesIO(data))
            info.container = (image.format or "").lower()
            info.codec = info.container
            info.width, info.height = image.size
            if info.width * info.height > limits.max_frame_pixels:
                raise VideoError(
                    f"refused: {info.width}×{info.height} pixels a frame exceeds the limit of "
                    f"{limits.max_frame_pixels:,}"
                )
            yield from _frames(image, seconds_per_hash, limits, info, started)
    except VideoError:
        raise
    except Exception as error:
        raise VideoError(f"corrupt animation: {error or type(error).__name__}") from error


def _frames(
    image: Image.Image,
    seconds_per_hash: float,
    limits: VideoLimits,
    info: VideoInfo,
    started: float,
) -> Iterator[SampledFrame]:
    shown = 0.0
    next_time = 0.0
    decoded_pixels = 0
    for number, frame in enumerate(ImageSequence.Iterator(image)):
        if time.monotonic() - started > limits.max_wall_seconds:
            raise VideoError(f"refused: decoding took over {limits.max_wall_seconds:,.0f} s")
        info.frames_decoded += 1
        decoded_pixels += info.width * info.height
        if decoded_pixels > limits.max_decoded_pixels:
            raise VideoError(f"refused: over {limits.max_decoded_pixels:,} decoded pixels in all")
        frame.load()  # WebP tells a frame's duration once it is loaded
        duration = frame.info.get("duration") or DEFAULT_FRAME_MS
        if shown + 1e-9 >= next_time:
            luma = image_to_luma(frame.convert("RGB"))
            if limits.max_side is not None and max(luma.size) > limits.max_side:
                scale = limits.max_side / max(luma.size)
                size = (max(1, round(luma.width * scale)), max(1, round(luma.height * scale)))
                luma = luma.resize(size, Image.Resampling.BOX)
            yield SampledFrame(number, shown, np.asarray(luma, dtype=np.uint8))
            next_time = (int(shown / seconds_per_hash + 1e-9) + 1) * seconds_per_hash
        shown += float(duration) / 1000.0
        if shown > limits.max_seconds:
            raise VideoError(f"refused: longer than the limit of {limits.max_seconds:,.0f} s")
    info.duration = shown
    info.frame_rate = info.frames_decoded / shown if shown > 0 else 0.0
