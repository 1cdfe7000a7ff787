"""vPDQ as Meta computes and writes it: agreement with Meta's `vpdq` package, its two text
forms, and copies of a video (re-encoded, resized, cropped, trimmed) that still match."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from netsafe.signals.pdq import PdqSignal
from netsafe.video.frames import FULL_VIDEO_DECODE
from netsafe.video.vpdq import (
    VpdqFeature,
    compute_vpdq,
    normalize_vpdq,
    parse_vpdq,
    to_frame_lines,
    to_signal,
)
from netsafe.video.vpdq_match import compare_vpdq, vpdq_matches

pytestmark = pytest.mark.timeout(300)

HEX = "f8f8f0cee0f4a84f06370a22038f63f0b36e2ed596621e1d33e6b39c4e9c9b22"


def meta_vpdq(path: Path, seconds_per_hash: float = 1) -> list[VpdqFeature]:
    """The frames Meta's own `vpdq` package (the C++ reference through its binding) hashes
    (every frame when `seconds_per_hash` is 0)."""
    vpdq = pytest.importorskip("vpdq", reason="Meta's vpdq package (a dev dependency)")
    return [
        VpdqFeature(f.hex, f.quality, f.frame_number, f.timestamp)
        for f in vpdq.computeHash(str(path), seconds_per_hash=seconds_per_hash, thread_count=1)
    ]


def test_full_decode_agrees_with_metas_package_frame_by_frame(original: Path) -> None:
    ours = compute_vpdq(original, limits=FULL_VIDEO_DECODE).features
    theirs = meta_vpdq(original)
    assert [f.frame_number for f in ours] == [f.frame_number for f in theirs]
    assert [f.timestamp for f in ours] == pytest.approx([f.timestamp for f in theirs])
    for mine, meta in zip(ours, theirs, strict=True):
        assert PdqSignal.distance(mine.hex, meta.hex) <= 10, (mine, meta)
        assert abs(mine.quality - meta.quality) <= 10, (mine, meta)


def test_lean_decode_stays_within_pdq_bounds_and_matches(original: Path) -> None:
    # the lean path (non-reference frames not decoded, frames downscaled to 512 px) samples
    # the first decoded frame at or after each second: a few frames later at most
    lean = compute_vpdq(original).features
    every_frame = {f.frame_number: f for f in meta_vpdq(original, seconds_per_hash=0)}
    assert len(lean) == len(meta_vpdq(original))
    for k, feature in enumerate(lean):
        assert 0 <= feature.frame_number - 25 * k <= 3, feature
        meta = every_frame[feature.frame_number]
        assert PdqSignal.distance(feature.hex, meta.hex) <= 10, (feature, meta)
    shares = compare_vpdq(lean, meta_vpdq(original))
    assert (shares.query_match, shares.compared_match) == (1.0, 1.0)


@pytest.mark.parametrize("name", ["re-encoded", "resized", "cropped", "trimmed", "frame-rate"])
def test_copies_of_a_video_still_match(
    original: Path, variants: dict[str, Path], name: str
) -> None:
    listed = compute_vpdq(original).features
    copy = compute_vpdq(variants[name]).features
    shares = compare_vpdq(copy, listed)
    assert vpdq_matches(copy, listed), shares
    assert shares.query_match >= 0.9, shares
    if name == "trimmed":  # 6 s of 12: half the listed video's frames are in the copy
        assert 0.35 <= shares.compared_match <= 0.7, shares
    else:
        assert shares.compared_match >= 0.9, shares


def test_an_unrelated_video_does_not_match(original: Path, unrelated: Path) -> None:
    shares = compare_vpdq(compute_vpdq(unrelated).features, compute_vpdq(original).features)
    assert shares.query_match < 0.2, shares
    assert not vpdq_matches(compute_vpdq(unrelated).features, compute_vpdq(original).features)


def test_signal_string_is_python_threatexchanges() -> None:
    features = (
        VpdqFeature(HEX, 100, 0, 0.0),
        VpdqFeature(HEX.replace("f", "e"), 87, 30, 1.0),
        VpdqFeature(HEX, 64, 3690, 123.0),
        VpdqFeature(HEX, 50, 1, 1 / 30),
    )
    text = to_signal(features)
    # json.dumps of "hex,quality,f'{timestamp:.3}'" strings: three significant digits
    assert text == json.dumps(
        [
            f"{HEX},100,0.0",
            f"{HEX.replace('f', 'e')},87,1.0",
            f"{HEX},64,1.23e+02",
            f"{HEX},50,0.0333",
        ]
    )
    again = parse_vpdq(text)
    assert [(f.hex, f.quality) for f in again] == [(f.hex, f.quality) for f in features]
    assert again[2].timestamp == 123.0


def test_frame_file_is_vpdq_hash_videos() -> None:
    features = (VpdqFeature(HEX, 100, 0, 0.0), VpdqFeature(HEX, 99, 29, 0.9666666))
    text = to_frame_lines(features)
    assert text == f"0,100,{HEX},0.000\n29,99,{HEX},0.967\n"
    assert parse_vpdq(text) == (features[0], VpdqFeature(HEX, 99, 29, 0.967))


def test_metas_sample_hash_file_reads() -> None:
    # the first lines of ThreatExchange vpdq/sample-hashes/pattern-hd-no-bar.txt
    text = (
        "0,100,d3d8981ba52c59e79fb49295bed80905036b1dbe57b292c8ea4fb525f52c420e,0.000\n"
        "1,100,d2d899daa62c5de7bebc9295ae580905016999aa57969ac0ee4bd50df52c5b0e,0.033\n"
    )
    features = parse_vpdq(text)
    assert [f.frame_number for f in features] == [0, 1]
    assert normalize_vpdq(text) == json.dumps(
        [
            "d3d8981ba52c59e79fb49295bed80905036b1dbe57b292c8ea4fb525f52c420e,100,0.0",
            "d2d899daa62c5de7bebc9295ae580905016999aa57969ac0ee4bd50df52c5b0e,100,0.033",
        ]
    )


def test_old_json_object_form_reads() -> None:
    text = json.dumps({"0": {"quality": 90, "hash": HEX, "timestamp": 0.0}})
    assert parse_vpdq(text) == (VpdqFeature(HEX, 90, 0, 0.0),)


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("", "empty"),
        ("[]", "no frames"),
        ('["abc,100,0.0"]', "feature 1: PDQ is not 64 hex"),
        (f'["{HEX},101,0.0"]', "quality 101"),
        (f'["{HEX},100,-1"]', "timestamp"),
        (f'["{HEX},100"]', "feature 1 is not"),
        (f"0,100,{HEX},0.000\nzebra", "line 2 is not"),
        (f'["{HEX},100,0.0"', "bad JSON"),
        ("42", "line 1 is not"),
    ],
)
def test_bad_serialisations_say_where(text: str, reason: str) -> None:
    with pytest.raises(ValueError, match="not a valid vpdq hash") as raised:
        parse_vpdq(text)
    assert reason in str(raised.value)
