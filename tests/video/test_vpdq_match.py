"""Meta's brute-force vPDQ comparison: de-duplicate, filter by quality, then the two shares."""

from __future__ import annotations

import json
import re

import numpy as np
import pytest

from netsafe.video.vpdq import VpdqFeature, parse_vpdq, to_frame_lines, to_signal
from netsafe.video.vpdq_match import (
    FrameHashes,
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


def _same_or_same_error(text: str) -> None:
    """FrameHashes.parse reads `text` as parse_vpdq + de-duplication does, or refuses it with
    parse_vpdq's own error."""
    try:
        expected = FrameHashes.of(parse_vpdq(text))
    except ValueError as error:
        message = str(error)
    else:
        message = ""
    if message:
        with pytest.raises(ValueError, match=re.escape(message)):
            FrameHashes.parse(text)
        return
    parsed = FrameHashes.parse(text)
    assert parsed.words.dtype == np.uint64
    assert parsed.qualities.dtype == np.uint8
    assert parsed.words.tolist() == expected.words.tolist()
    assert parsed.qualities.tolist() == expected.qualities.tolist()


def test_frame_hashes_parse_as_parse_vpdq() -> None:
    """The matcher's fast reading of a vPDQ (whole columns at once) gives the frames, first of
    each hash, and the errors that parse_vpdq and Meta's dedupe give."""
    rng = np.random.default_rng(4)
    features = [
        VpdqFeature(rng.bytes(32).hex(), int(rng.integers(0, 101)), n, n * 1.5) for n in range(40)
    ]
    features += [features[3], VpdqFeature(features[7].hex, 100, 99, 99.0)]  # repeated hashes
    signal = to_signal(features)
    parsed = FrameHashes.parse(signal)
    assert len(parsed) == 40
    assert parsed.qualities.tolist() == [f.quality for f in features[:40]]
    good = [
        signal,
        to_frame_lines(features),
        json.dumps([f"{features[0].hex.upper()},7,0.0", f" {features[1].hex} , 8 , 1e2 "]),
        json.dumps([f"{features[0].hex},+7,-0.0", f"{features[0].hex.upper()},9,1_0"]),
    ]
    hex0 = features[0].hex
    bad = [
        "",
        "[]",
        "[1, 2]",
        json.dumps([f"{hex0},101,0.0"]),
        json.dumps([f"{hex0},-1,0.0"]),
        json.dumps([f"{hex0},50,-1.0"]),
        json.dumps([f"{hex0},50,nan"]),
        json.dumps([f"{hex0},50,inf"]),
        json.dumps([f"{hex0},50,1.2.3"]),
        json.dumps([f"{hex0},50,1e+999"]),
        json.dumps([f"{hex0},50,1.0", f"{hex0},999,1.0"]),
        json.dumps([f"{hex0},5.5,1.0"]),
        json.dumps([f"{hex0[:-1]}g,50,1.0"]),
        json.dumps([f"{hex0[:-2]} 0,50,1.0"]),
        json.dumps([f"{hex0[:-2]},50,1.0"]),
        json.dumps([f"{hex0},50,1.0", f"{hex0},50"]),
        json.dumps([f"{hex0},50,1.0,2.0", f"{hex0},50"]),
        json.dumps([f"{hex0},50,1.0", 7]),
        '["' + hex0 + ',50,1.0"',
    ]
    for text in good + bad:
        _same_or_same_error(text)
