"""Carving disk images end to end: a benign picture whose directory entry was deleted and then
overwritten is found only by carving the file system's unallocated space, hashed and matched
(MD5, PDQ) like a file, named by volume and byte offset and flagged `carved`; pictures in a
disk's unpartitioned space too; `--no-carve` (plan.carve False) turns it off."""

from __future__ import annotations

import dataclasses
import io
import shutil
import subprocess
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from netsafe.triage.pipeline import ExhibitPlan, triage_exhibit
from netsafe.triage.result import TriageResult
from netsafe.triage.runners import InlineRunner
from netsafe.triage.scan_config import ScanConfig
from tests.triage.conftest import Known, md5
from tests.triage.fixtures import ext_image, mbr_disk, text_file, zip_bytes

needs_tools = pytest.mark.skipif(
    shutil.which("mcopy") is None or shutil.which("debugfs") is None,
    reason="mtools and e2fsprogs are needed (scripts/install-system-deps)",
)


def _png(seed: int) -> bytes:
    pixels = (np.random.default_rng(seed).random((48, 64, 3)) * 255).astype(np.uint8)
    buffer = io.BytesIO()
    Image.fromarray(pixels).save(buffer, "PNG")
    return buffer.getvalue()


def _fat_with_overwritten_entries(path: Path, pictures: dict[str, bytes]) -> Path:
    """A FAT volume where each picture was copied in, deleted, and its directory entry then
    reused by an empty file (so no entry, live or deleted, names it any more)."""
    subprocess.run(["mkfs.vfat", "-C", str(path), "8192"], check=True, capture_output=True)
    staging = path.parent / "staging"
    staging.mkdir(exist_ok=True)
    (staging / "KEEP.TXT").write_bytes(text_file(1))
    subprocess.run(["mcopy", "-i", str(path), str(staging / "KEEP.TXT"), "::KEEP.TXT"], check=True)
    for name, data in pictures.items():
        (staging / name).write_bytes(data)
        subprocess.run(["mcopy", "-i", str(path), str(staging / name), f"::{name}"], check=True)
    for index, name in enumerate(pictures):
        subprocess.run(["mdel", "-i", str(path), f"::{name}"], check=True)
        empty = staging / f"E{index}.TXT"
        empty.write_bytes(b"")
        subprocess.run(["mcopy", "-i", str(path), str(empty), f"::E{index}.TXT"], check=True)
    listing = subprocess.run(["fls", "-r", "-d", str(path)], capture_output=True, text=True)
    assert not any(name.split(".")[0] in listing.stdout for name in pictures)  # entries gone
    return path


def _triage(image: Path, out: Path, known: Known, *, carve: bool = True) -> TriageResult:
    plan = ExhibitPlan("TEST/CARVE/1", (image,), out, case="TEST-CASE", carve=carve)
    config: ScanConfig = known.config()
    return triage_exhibit(plan, InlineRunner(), config)


@needs_tools
def test_a_picture_whose_entry_was_overwritten_is_carved_and_matched(
    tmp_path: Path, known: Known
) -> None:
    volume = _fat_with_overwritten_entries(
        tmp_path / "fat.img", {"A.JPG": known.image_a, "B.JPG": known.near_b}
    )
    disk = mbr_disk(tmp_path / "disk.dd", [(volume, 0x06)])
    unpartitioned = _png(5)
    with disk.open("r+b") as handle:  # a picture between the MBR and the first partition
        handle.seek(1024 * 512)
        handle.write(unpartitioned)
    result = _triage(disk, tmp_path / "out", known)
    carved = {r.path: r for r in result.records if r.carved}
    by_md5 = {r.md5: r for r in carved.values()}
    assert set(by_md5) == {md5(known.image_a), md5(known.near_b), md5(unpartitioned)}
    a, b = by_md5[md5(known.image_a)], by_md5[md5(known.near_b)]
    assert a.path.startswith("/partition-1.1/$unallocated@0x")
    assert a.path.endswith(".jpg")
    assert [(m.category, m.signal) for m in a.matches] == [("A", "md5")]
    assert [(m.category, m.signal) for m in b.matches] == [("B", "pdq")]
    assert by_md5[md5(unpartitioned)].path == "/$unpartitioned@0x80000.png"
    offset = int(a.path.split("@")[1].split(".")[0], 16)
    data = volume.read_bytes()[offset : offset + len(known.image_a)]
    assert data == known.image_a  # the offset is the picture's place in its volume
    every = result.all_records()  # (a disk image's plain files are columns, like a folder's)
    assert not [r for r in every if not r.carved and r.md5 == md5(known.image_a)]
    assert result.sources[0].files == len([r for r in every if not r.carved])
    assert result.summary()["carved_files_scanned"] == 3
    assert {(f.path, f.carved) for f in result.findings()} == {(a.path, True), (b.path, True)}
    assert [e for e in result.errors if e.severity == "error"] == []

    off = _triage(disk, tmp_path / "off", known, carve=False)
    assert not [r for r in off.all_records() if r.carved]
    assert not [r for r in off.all_records() if r.md5 == md5(known.image_a)]


