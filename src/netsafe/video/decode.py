"""Video decoding through FFmpeg's libraries (PyAV), within limits, sampling frames at a rate.

Only the frames that will be hashed are converted: each sampled frame's luminance plane is
taken as decoded (the Y of YUV; PDQ looks at luminance alone) and box-downscaled to at most
`max_side` pixels a side, as images are. Frames that are not sampled are not converted at all,
and with `skip_nonref` the decoder does not even reconstruct the frames no other frame refers to
(B-frames in most H.264/HEVC/MPEG-2): a sampled position then takes the first decoded frame at
or after it, a frame or two later than a full decode would take (benchmarks/bench_video.py
measures the cost and the PDQ distance this gives).

Limits, like images: duration (from the header, and again from the frames' timestamps), frame
size (from the header, and again per decoded frame), total decoded pixels, and a wall-clock
budget checked at every packet. Whatever FFmpeg reports about a corrupt or hostile file becomes
a VideoError naming the reason; nothing here raises anything else for bad content.
"""

from __future__ import annotations

import math
import time
from collections.abc import Iterator
from pathlib import Path
from typing import IO

import av
import av.error
import numpy as np
import numpy.typing as npt
from PIL import Image

from netsafe.video.frames import (
    DEFAULT_VIDEO_LIMITS,
    NoVideoStreamError,
    SampledFrame,
    VideoError,
    VideoInfo,
    VideoLimits,
    frame_step,
)


def sample_frames(
    source: str | Path | IO[bytes],
    *,
    seconds_per_hash: float = 1.0,
    limits: VideoLimits = DEFAULT_VIDEO_LIMITS,
    info: VideoInfo | None = None,
) -> Iterator[SampledFrame]:
    """The frames of the first video stream in `source`, one every `seconds_per_hash` seconds.

    Raises VideoError (at once or while iterating) when the video cannot be decoded."""
    if seconds_per_hash <= 0 or not math.isfinite(seconds_per_hash):
        raise ValueError(f"seconds_per_hash must be positive, got {seconds_per_hash}")
    info = info if info is not None else VideoInfo()
    try:
        container = av.open(str(source) if isinstance(source, (str, Path)) else source, "r")
    except av.error.FFmpegError as error:
        raise VideoError(f"not a readable video: {_reason(error)}") from error
    except (OSError, ValueError) as error:
        raise VideoError(f"not a readable video: {error}") from error
    with container:
        try:
            yield from _sample(container, seconds_per_hash, limits, info)
        except VideoError:
            raise
        except av.error.FFmpegError as error:
            raise VideoError(f"corrupt video: {_reason(error)}") from error
        except MemoryError as error:
            raise VideoError("refused: not enough memory to decode") from error
        except (OSError, ValueError, RuntimeError) as error:
            raise VideoError(f"corrupt video: {error}") from error


