"""vPDQ matching as Meta defines it, by brute force: the reference the index is tested against.

Two videos are compared as bags of frame hashes (python-threatexchange's
`match_VPDQ_hash_brute`): each side's frames are de-duplicated by hash, then frames under the
quality threshold are dropped; a frame is matched when some frame of the other side is within
the PDQ distance. The query share is the matched share of the query's frames, the compared share
that of the listed video's; a match needs both shares at or over their thresholds. Meta's
defaults: distance 31, quality 50, query share 80 %, compared share 0 %.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from netsafe.matching.hash_array import hex_rows
from netsafe.video.vpdq import VpdqFeature, parse_vpdq

Words = npt.NDArray[np.uint64]


@dataclass(frozen=True)
class VpdqThresholds:
    """When two videos match: per-frame PDQ distance and quality, then the two shares (0–1)."""

    distance: int = 31
    quality: int = 50
    query_match: float = 0.80
    compared_match: float = 0.0

    def __post_init__(self) -> None:
        if not 0 <= self.distance <= 256:
            raise ValueError(f"vpdq distance must be within 0..256, got {self.distance}")
        if not 0 <= self.quality <= 100:
            raise ValueError(f"vpdq quality must be within 0..100, got {self.quality}")
        for name in ("query_match", "compared_match"):
            share = getattr(self, name)
            if not 0.0 <= share <= 1.0:
                raise ValueError(f"vpdq {name} must be a share within 0..1, got {share}")

    def accepts(self, query_share: float, compared_share: float) -> bool:
        return query_share >= self.query_match and compared_share >= self.compared_match


DEFAULT_VPDQ_THRESHOLDS = VpdqThresholds()


@dataclass(frozen=True)
class VpdqShares:
    """How much of each video matched the other (0–1)."""

    query_match: float
    compared_match: float


def matchable_frames(features: Sequence[VpdqFeature], quality: int) -> list[VpdqFeature]:
    """Meta's `quality_filter(dedupe(frames))`: first of each hash, at or over `quality`."""
    seen: set[str] = set()
    kept: list[VpdqFeature] = []
    for feature in features:
        if feature.hex not in seen:
            seen.add(feature.hex)
            if feature.quality >= quality:
                kept.append(feature)
    return kept


def frame_words(features: Sequence[VpdqFeature]) -> Words:
    """Frames' PDQ hashes as (n, 4) uint64 rows (for XOR + popcount)."""
    rows = hex_rows([feature.hex for feature in features], 32, what="vpdq frame")
    return np.ascontiguousarray(rows).view(np.uint64).reshape(-1, 4)


@dataclass(frozen=True)
class FrameHashes:
    """A video's frames as matching needs them: the first frame of each hash (Meta's `dedupe`),
    in order, as (n, 4) uint64 words and their qualities; frame numbers and timestamps left out."""

    words: Words
    qualities: npt.NDArray[np.uint8]

    def __len__(self) -> int:
        return len(self.qualities)

    @classmethod
    def of(cls, features: Sequence[VpdqFeature]) -> FrameHashes:
        frames = matchable_frames(features, 0)
        qualities = np.fromiter((f.quality for f in frames), dtype=np.uint8, count=len(frames))
        return cls(frame_words(frames), qualities)

    @classmethod
    def parse(cls, text: str) -> FrameHashes:
        """From either of Meta's serialisations, as `parse_vpdq` reads them (and refuses them:
        ValueError naming the bad feature). Meta's signal string, the form lists and the
        matcher hold, is read in a few whole-video calls; anything else goes through
        `parse_vpdq`, as does a signal string with any doubt about it (to name the error)."""
        fast = _parse_signal(text)
        return fast if fast is not None else cls.of(parse_vpdq(text))

    def usable(self, quality: int) -> Words:
        """Meta's `quality_filter(dedupe(frames))` as words."""
        return self.words[self.qualities >= quality]

    def head(self, count: int) -> FrameHashes:
        """The first `count` frames."""
        return FrameHashes(self.words[:count], self.qualities[:count])


