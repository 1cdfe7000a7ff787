"""What video decoding works with, without loading FFmpeg: limits, sampled frames, errors.

Kept apart from decode.py so that the signal registry (and every CLI command) can name vPDQ
without importing PyAV; decoding imports it when a video is first decoded.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from netsafe.media import MediaError


class VideoError(MediaError):
    """A video could not be decoded within its limits: the message says why."""


class NoVideoStreamError(VideoError):
    """The container holds no video stream (audio only: a WMA, an M4A): no vPDQ, no error."""


@dataclass(frozen=True)
class VideoLimits:
    """What decoding one video may cost.

    `max_seconds`: longer videos are refused (header duration, then frame timestamps).
    `max_frame_pixels`: frames larger than this (width × height) are refused.
    `max_decoded_pixels`: decoding stops with an error past this many pixels in all.
    `max_wall_seconds`: decoding stops with an error past this much elapsed time.
    `max_side`: sampled frames are downscaled to at most this many pixels a side (None: full
    size, the reference path). `skip_nonref`: let the decoder drop frames no other refers to.
    """

    max_seconds: float = 6 * 3600.0
    max_frame_pixels: int = 40_000_000
    max_decoded_pixels: int = 2_000_000_000_000
    max_wall_seconds: float = 600.0
    max_side: int | None = 512
    skip_nonref: bool = True


DEFAULT_VIDEO_LIMITS = VideoLimits()
#: The reference path: every frame decoded, sampled frames hashed at full size.
FULL_VIDEO_DECODE = VideoLimits(max_side=None, skip_nonref=False)


@dataclass(frozen=True)
class SampledFrame:
    """One sampled frame: its number at the stream's frame rate, time in seconds, luminance."""

    number: int
    timestamp: float
    luma: npt.NDArray[np.uint8]


@dataclass
class VideoInfo:
    """What decoding learnt about a video (filled in as frames are decoded)."""

    container: str = ""
    codec: str = ""
    width: int = 0
    height: int = 0
    frame_rate: float = 0.0
    duration: float | None = None
    frames_decoded: int = 0


def frame_step(frame_rate: float, seconds_per_hash: float) -> int:
    """Meta's sampling: every int(seconds_per_hash × frame rate)-th frame, at least every one."""
    return max(1, int(seconds_per_hash * frame_rate))