@needs_tools
def test_ext4_picture_with_its_inode_cleared_is_carved(tmp_path: Path, known: Known) -> None:
    image = ext_image(tmp_path / "ext.img", {"keep.txt": text_file(2), "c.jpg": known.image_c})
    inode = (
        subprocess.run(
            ["debugfs", "-R", "stat /c.jpg", str(image)], check=True, capture_output=True, text=True
        )
        .stdout.split("Inode: ")[1]
        .split()[0]
    )
    for command in ("rm /c.jpg", f"clri <{inode}>"):
        subprocess.run(["debugfs", "-w", "-R", command, str(image)], check=True)
    result = _triage(image, tmp_path / "out", known)
    found = [r for r in result.records if r.md5 == md5(known.image_c)]
    assert [(r.carved, r.matches[0].category) for r in found] == [(True, "C")]
    assert found[0].path.startswith("/$unallocated@0x")


def test_record_json_keeps_the_carved_flag(tmp_path: Path, known: Known) -> None:
    from netsafe.triage.items import FileRecord

    record = FileRecord("s", "/$unallocated@0x0.jpg", 1, "a", "b", "c", carved=True)
    assert FileRecord.from_json(record.to_json()) == record
    assert dataclasses.replace(record, carved=False).to_json()["carved"] is False


@needs_tools
def test_a_partition_without_a_file_system_is_carved_whole(tmp_path: Path, known: Known) -> None:
    volume = _fat_with_overwritten_entries(tmp_path / "fat.img", {})
    wiped = tmp_path / "wiped.img"  # a partition whose file system is gone: zeros and a picture
    picture = _png(9)
    with wiped.open("wb") as handle:
        handle.truncate(2 << 20)
        handle.seek(0x30000)
        handle.write(picture)
    disk = mbr_disk(tmp_path / "disk.dd", [(volume, 0x06), (wiped, 0x83)])
    result = _triage(disk, tmp_path / "out", known)
    carved = [(r.path, r.md5) for r in result.records if r.carved]
    assert carved == [("/partition-1.2/$unread@0x30000.png", md5(picture))]
    assert ("/partition-1.2", "no-file-system") in {(e.path, e.kind) for e in result.errors}


@needs_tools
def test_a_disk_image_inside_a_zip_is_carved_too(tmp_path: Path, known: Known) -> None:
    volume = _fat_with_overwritten_entries(tmp_path / "fat.img", {"A.JPG": known.image_a})
    exhibit = tmp_path / "exhibit"
    exhibit.mkdir()
    (exhibit / "backup.zip").write_bytes(zip_bytes({"card.img": volume.read_bytes()}))
    result = _triage(exhibit, tmp_path / "out", known)
    carved = [r for r in result.records if r.carved]
    assert [(r.md5, r.matches[0].category) for r in carved] == [(md5(known.image_a), "A")]
    assert carved[0].path.startswith("backup.zip!/card.img!/$unallocated@0x")
    off = _triage(exhibit, tmp_path / "off", known, carve=False)
    assert not [r for r in off.all_records() if r.carved or r.md5 == md5(known.image_a)]
