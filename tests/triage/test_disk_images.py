"""Disk images: raw and E01, FAT and ext file systems, MBR partitions, deleted files, and
truncated or corrupt images — all built by code with dosfstools/mtools, e2fsprogs and ewf-tools."""

from __future__ import annotations

from pathlib import Path

import pytest

from netsafe.triage.sources import open_source
from netsafe.triage.sources.disk_image import DiskImageSource
from tests.triage.conftest import Known, run_triage
from tests.triage.fixtures import e01_image, ext_image, fat_image, mbr_disk, text_file, zip_bytes


def _matches(result: object) -> dict[str, tuple[str, bool]]:
    return {
        r.path: (r.matches[0].category, r.deleted)
        for r in result.records  # type: ignore[attr-defined]
        if r.matches
    }


@pytest.fixture(scope="module")
def fat(tmp_path_factory: pytest.TempPathFactory, known: Known) -> Path:
    folder = tmp_path_factory.mktemp("fat")
    return fat_image(
        folder / "fat.img",
        {
            "DCIM/a.jpg": known.image_a,
            "DCIM/near.jpg": known.near_b,
            "docs/notes.txt": text_file(3),
            "docs/pics.zip": zip_bytes({"c.jpg": known.image_c}),
            "gone.jpg": known.image_c,
            "sys.dat": known.system_file,
        },
        delete=("gone.jpg",),
    )


def test_fat_image_files_deleted_file_and_archive_members_are_matched(
    fat: Path, tmp_path: Path, known: Known
) -> None:
    assert isinstance(open_source(fat, 0), DiskImageSource)
    result = run_triage([fat], tmp_path / "out", known.config())
    matches = _matches(result)
    deleted = [p for p in matches if p.endswith(".jpg") and matches[p][1]]
    assert len(deleted) == 1  # FAT keeps the entry with its first letter overwritten
    assert matches.pop(deleted[0]) == ("C", True)
    assert matches == {
        "/DCIM/a.jpg": ("A", False),
        "/DCIM/near.jpg": ("B", False),
        "/docs/pics.zip!/c.jpg": ("C", False),
    }
    ignored = [r.path for r in result.records if r.ignored]
    assert ignored == ["/sys.dat"]
    verification = result.sources[0].verification
    assert verification is not None
    assert verification.image_format == "raw"
    assert verification.verified is None
    assert verification.computed_md5


def test_ext4_deleted_inode_is_recovered_and_flagged(tmp_path: Path, known: Known) -> None:
    image = ext_image(
        tmp_path / "ext.img",
        {"home/user/a.jpg": known.image_a, "home/user/keep.txt": b"keep", "del.jpg": known.image_c},
        delete=("del.jpg",),
    )
    result = run_triage([image], tmp_path / "out", known.config())
    assert _matches(result) == {"/home/user/a.jpg": ("A", False), "/del.jpg": ("C", True)}


def test_e01_is_verified_against_its_stored_md5_and_triaged(
    fat: Path, tmp_path: Path, known: Known
) -> None:
    e01 = e01_image(fat, tmp_path / "exhibit")
    result = run_triage([e01], tmp_path / "out", known.config())
    verification = result.sources[0].verification
    assert verification is not None
    assert verification.image_format == "e01"
    assert verification.verified is True
    assert verification.stored_md5 == verification.computed_md5
    assert result.sources[0].kind == "e01"
    raw = run_triage([fat], tmp_path / "raw-out", known.config())
    assert _matches(result) == _matches(raw)
    assert [(r.path, r.sha256) for r in result.all_records()] == [
        (r.path, r.sha256) for r in raw.all_records()
    ]


def test_partitions_of_an_mbr_disk_are_each_walked(tmp_path: Path, known: Known) -> None:
    first = fat_image(tmp_path / "p1.img", {"a.jpg": known.image_a})
    second = ext_image(tmp_path / "p2.img", {"c.jpg": known.image_c})
    disk = mbr_disk(tmp_path / "disk.dd", [(first, 0x06), (second, 0x83)])
    result = run_triage([disk], tmp_path / "out", known.config())
    assert _matches(result) == {
        "/partition-1.1/a.jpg": ("A", False),  # table 1, slot 1
        "/partition-1.2/c.jpg": ("C", False),
    }


def test_truncated_and_corrupt_images_are_errors_and_the_triage_finishes(
    fat: Path, tmp_path: Path, known: Known
) -> None:
    data = fat.read_bytes()
    e01 = e01_image(fat, tmp_path / "whole").read_bytes()
    (tmp_path / "cut.E01").write_bytes(e01[: len(e01) // 3])
    (tmp_path / "garbage.dd").write_bytes(bytes(range(256)) * 64)
    (tmp_path / "head.img").write_bytes(data[:8192])  # boot sector and FAT only
    (tmp_path / "cut.img").write_bytes(data[:40000])  # root folder, but most data cut off
    (tmp_path / "fine.jpg").write_bytes(known.image_a)
    sources = [tmp_path / n for n in ("cut.E01", "garbage.dd", "head.img", "cut.img", "fine.jpg")]
    result = run_triage(sources, tmp_path / "out", known.config())
    by_source = {}
    for error in result.errors:
        by_source.setdefault(Path(error.source).name, set()).add(error.kind)
    # named like a disk image, but none: scanned as a file, and errors.csv says so
    assert by_source["garbage.dd"] == {"not-a-disk-image"}
    assert by_source["cut.E01"] & {"corrupt-image", "no-file-system", "unreadable"}
    # cut short: said so from the file system's own size, and what could not be read
    assert by_source["head.img"] == {"truncated-volume", "corrupt-file-system"}
    assert by_source["cut.img"] == {"truncated-volume", "corrupt-file-system", "unreadable"}
    cut = {e.source.rsplit("/", 1)[-1]: e for e in result.errors if e.kind == "truncated-volume"}
    assert cut["head.img"].reason == (
        f"the medium: truncated: the FAT volume claims {len(data):,} bytes, the image holds "
        "8,192 of them; what lies past its end cannot be read"
    )
    assert _matches(result)["fine.jpg"] == ("A", False)
