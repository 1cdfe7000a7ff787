"""vPDQ, Meta's video PDQ: the PDQ hash of frames sampled at a rate, with quality, frame number
and timestamp; and its text forms, as Meta's tools write and read them.

Two serialisations are Meta's (ThreatExchange `vpdq/` and python-threatexchange):
- the signal string that ThreatExchange and Hasher-Matcher-Actioner exchange: a JSON list of
  `"<pdq hex>,<quality>,<timestamp>"` strings, the timestamp written as Python's
  `format(t, ".3")` (three significant digits: `0.0`, `1.0`, `12.3`, `1.23e+02`) exactly as
  python-threatexchange's `VpdqCompactFeature.__str__` does — `to_signal` / `parse_vpdq`;
- the frame file of the C++ `vpdq-hash-video` tool: one `<frame>,<quality>,<pdq hex>,<timestamp>`
  line a frame, the timestamp with three decimals — `to_frame_lines` / `parse_vpdq`.
The signal string drops frame numbers (Meta's compact form); matching never uses them.

Frames are sampled as Meta's hasher samples them: every int(seconds_per_hash × frame rate)-th
frame (frame rate: the stream's average rate), timestamp = frame number / frame rate.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import IO

import numpy as np

from netsafe.signals.pdq import PdqSignal
from netsafe.video.frames import DEFAULT_VIDEO_LIMITS, SampledFrame, VideoInfo, VideoLimits

#: Meta's default sampling: one frame a second.
DEFAULT_SECONDS_PER_HASH = 1.0
_HEX64 = re.compile(r"[0-9a-f]{64}")


@dataclass(frozen=True)
class VpdqFeature:
    """One hashed frame: PDQ (64 hex), quality 0–100, frame number, timestamp in seconds."""

    hex: str
    quality: int
    frame_number: int
    timestamp: float

    def compact(self) -> str:
        """`<hex>,<quality>,<timestamp>` exactly as python-threatexchange writes a feature."""
        return f"{self.hex},{self.quality},{self.timestamp:.3}"

    def frame_line(self) -> str:
        """`<frame>,<quality>,<hex>,<timestamp>` as `vpdq-hash-video` writes a frame."""
        return f"{self.frame_number},{self.quality},{self.hex},{self.timestamp:.3f}"


@dataclass(frozen=True)
class VideoHash:
    """A video's vPDQ and what decoding learnt about it."""

    features: tuple[VpdqFeature, ...]
    info: VideoInfo

    @property
    def signal(self) -> str:
        return to_signal(self.features)


def compute_vpdq(
    source: str | Path | IO[bytes],
    *,
    seconds_per_hash: float = DEFAULT_SECONDS_PER_HASH,
    limits: VideoLimits = DEFAULT_VIDEO_LIMITS,
) -> VideoHash:
    """The vPDQ of the video in `source` (a path or a binary stream). Raises VideoError."""
    from netsafe.video.decode import sample_frames  # PyAV loads on the first video

    info = VideoInfo()
    frames = sample_frames(source, seconds_per_hash=seconds_per_hash, limits=limits, info=info)
    return VideoHash(hash_frames(frames), info)


def compute_animation_vpdq(
    data: bytes,
    *,
    seconds_per_hash: float = DEFAULT_SECONDS_PER_HASH,
    limits: VideoLimits = DEFAULT_VIDEO_LIMITS,
) -> VideoHash:
    """The vPDQ of an animated GIF/WebP/PNG (every sampled frame). Raises VideoError."""
    from netsafe.video.animation import sample_animation

    info = VideoInfo()
    frames = sample_animation(data, seconds_per_hash=seconds_per_hash, limits=limits, info=info)
    return VideoHash(hash_frames(frames), info)


def hash_frames(frames: Iterable[SampledFrame]) -> tuple[VpdqFeature, ...]:
    """PDQ of each sampled frame; the timestamp in single precision, as Meta's C++ keeps it."""
    features = []
    for frame in frames:
        result = PdqSignal.compute(frame.luma)
        timestamp = float(np.float32(frame.timestamp))
        features.append(VpdqFeature(result.hex, result.quality, frame.number, timestamp))
    return tuple(features)


