"""vPDQ matching as Meta defines it, by brute force: the reference the index is tested against.

Two videos are compared as bags of frame hashes (python-threatexchange's
`match_VPDQ_hash_brute`): each side's frames are de-duplicated by hash, then frames under the
quality threshold are dropped; a frame is matched when some frame of the other side is within
the PDQ distance. The query share is the matched share of the query's frames, the compared share
that of the listed video's; a match needs both shares at or over their thresholds. Meta's
defaults: distance 31, quality 50, query share 80 %, compared share 0 %.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from netsafe.matching.hash_array import hex_rows
from netsafe.video.vpdq import VpdqFeature

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