#: Meta's signal string exactly as `to_signal` writes it (lists and the matcher hold this form).
_FEATURE = r'"[0-9a-f]{64},[0-9]{1,3},[0-9][0-9.e+]*"'
_CANONICAL = re.compile(rf"\[{_FEATURE}(?:, {_FEATURE})*\]")
_HEX64 = re.compile(r"[0-9a-f]{64}")


def _parse_signal(text: str) -> FrameHashes | None:
    """Meta's signal string (a JSON list of "hex,quality,timestamp") read as whole columns;
    None when it is not one `parse_vpdq` would accept as it stands. Fields are read with
    `int` and `float`, as `parse_vpdq` reads them; a 100-frame video in ~0.1 ms (the lookup
    API reads one a request)."""
    stripped = text.strip()
    if not stripped.startswith("["):
        return None
    if _CANONICAL.fullmatch(stripped):  # as written: no JSON escapes, 64 hex, two commas
        parts = stripped[2:-2].replace('", "', ",").split(",")
        hexes = parts[0::3]  # lower case: equal text is an equal hash
    else:
        try:
            items = json.loads(stripped)
        except json.JSONDecodeError:
            return None
        if not isinstance(items, list) or not items:
            return None
        if not all(isinstance(item, str) and item.count(",") == 2 for item in items):
            return None
        parts = ",".join(items).split(",")
        hexes = [part.strip().lower() for part in parts[0::3]]
        if not all(_HEX64.fullmatch(value) for value in hexes):
            return None
    try:
        qualities = [int(value) for value in parts[1::3]]
        timestamps = [float(value) for value in parts[2::3]]
    except ValueError:
        return None
    if min(qualities) < 0 or max(qualities) > 100:
        return None
    if not all(math.isfinite(seconds) and seconds >= 0 for seconds in timestamps):
        return None
    first: dict[str, int] = {}  # Meta's dedupe: the first frame of each hash, in order
    for number, value in enumerate(hexes):
        first.setdefault(value, number)
    if len(first) < len(hexes):
        hexes = list(first)
        qualities = [qualities[number] for number in first.values()]
    raw = bytearray.fromhex("".join(hexes))  # writable: numba compiles read-only arrays apart
    words = np.frombuffer(raw, dtype=np.uint64).reshape(-1, 4)
    return FrameHashes(words, np.array(qualities, dtype=np.uint8))


def distances(left: Words, right: Words) -> npt.NDArray[np.int64]:
    """The (len(left), len(right)) matrix of Hamming distances."""
    xor = left[:, None, :] ^ right[None, :, :]
    counts: npt.NDArray[np.int64] = np.bitwise_count(xor).sum(axis=2, dtype=np.int64)
    return counts


def compare_vpdq(
    query: Sequence[VpdqFeature],
    compared: Sequence[VpdqFeature],
    thresholds: VpdqThresholds = DEFAULT_VPDQ_THRESHOLDS,
) -> VpdqShares:
    """Meta's brute-force comparison; a side with no matchable frame has a share of 0."""
    mine = matchable_frames(query, thresholds.quality)
    theirs = matchable_frames(compared, thresholds.quality)
    if not mine or not theirs:
        return VpdqShares(0.0, 0.0)
    close = distances(frame_words(mine), frame_words(theirs)) <= thresholds.distance
    return VpdqShares(
        float(close.any(axis=1).sum()) / len(mine), float(close.any(axis=0).sum()) / len(theirs)
    )


def vpdq_matches(
    query: Sequence[VpdqFeature],
    compared: Sequence[VpdqFeature],
    thresholds: VpdqThresholds = DEFAULT_VPDQ_THRESHOLDS,
) -> bool:
    """True when the two videos match under `thresholds`."""
    shares = compare_vpdq(query, compared, thresholds)
    return thresholds.accepts(shares.query_match, shares.compared_match)
