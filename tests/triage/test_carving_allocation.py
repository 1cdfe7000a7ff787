"""A file system's unallocated runs (`netsafe.triage.carving.allocation`) read from its own
allocation map, checked byte for byte against The Sleuth Kit's `blkls` (which prints exactly
the unallocated blocks) on FAT12, FAT16, FAT32, ext4 and NTFS images made by code."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest
import pytsk3

from netsafe.triage.carving.allocation import unallocated_runs
from netsafe.triage.carving.space import RunSpace
from tests.triage.fixtures import ext_image, ntfs_image, photo_jpeg, text_file

pytestmark = pytest.mark.skipif(
    shutil.which("blkls") is None, reason="sleuthkit (blkls) is not installed"
)
FILES = {"a.jpg": photo_jpeg(1, 384), "b.jpg": photo_jpeg(2, 256), "c.txt": text_file(3, 9000)}


def _fat(path: Path, bits: int, kb: int) -> Path:
    subprocess.run(
        ["mkfs.vfat", "-F", str(bits), "-C", str(path), str(kb)], check=True, capture_output=True
    )
    for name, data in FILES.items():
        local = path.parent / name
        local.write_bytes(data)
        subprocess.run(["mcopy", "-i", str(path), str(local), f"::{name}"], check=True)
    subprocess.run(["mdel", "-i", str(path), "::a.jpg"], check=True)
    return path


def _same_as_blkls(image: Path) -> int:
    img = pytsk3.Img_Info(str(image))
    fs = pytsk3.FS_Info(img)
    runs = unallocated_runs(fs, img.read, 0)
    assert runs is not None
    space = RunSpace(img.read, runs)
    expected = subprocess.run(["blkls", str(image)], check=True, capture_output=True).stdout
    assert space.size == len(expected)
    assert space.read(0, space.size) == expected
    return len(runs)


@pytest.mark.parametrize(("bits", "kb"), [(12, 4096), (16, 20480), (32, 40960)])
def test_fat_unallocated_runs_match_blkls(tmp_path: Path, bits: int, kb: int) -> None:
    assert _same_as_blkls(_fat(tmp_path / f"fat{bits}.img", bits, kb)) >= 2


def test_ext4_unallocated_runs_match_blkls(tmp_path: Path) -> None:
    image = ext_image(tmp_path / "ext.img", FILES, delete=("a.jpg",), mb=16)
    assert _same_as_blkls(image) >= 2


@pytest.mark.skipif(shutil.which("mkntfs") is None, reason="ntfs-3g is not installed")
def test_ntfs_unallocated_runs_match_blkls(tmp_path: Path) -> None:
    assert _same_as_blkls(ntfs_image(tmp_path / "ntfs.img", FILES)) >= 2
