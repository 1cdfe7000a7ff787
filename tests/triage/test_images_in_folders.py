"""Disk images found as files of a folder (what an examiner is handed most often: a folder of
acquisitions) take the lean path's check and the full scan's opener like any container, and a
segment set (E01, E02, ...; x.001, x.002, ...) is read once, as one medium, from its first
segment: the later segments are not opened again on their own."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from tests.triage.conftest import Known, run_triage
from tests.triage.disk_fixtures import e01_segments, qemu_image, split_raw
from tests.triage.fixtures import fat_image, mbr_disk


@pytest.fixture(scope="module")
def disk(tmp_path_factory: pytest.TempPathFactory, known: Known) -> Path:
    folder = tmp_path_factory.mktemp("in-folders")
    volume = fat_image(folder / "v.raw", {"DCIM/a.jpg": known.image_a}, kb=4096)
    return mbr_disk(folder / "disk.raw", [(volume, 0x0C)])


def _matched(result: object) -> dict[str, str]:
    return {
        r.path: r.matches[0].category
        for r in result.all_records()  # type: ignore[attr-defined]
        if r.matches
    }


@pytest.mark.skipif(shutil.which("ewfacquirestream") is None, reason="needs ewf-tools")
def test_a_folder_of_acquisitions_reads_each_image_once(
    disk: Path, tmp_path: Path, known: Known
) -> None:
    folder = tmp_path / "acquisitions"
    e01 = e01_segments(disk, folder / "laptop", segment_bytes=1024 * 1024)
    assert len(e01) > 2
    split = split_raw(disk, folder, "usb", parts=3)
    qemu_image(disk, folder / "vm.qcow2", "qcow2")
    qemu_image(disk, folder / "vm.vmdk", "vmdk")
    shutil.copyfile(disk, folder / "laptop.img")  # a raw copy beside the E01 set: not a segment
    result = run_triage([folder], tmp_path / "out", known.config())
    assert _matched(result) == {
        "laptop.E01!/partition-1.1/DCIM/a.jpg": "A",
        "laptop.img!/partition-1.1/DCIM/a.jpg": "A",
        "usb.001!/partition-1.1/DCIM/a.jpg": "A",
        "vm.qcow2!/partition-1.1/DCIM/a.jpg": "A",
        "vm.vmdk!/partition-1.1/DCIM/a.jpg": "A",
    }
    assert [(e.path, e.kind, e.reason) for e in result.errors if e.severity == "error"] == []
    paths = {r.path for r in result.all_records()}
    later = [segment.name for segment in e01[1:] + split[1:]]
    assert not [p for p in paths if p.split("!")[0] in later and "!" in p]
    assert set(later) <= paths  # each segment is still hashed as a file of the folder


def test_a_later_split_segment_that_starts_with_a_file_system_is_not_opened_again(
    tmp_path: Path, known: Known
) -> None:
    """A set cut where the second partition starts: its second segment alone looks like a
    disk (a FAT boot sector), yet its files are found once, in the set."""
    first = fat_image(tmp_path / "p1.raw", {"one.txt": b"zebra-test-term 1\n"}, kb=1024)
    second = fat_image(tmp_path / "p2.raw", {"DCIM/a.jpg": known.image_a}, kb=1024)
    disk = mbr_disk(tmp_path / "card.raw", [(first, 0x0C), (second, 0x0C)]).read_bytes()
    cut = (2048 + 2048 + 2048) * 512  # partition 2 starts after partition 1 and a gap
    assert disk[cut + 3 : cut + 11] == b"mkfs.fat"
    folder = tmp_path / "set"
    folder.mkdir()
    (folder / "card.001").write_bytes(disk[:cut])
    (folder / "card.002").write_bytes(disk[cut:])
    result = run_triage([folder], tmp_path / "out", known.config())
    assert _matched(result) == {"card.001!/partition-1.2/DCIM/a.jpg": "A"}
    paths = {r.path for r in result.all_records()}
    assert "card.001!/partition-1.1/one.txt" in paths
    assert not [p for p in paths if p.startswith("card.002!")]
