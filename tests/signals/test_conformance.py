"""Conformance with Meta's PDQ reference hashes and images (../shared/testdata/pdq-reference)."""

from __future__ import annotations

import csv
from collections import Counter
from functools import cache
from pathlib import Path

import numpy as np
import pytest
from PIL import Image, ImageOps

from netsafe.media import FULL_DECODE, decode_rgb
from netsafe.signals.fingerprint import FileFingerprint, fingerprint_file
from netsafe.signals.pdq import DIHEDRAL_NAMES, PdqSignal

REFERENCE = "pdq-reference"


def expected_rows(root: Path) -> list[tuple[Path, str]]:
    with (root / REFERENCE / "expected-pdq.csv").open(encoding="utf-8") as handle:
        return [(root / REFERENCE / row["path"], row["pdq"]) for row in csv.DictReader(handle)]


def reference_images(root: Path) -> list[Path]:
    folder = root / REFERENCE
    images = [path for path, _ in expected_rows(root)]
    images += sorted((folder / "bridge-mods").glob("*.jpg"))
    images += sorted((folder / "reg-test-input" / "exif-rotn").glob("*.jpg"))
    images += sorted(p for p in (folder / "misc-images" / "modes").iterdir() if p.suffix != ".md")
    return images


@cache
def hashed(path: Path) -> FileFingerprint:
    result = fingerprint_file(path)
    assert result.pdq is not None, f"{path.name}: {result.error}"
    return result


def test_expected_hashes_within_10_bits_for_quality_80_and_up(
    shared_testdata: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    distances: Counter[int] = Counter()
    for path, expected in expected_rows(shared_testdata):
        result = hashed(path)
        assert result.pdq_quality is not None
        if result.pdq_quality < 80:
            continue
        distance = PdqSignal.distance(result.pdq or "", expected)
        distances[distance] += 1
        assert distance <= 10, f"{path.name}: {distance} bits from Meta's hash"
    with capsys.disabled():
        print(
            f"\nPDQ distance to Meta's expected hashes (bits: images): {sorted(distances.items())}"
        )
    assert sum(distances.values()) >= 10


def test_low_quality_images_report_their_quality(shared_testdata: Path) -> None:
    folder = shared_testdata / REFERENCE
    for name in ("misc-images/small.jpg", "reg-test-input/labelme-subset/q0003.jpg"):
        result = hashed(folder / name)
        assert result.pdq_quality is not None
        assert result.pdq_quality < 50
        assert not result.pdq_matchable


@pytest.mark.xfail(
    strict=True,
    reason="the four exif-rotn files are four different shots of one desk (different framing), "
    "not one picture: upright, they are 100+ bits apart, whoever hashes them",
)
def test_exif_rotations_hash_alike(shared_testdata: Path) -> None:
    folder = shared_testdata / REFERENCE / "reg-test-input" / "exif-rotn"
    hashes = {path.name: hashed(path).pdq or "" for path in sorted(folder.glob("*.jpg"))}
    assert len(hashes) == 4
    for left in hashes.values():
        for right in hashes.values():
            assert PdqSignal.distance(left, right) <= 10, hashes


def test_exif_orientation_is_applied_to_the_reference_photos(shared_testdata: Path) -> None:
    folder = shared_testdata / REFERENCE / "reg-test-input" / "exif-rotn"
    for path in sorted(folder.glob("*.jpg")):
        with Image.open(path) as image:
            orientation = image.getexif().get(0x0112)
            upright = ImageOps.exif_transpose(image)
            upright.thumbnail((512, 512), Image.Resampling.BOX)
            as_stored = image.copy()
            as_stored.thumbnail((512, 512), Image.Resampling.BOX)
        rgb = decode_rgb(path.read_bytes())
        assert rgb.shape[:2] == (upright.height, upright.width), path.name
        if orientation in (6, 8):
            assert rgb.shape[0] > rgb.shape[1], path.name  # portrait once turned
        ours = PdqSignal.compute(rgb).hex
        assert PdqSignal.distance(ours, PdqSignal.compute(np.asarray(upright)).hex) <= 10
        if orientation != 1:
            stored = PdqSignal.compute(np.asarray(as_stored.convert("RGB"))).hex
            assert PdqSignal.distance(ours, stored) > 40, path.name


def test_every_mode_file_hashes_close_to_the_original(shared_testdata: Path) -> None:
    folder = shared_testdata / REFERENCE / "misc-images" / "modes"
    original = hashed(folder / "original.jpg").pdq or ""
    checked = 0
    for path in sorted(folder.iterdir()):
        if path.suffix == ".md":
            continue
        if path.stat().st_size == 0:  # LAB.tiff is an empty file in the reference set
            result = fingerprint_file(path)
            assert result.pdq is None
            assert result.error == "empty file (0 bytes)"
            continue
        distance = PdqSignal.distance(hashed(path).pdq or "", original)
        assert distance <= 16, f"{path.name}: {distance} bits from original.jpg"
        checked += 1
    assert checked >= 13


def test_dihedral_hashes_match_the_rotated_and_flipped_files(shared_testdata: Path) -> None:
    folder = shared_testdata / REFERENCE / "reg-test-input" / "dih"
    files = sorted(folder.glob("bridge-*.jpg"))
    assert len(files) == len(DIHEDRAL_NAMES)
    original = fingerprint_file(files[0], dihedral=True)
    assert len(original.dihedral) == 8
    assert original.dihedral[0] == original.pdq
    # Hashes of the transformed files, and the 8 hashes computed from the original alone (PDQ's
    # DCT symmetries), are 0-18 bits apart here: well inside the matching distance (31), and
    # each is far from the other seven transforms.
    for number, transform in enumerate(original.dihedral):
        for other, path in enumerate(files):
            distance = PdqSignal.distance(transform, hashed(path).pdq or "")
            if other == number:
                assert distance <= 20, (DIHEDRAL_NAMES[number], path.name, distance)
            else:
                assert distance > 90, (DIHEDRAL_NAMES[number], path.name, distance)


# Known, measured deviation: Meta's hashes come from a picture first reduced to 512 px, as the
# fast path does (0–4 bits from Meta); the naive full decode differs from both by 12 bits on
# these two bridge rotations.
FAST_VS_FULL_OVER_10 = {"bridge-3-rotate-180.jpg", "bridge-8-flip-minus-1.jpg"}


@pytest.mark.slow
def test_fast_path_within_10_bits_of_full_decode(shared_testdata: Path) -> None:
    over: dict[str, int] = {}
    for path in reference_images(shared_testdata):
        if path.stat().st_size == 0:
            continue
        fast = hashed(path).pdq or ""
        full = fingerprint_file(path, limits=FULL_DECODE).pdq or ""
        distance = PdqSignal.distance(fast, full)
        if distance > 10:
            over[path.name] = distance
    assert set(over) <= FAST_VS_FULL_OVER_10, over
    assert all(distance <= 12 for distance in over.values()), over