def to_signal(features: tuple[VpdqFeature, ...] | list[VpdqFeature]) -> str:
    """Meta's vPDQ signal string (python-threatexchange's `vpdq_to_json`)."""
    return json.dumps([feature.compact() for feature in features])


def to_frame_lines(features: tuple[VpdqFeature, ...] | list[VpdqFeature]) -> str:
    """The frame file `vpdq-hash-video` writes: one line a frame, each ending in a newline."""
    return "".join(feature.frame_line() + "\n" for feature in features)


def parse_vpdq(text: str) -> tuple[VpdqFeature, ...]:
    """Features from either of Meta's serialisations (or the old JSON object keyed by frame
    number). ValueError naming the bad feature when `text` is neither."""
    stripped = text.strip()
    if not stripped:
        raise ValueError("not a valid vpdq hash: empty")
    if stripped[0] in "[{":
        try:
            data = json.loads(stripped)
        except json.JSONDecodeError as error:
            raise ValueError(f"not a valid vpdq hash: bad JSON ({error.msg})") from error
        if isinstance(data, list):
            features = [_compact(item, number) for number, item in enumerate(data)]
        elif isinstance(data, dict):
            features = [_old_json(key, value) for key, value in data.items()]
        else:
            raise ValueError("not a valid vpdq hash: JSON is neither a list nor an object")
    else:
        features = [
            _frame_line(line, number)
            for number, line in enumerate(stripped.splitlines(), start=1)
            if line.strip()
        ]
    if not features:
        raise ValueError("not a valid vpdq hash: no frames")
    return tuple(features)


def normalize_vpdq(text: str) -> str:
    """The canonical form (Meta's signal string) of a vPDQ in either serialisation."""
    return to_signal(parse_vpdq(text))


def _compact(item: object, number: int) -> VpdqFeature:
    parts = item.split(",") if isinstance(item, str) else []
    if len(parts) != 3:
        raise ValueError(f"not a valid vpdq hash: feature {number + 1} is not 'hex,quality,time'")
    pdq, quality, timestamp = parts
    return _feature(pdq, quality, timestamp, number, f"feature {number + 1}")


def _old_json(key: str, value: object) -> VpdqFeature:
    if not isinstance(value, dict) or not key.strip().isdigit():
        raise ValueError(f"not a valid vpdq hash: frame {key!r} is not an object")
    try:
        return _feature(
            str(value["hash"]), str(value["quality"]), str(value["timestamp"]), int(key), key
        )
    except KeyError as error:
        raise ValueError(f"not a valid vpdq hash: frame {key} lacks {error}") from error


def _frame_line(line: str, number: int) -> VpdqFeature:
    parts = [part.strip() for part in line.split(",")]
    if len(parts) != 4 or not parts[0].isdigit():
        raise ValueError(
            f"not a valid vpdq hash: line {number} is not 'frame,quality,hex,timestamp'"
        )
    frame, quality, pdq, timestamp = parts
    return _feature(pdq, quality, timestamp, int(frame), f"line {number}")


def _feature(pdq: str, quality: str, timestamp: str, frame: int, where: str) -> VpdqFeature:
    pdq = pdq.strip().lower()
    if not _HEX64.fullmatch(pdq):
        raise ValueError(f"not a valid vpdq hash: {where}: PDQ is not 64 hex characters")
    try:
        level, seconds = int(quality), float(timestamp)
    except ValueError as error:
        raise ValueError(f"not a valid vpdq hash: {where}: {error}") from error
    if not 0 <= level <= 100:
        raise ValueError(f"not a valid vpdq hash: {where}: quality {level} not in 0–100")
    if not math.isfinite(seconds) or seconds < 0:
        raise ValueError(f"not a valid vpdq hash: {where}: timestamp {timestamp!r}")
    return VpdqFeature(pdq, level, frame, seconds)
