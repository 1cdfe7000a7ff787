"""NTFS and HFS+ file systems and RAR archives.

NTFS images are made by code with ntfs-3g (`mkntfs`, `ntfscp`: no mount needed). HFS+ needs
`mkfs.hfsplus` (hfsprogs), which Debian 12 does not package, and a mount to put files in: the
test skips, saying so, where the tool is missing. RAR cannot be written with free tools, so a tiny
benign RAR from libarchive's test suite is vendored (tests/triage/data/README.md).
"""

from __future__ import annotations

import hashlib
import shutil
import subprocess
from pathlib import Path

import pytest

from netsafe.categories import Category
from netsafe.triage.sources import open_source
from netsafe.triage.sources.disk_image import DiskImageSource
from tests.triage.conftest import Known, errors_of, run_triage
from tests.triage.fixtures import e01_image, mbr_disk, ntfs_image, text_file, zip_bytes
from tests.triage.known_hashes import KnownHashesFactory

RAR = Path(__file__).parent / "data" / "unicode.rar"
RAR_TEXT = "表だよ/漢字長いファイル名long-filename-in-漢字.txt"  # holds b"kanji"
RAR_EMPTY = "表だよ/新しいフォルダ/新規テキスト ドキュメント.txt"  # 0 bytes

needs_ntfs = pytest.mark.skipif(
    shutil.which("mkntfs") is None or shutil.which("ntfscp") is None,
    reason="ntfs-3g (mkntfs, ntfscp) is not installed: scripts/install-system-deps installs it",
)


def _matches(result: object) -> dict[str, str]:
    return {r.path: r.matches[0].category for r in result.records if r.matches}  # type: ignore[attr-defined]


@needs_ntfs
def test_ntfs_image_files_and_archive_members_are_matched(tmp_path: Path, known: Known) -> None:
    image = ntfs_image(
        tmp_path / "ntfs.img",
        {
            "a.jpg": known.image_a,
            "near.jpg": known.near_b,
            "notes.txt": text_file(3),
            "pics.zip": zip_bytes({"c.jpg": known.image_c}),
            "sys.dat": known.system_file,
        },
    )
    source = open_source(image, 0)
    assert isinstance(source, DiskImageSource)
    result = run_triage([image], tmp_path / "out", known.config())
    assert _matches(result) == {"/a.jpg": "A", "/near.jpg": "B", "/pics.zip!/c.jpg": "C"}
    records = {r.path: r for r in result.all_records()}
    assert records["/notes.txt"].sha256 == hashlib.sha256(text_file(3)).hexdigest()
    assert records["/sys.dat"].ignored
    assert not [p for p in records if p.startswith("/$")]  # NTFS metadata files left out
    assert [e for e in result.errors if e.severity == "error"] == []


@needs_ntfs
def test_ntfs_partition_of_an_e01_disk(tmp_path: Path, known: Known) -> None:
    volume = ntfs_image(tmp_path / "p1.img", {"c.jpg": known.image_c})
    disk = mbr_disk(tmp_path / "disk.dd", [(volume, 0x07)])
    e01 = e01_image(disk, tmp_path / "disk")
    result = run_triage([e01], tmp_path / "out", known.config())
    assert _matches(result) == {"/partition-1.1/c.jpg": "C"}
    verification = result.sources[0].verification
    assert verification is not None
    assert verification.verified is True


@pytest.mark.skipif(
    shutil.which("mkfs.hfsplus") is None,
    reason="mkfs.hfsplus (hfsprogs) is not installed; Debian 12 does not package it",
)
def test_hfsplus_volume_is_read(tmp_path: Path, known: Known) -> None:
    image = tmp_path / "hfs.img"
    with image.open("wb") as handle:
        handle.truncate(8 << 20)
    subprocess.run(["mkfs.hfsplus", "-v", "EXHIBIT", str(image)], check=True, capture_output=True)
    source = open_source(image, 0)
    assert isinstance(source, DiskImageSource)
    result = run_triage([image], tmp_path / "out", known.config())
    # files cannot be put in without a mount; an empty volume must open without errors
    assert [e for e in result.errors if e.severity == "error"] == []


def _rar_factory() -> KnownHashesFactory:
    return KnownHashesFactory(md5=((hashlib.md5(b"kanji").hexdigest(), Category.A),))


def test_rar_members_are_read_and_matched(tmp_path: Path, known: Known) -> None:
    root = tmp_path / "exhibit"
    root.mkdir()
    shutil.copy(RAR, root / "unicode.rar")
    (root / "outer.zip").write_bytes(zip_bytes({"inner/unicode.rar": RAR.read_bytes()}))
    (root / "cut.rar").write_bytes(RAR.read_bytes()[:200])
    config = known.config()
    config = type(config)(_rar_factory(), "rar", config.limits)
    result = run_triage([root], tmp_path / "out", config)
    assert _matches(result) == {
        f"unicode.rar!/{RAR_TEXT}": "A",
        f"outer.zip!/inner/unicode.rar!/{RAR_TEXT}": "A",
    }
    records = {r.path: r for r in result.all_records()}
    assert records[f"unicode.rar!/{RAR_EMPTY}"].size == 0
    errors = errors_of(result)
    assert errors[f"unicode.rar!/{RAR_EMPTY}"] == "empty-file"
    assert errors["cut.rar"] == "corrupt-archive"
