"""vPDQ: Meta's video PDQ as a registered signal (content: video, and animated images).

The value is Meta's signal string (a JSON list of `"<pdq hex>,<quality>,<timestamp>"`, as
python-threatexchange and ThreatExchange exchange it; netsafe.video.vpdq); lists may also give
the `vpdq-hash-video` frame file form, read and stored canonically. Two values match as Meta's
matcher says (netsafe.video.vpdq_match): frames within the PDQ distance and over the quality
floor, then the query's and the listed video's shares of frames matched. The index
(VpdqSignalIndex) puts every listed frame in a PDQ index, each frame knowing its video.
"""

from __future__ import annotations

import io
from typing import TYPE_CHECKING, Any, BinaryIO, ClassVar

from netsafe.signals.base import Content, SignalType

if TYPE_CHECKING:
    from netsafe.matching.signal_index import SignalIndex
    from netsafe.video.frames import VideoLimits

# The video modules (numpy, Pillow, PyAV) are imported when a value is first parsed, compared or
# computed from a video or an animation: the registry imports this module, and a list reader, a
# CLI command or the hashing of a still image needs none (tests/signals/test_lazy_video.py).


class VpdqSignal(SignalType):
    """vPDQ of a video (or an animated GIF/WebP/PNG with more than one frame)."""

    name: ClassVar[str] = "vpdq"
    content: ClassVar[Content] = Content.VIDEO
    aliases: ClassVar[tuple[str, ...]] = ("video pdq", "video_pdq")
    vics_name: ClassVar[str] = "vPDQ"
    #: Meta's per-frame PDQ distance (`VpdqThresholds.distance`; a test keeps the two equal).
    max_distance: ClassVar[int] = 31

    @classmethod
    def normalize(cls, value: str) -> str:
        from netsafe.video.vpdq import normalize_vpdq

        return normalize_vpdq(value)

    @classmethod
    def raw_bytes(cls) -> int:
        return 0

    @classmethod
    def distance(cls, left: str, right: str) -> int:
        """0 when the two videos match under Meta's default thresholds, else 1."""
        return 0 if cls.matches(left, right) else 1

    @classmethod
    def matches(cls, left: str, right: str, max_distance: int | None = None) -> bool:
        """Meta's comparison: `left` is the query, `right` the listed video."""
        from netsafe.video.vpdq import parse_vpdq
        from netsafe.video.vpdq_match import DEFAULT_VPDQ_THRESHOLDS, compare_vpdq

        thresholds = DEFAULT_VPDQ_THRESHOLDS
        if max_distance is not None:
            thresholds = type(thresholds)(distance=max_distance)
        shares = compare_vpdq(parse_vpdq(left), parse_vpdq(right), thresholds)
        return thresholds.accepts(shares.query_match, shares.compared_match)

    @classmethod
    def index_class(cls) -> type[SignalIndex]:
        from netsafe.matching.vpdq_signal_index import VpdqSignalIndex

        return VpdqSignalIndex

    @classmethod
    def compute_video(cls, data: bytes | BinaryIO, limits: Any) -> str | None:
        """The vPDQ of a video's bytes (or seekable stream); of an image's bytes when it is an
        animation of more than one frame (None for a still image, or a container holding only
        audio). Raises VideoError."""
        from netsafe.media import sniff_media_type

        if isinstance(data, bytes | bytearray | memoryview):
            data = bytes(data)
            mime = sniff_media_type(data[:32])
            if mime is not None:
                if mime not in _ANIMATED_MIME:
                    return None  # a still image: no video module is imported for it
                from netsafe.video.animation import is_animation

                if not is_animation(data):
                    return None
                from netsafe.video.vpdq import compute_animation_vpdq, to_signal

                animation = compute_animation_vpdq(data, limits=_video_limits(limits))
                return to_signal(animation.features)
            data = io.BytesIO(data)
        from netsafe.video.frames import NoVideoStreamError
        from netsafe.video.vpdq import compute_vpdq

        try:
            return compute_vpdq(data, limits=_video_limits(limits)).signal
        except NoVideoStreamError:
            return None  # audio in a video container: no vPDQ, and nothing wrong


#: Image types that can hold an animation (animated GIF, WebP, PNG).
_ANIMATED_MIME = frozenset({"image/gif", "image/webp", "image/png", "image/apng"})


def _video_limits(limits: Any) -> VideoLimits:
    """The image limits' `max_side` carried over: None (full decode) is the reference path."""
    from netsafe.video.frames import DEFAULT_VIDEO_LIMITS, FULL_VIDEO_DECODE

    if getattr(limits, "max_side", 512) is None:
        return FULL_VIDEO_DECODE
    return DEFAULT_VIDEO_LIMITS