def _sample(
    container: av.container.InputContainer,
    seconds_per_hash: float,
    limits: VideoLimits,
    info: VideoInfo,
) -> Iterator[SampledFrame]:
    started = time.monotonic()
    if not container.streams.video:
        raise NoVideoStreamError("no video stream")
    stream = container.streams.video[0]
    context = stream.codec_context
    info.container = container.format.name
    info.codec = context.name
    info.width, info.height = context.width, context.height
    _check_size(info.width, info.height, limits)
    rate = stream.average_rate or stream.guessed_rate or stream.base_rate
    info.frame_rate = float(rate) if rate else 0.0
    if not info.frame_rate > 0:
        raise VideoError("corrupt video: no frame rate")
    if container.duration is not None and container.duration > 0:
        info.duration = container.duration / av.time_base
        if info.duration > limits.max_seconds:
            raise VideoError(
                f"refused: {info.duration:,.0f} s long exceeds the limit of "
                f"{limits.max_seconds:,.0f} s"
            )
    context.thread_count = 1
    if limits.skip_nonref:
        context.skip_frame = "NONREF"
    step = frame_step(info.frame_rate, seconds_per_hash)
    time_base = float(stream.time_base) if stream.time_base else 1.0 / info.frame_rate
    first_pts: int | None = None
    next_number = 0
    decoded_pixels = 0
    for packet in container.demux(stream):
        if time.monotonic() - started > limits.max_wall_seconds:
            raise VideoError(f"refused: decoding took over {limits.max_wall_seconds:,.0f} s")
        for frame in packet.decode():
            info.frames_decoded += 1
            _check_size(frame.width, frame.height, limits)
            decoded_pixels += frame.width * frame.height
            if decoded_pixels > limits.max_decoded_pixels:
                raise VideoError(
                    f"refused: over {limits.max_decoded_pixels:,} decoded pixels in all"
                )
            if frame.pts is None:
                number = info.frames_decoded - 1
            else:
                if first_pts is None:
                    first_pts = frame.pts
                number = round((frame.pts - first_pts) * time_base * info.frame_rate)
            seconds = number / info.frame_rate
            if seconds > limits.max_seconds:
                raise VideoError(f"refused: longer than the limit of {limits.max_seconds:,.0f} s")
            if number < next_number:
                continue
            next_number = (number // step + 1) * step
            yield SampledFrame(number, seconds, frame_luma(frame, limits.max_side))
    if not info.frames_decoded:
        raise VideoError("corrupt video: no frame could be decoded")


def frame_luma(frame: av.VideoFrame, max_side: int | None) -> npt.NDArray[np.uint8]:
    """The frame's luminance (height × width uint8), box-downscaled to at most `max_side`."""
    if frame.format.name in _PLANAR_YUV:
        plane = frame.planes[0]
        rows = np.frombuffer(memoryview(plane), dtype=np.uint8).reshape(-1, plane.line_size)
        luma = rows[: frame.height, : frame.width]
    else:
        luma = np.asarray(frame.to_ndarray(format="gray"), dtype=np.uint8)
    if max_side is not None and max(frame.width, frame.height) > max_side:
        scale = max_side / max(frame.width, frame.height)
        size = (max(1, round(frame.width * scale)), max(1, round(frame.height * scale)))
        picture = Image.fromarray(np.ascontiguousarray(luma), mode="L")
        luma = np.asarray(picture.resize(size, Image.Resampling.BOX), dtype=np.uint8)
    if _limited_range(frame):
        # studio range (16–235) to full range, as the RGB a player shows: PDQ's quality counts
        # gradients, and would read a studio-range picture as flatter than it is
        scaled = (luma.astype(np.float32) - 16.0) * (255.0 / 219.0) + 0.5
        full: npt.NDArray[np.uint8] = np.clip(scaled, 0, 255).astype(np.uint8)
        return full
    return np.ascontiguousarray(luma)


def _limited_range(frame: av.VideoFrame) -> bool:
    name = frame.format.name
    if name.startswith("yuvj") or not name.startswith(("yuv", "nv")):
        return False
    return int(frame.color_range) != _FULL_RANGE


#: AVCOL_RANGE_JPEG: the frame already spans 0–255.
_FULL_RANGE = 2


_PLANAR_YUV = frozenset(
    {"yuv420p", "yuvj420p", "yuv422p", "yuvj422p", "yuv444p", "yuvj444p", "yuv411p", "yuv410p"}
    | {"yuv440p", "yuvj440p", "nv12", "nv21", "gray"}
)


def _check_size(width: int, height: int, limits: VideoLimits) -> None:
    if width < 0 or height < 0:
        raise VideoError(f"corrupt video: frame size {width}×{height}")
    if width * height > limits.max_frame_pixels:
        raise VideoError(
            f"refused: {width}×{height} = {width * height:,} pixels a frame exceeds the limit of "
            f"{limits.max_frame_pixels:,}"
        )


def _reason(error: av.error.FFmpegError) -> str:
    return error.strerror or str(error) or type(error).__name__
