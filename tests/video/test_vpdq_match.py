"""Meta's brute-force vPDQ comparison: de-duplicate, filter by quality, then the two shares."""

from __future__ import annotations

import pytest

from netsafe.video.vpdq import VpdqFeature
from netsafe.video.vpdq_match import (
    VpdqThresholds,
    compare_vpdq,
    matchable_frames,
    vpdq_matches,
)


def frame(hex_digit: str, quality: int = 100, flip: int = 0) -> VpdqFeature:
    """A frame whose hash is `hex_digit` repeated, with its first `flip` bits inverted."""
    value = int(hex_digit * 64, 16) ^ (((1 << flip) - 1) << (256 - flip))
    return VpdqFeature(f"{value:064x}", quality, 0, 0.0)


def test_dedupe_before_quality_filter_as_meta() -> None:
    frames = [frame("a", 10), frame("a", 90), frame("b", 60), frame("c", 49)]
    # the first "a" is kept by dedupe, then dropped by quality: the second never comes back
    assert matchable_frames(frames, 50) == [frame("b", 60)]


def test_shares() -> None:
    query = [frame("0"), frame("1"), frame("2"), frame("3")]
    listed = [frame("0", flip=31), frame("1", flip=32), frame("3"), frame("5"), frame("6")]
    shares = compare_vpdq(query, listed)
    assert (shares.query_match, shares.compared_match) == (0.5, 0.4)
    assert not vpdq_matches(query, listed)  # Meta's default: 80 % of the query
    assert vpdq_matches(query, listed, VpdqThresholds(query_match=0.5, compared_match=0.4))
    assert not vpdq_matches(query, listed, VpdqThresholds(query_match=0.5, compared_match=0.41))
    assert compare_vpdq(query, listed, VpdqThresholds(distance=32)).query_match == 0.75


def test_low_quality_frames_are_not_compared() -> None:
    query = [frame("0", 40), frame("1")]
    listed = [frame("0"), frame("1", 20)]
    assert compare_vpdq(query, listed) == compare_vpdq([frame("1")], [frame("0")])
    assert compare_vpdq(query, listed, VpdqThresholds(quality=0)).query_match == 1.0


def test_no_matchable_frame_is_no_match() -> None:
    shares = compare_vpdq([frame("0", 10)], [frame("0")])
    assert (shares.query_match, shares.compared_match) == (0.0, 0.0)


@pytest.mark.parametrize(
    "bad",
    [
        {"distance": 257},
        {"quality": 101},
        {"query_match": 1.5},
        {"compared_match": -0.1},
    ],
)
def test_thresholds_are_checked(bad: dict[str, float]) -> None:
    with pytest.raises(ValueError, match="vpdq"):
        VpdqThresholds(**bad)  # type: ignore[arg-type]
