"""A file is an image only once its header parses: random bytes that happen to start like a PPM,
SGI, PCX, BMP or ICO header are plain files (no `corrupt-image`, no `misleading-extension`),
while real images of those formats, and broken files of strong signatures, are still images."""

from __future__ import annotations

import io
import random
from pathlib import Path

import pytest
from PIL import Image

from netsafe.media import WEAK_SIGNATURES, sniff_format
from netsafe.signals.fingerprint import Fingerprinter
from netsafe.triage.pipeline import ExhibitPlan, triage_exhibit
from netsafe.triage.runners import InlineRunner
from netsafe.triage.scan_config import ScanConfig

#: First bytes of each weak signature, as random content could start.
WEAK_PREFIXES = {
    "PPM": [b"P1", b"P2", b"P3", b"P4", b"P5", b"P6", b"P7"],
    "SGI": [b"\x01\xda"],
    "PCX": [b"\x0a\x00", b"\x0a\x02", b"\x0a\x05"],
    "BMP": [b"BM"],
    "ICO": [b"\x00\x00\x01\x00"],
}


def _random_files(count: int, seed: int) -> list[bytes]:
    rng = random.Random(seed)
    files = []
    for _ in range(count):
        name = rng.choice(sorted(WEAK_PREFIXES))
        prefix = rng.choice(WEAK_PREFIXES[name])
        files.append(prefix + rng.randbytes(rng.choice([30, 200, 4000])))
    return files


def test_random_bytes_that_start_like_a_weak_signature_are_plain_files() -> None:
    fingerprinter = Fingerprinter()
    sniffed = 0
    for data in _random_files(3000, seed=14):
        sniffed += sniff_format(data[:32]) in WEAK_SIGNATURES
        fp, _ = fingerprinter.fingerprint(io.BytesIO(data), path="random.bin")
        assert fp.media_type is None, data[:16]
        assert fp.error is None, (fp.error, data[:16])
        assert fp.pdq is None
        assert fp.md5
    assert sniffed > 1000  # most of them pass the signature check: the header decides


def test_many_random_files_give_no_image_errors() -> None:
    rng = random.Random(20000)
    fingerprinter = Fingerprinter()
    for _ in range(30_000):
        data = rng.randbytes(64)
        fp, _ = fingerprinter.fingerprint(io.BytesIO(data), path="random.bin")
        assert fp.media_type is None, data[:16]
        assert fp.error is None, data[:16]


@pytest.mark.parametrize("fmt", ["PPM", "SGI", "PCX", "BMP", "ICO"])
def test_real_images_of_weak_formats_are_still_images(fmt: str) -> None:
    buffer = io.BytesIO()
    Image.new("RGB", (32, 24), (40, 90, 200)).save(buffer, fmt)
    fp, _ = Fingerprinter().fingerprint(io.BytesIO(buffer.getvalue()), path="x")
    assert fp.media_type is not None
    assert fp.pdq is not None
    assert fp.error is None


def test_a_real_ppm_cut_short_is_still_a_corrupt_image() -> None:
    buffer = io.BytesIO()
    Image.new("RGB", (64, 64), (40, 90, 200)).save(buffer, "PPM")
    fp, _ = Fingerprinter().fingerprint(io.BytesIO(buffer.getvalue()[:500]), path="x")
    assert fp.media_type is not None
    assert fp.error is not None
    assert "truncated" in fp.error


def test_triage_of_random_files_named_bin_reports_nothing(tmp_path: Path) -> None:
    root = tmp_path / "exhibit"
    root.mkdir()
    for number, data in enumerate(_random_files(400, seed=7)):
        (root / f"blob{number}.bin").write_bytes(data)
    plan = ExhibitPlan("TEST/RANDOM", (root,), tmp_path / "out")
    result = triage_exhibit(plan, InlineRunner(), ScanConfig(None))
    assert result.errors == []
    assert result.files_scanned == 400
    assert all(record.media_type is None for record in result.all_records())
