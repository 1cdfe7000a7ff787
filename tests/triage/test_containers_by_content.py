"""Sources and items recognised by content (issue 14 point 1): partition images with any name,
virtual disks (VHD, VHDX, VMDK, QCOW2), split raw and EWF segment sets, disk images inside
archives and inside other disk images, a zip given as the source, names that promise a disk
image the bytes are not. The Sleuth Kit's `fls` is the reference for what a file system holds."""

from __future__ import annotations

import io
import shutil
import subprocess
import tarfile
from pathlib import Path

import pytest

from netsafe.triage.sources import open_source
from netsafe.triage.sources.disk_image import DiskImageSource
from tests.triage.conftest import Known, errors_of, run_triage
from tests.triage.disk_fixtures import e01_segments, iso_image, qemu_image, split_raw
from tests.triage.fixtures import ext_image, fat_image, mbr_disk, text_file, zip_bytes


def _matched(result: object) -> dict[str, str]:
    return {
        r.path: r.matches[0].category
        for r in result.records  # type: ignore[attr-defined]
        if r.matches
    }


@pytest.fixture(scope="module")
def volume(tmp_path_factory: pytest.TempPathFactory, known: Known) -> Path:
    """A FAT file system with no partition table around it."""
    folder = tmp_path_factory.mktemp("volume")
    return fat_image(
        folder / "volume.raw",
        {"DCIM/a.jpg": known.image_a, "notes.txt": text_file(3)},
    )


@pytest.fixture(scope="module")
def disk(volume: Path) -> Path:
    """The same volume as partition 1 of an MBR disk."""
    return mbr_disk(volume.parent / "disk.raw", [(volume, 0x0C)])


def _fls_files(image: Path, offset_sectors: int = 0) -> set[str]:
    """Regular, allocated files by The Sleuth Kit's own `fls` (the reference)."""
    if shutil.which("fls") is None:
        pytest.skip("fls (sleuthkit) is not installed")
    args = ["fls", "-r", "-p", "-u", "-F"]
    if offset_sectors:
        args += ["-o", str(offset_sectors)]
    out = subprocess.run([*args, str(image)], check=True, capture_output=True, text=True).stdout
    return {"/" + line.split("\t", 1)[1] for line in out.splitlines() if line.startswith("r/r")}


@pytest.mark.parametrize("name", ["sdb1", "usb.image", "mac.dmg"])
def test_a_file_system_without_partition_table_is_a_disk_whatever_its_name(
    volume: Path, tmp_path: Path, known: Known, name: str
) -> None:
    source_path = tmp_path / name
    shutil.copyfile(volume, source_path)
    source = open_source(source_path, 0)
    assert isinstance(source, DiskImageSource)
    result = run_triage([source_path], tmp_path / "out", known.config())
    assert _matched(result) == {"/DCIM/a.jpg": "A"}
    assert {r.path for r in result.all_records()} == _fls_files(source_path)
    assert result.sources[0].kind == "raw"
    assert result.sources[0].files == 2


def test_ext4_partition_image_named_like_a_device_is_read(tmp_path: Path, known: Known) -> None:
    image = ext_image(tmp_path / "sdc2", {"home/a.jpg": known.image_a})
    result = run_triage([image], tmp_path / "out", known.config())
    assert _matched(result) == {"/home/a.jpg": "A"}


def test_iso9660_image_is_read(tmp_path: Path, known: Known) -> None:
    image = iso_image(tmp_path / "cd", {"pics/a.jpg": known.image_a})
    result = run_triage([image], tmp_path / "out", known.config())
    assert list(_matched(result).values()) == ["A"]


@pytest.mark.parametrize("kind", ["vhd", "vhdx", "vmdk", "qcow2"])
def test_virtual_disks_are_read_by_content(
    disk: Path, tmp_path: Path, known: Known, kind: str
) -> None:
    image = qemu_image(disk, tmp_path / f"exhibit.{kind}", kind)
    renamed = tmp_path / "exhibit-no-extension"
    image.rename(renamed)  # recognised by its bytes, not its name
    result = run_triage([renamed], tmp_path / "out", known.config())
    assert _matched(result) == {"/partition-1.1/DCIM/a.jpg": "A"}
    assert result.sources[0].kind == kind
    assert result.sources[0].verification is not None
    # qemu-img rounds a VHD up to whole cylinders
    assert result.sources[0].verification.media_size >= disk.stat().st_size


@pytest.mark.parametrize(("lettered", "first"), [(False, 1), (False, 0), (True, 0)])
def test_split_raw_set_is_every_segment_in_order(
    disk: Path, tmp_path: Path, known: Known, lettered: bool, first: int
) -> None:
    segments = split_raw(disk, tmp_path / "set", "exhibit", lettered=lettered, parts=4, first=first)
    result = run_triage([segments[0]], tmp_path / "out", known.config())
    assert _matched(result) == {"/partition-1.1/DCIM/a.jpg": "A"}
    summary = result.sources[0]
    assert summary.kind == "split-raw"
    assert summary.verification is not None
    assert summary.verification.media_size == disk.stat().st_size
    import hashlib

    assert summary.verification.computed_md5 == hashlib.md5(disk.read_bytes()).hexdigest()


def test_split_raw_with_a_missing_segment_names_it(
    disk: Path, tmp_path: Path, known: Known
) -> None:
    segments = split_raw(disk, tmp_path / "set", "exhibit", parts=4)
    segments[2].unlink()
    result = run_triage([segments[0]], tmp_path / "out", known.config())
    assert [(e.kind, e.reason) for e in result.errors] == [
        ("missing-segment", "split raw segment missing: exhibit.003")
    ]
    assert result.records == []


def test_ewf_segment_set_is_read_whole_and_a_missing_segment_is_named(
    disk: Path, tmp_path: Path, known: Known
) -> None:
    segments = e01_segments(disk, tmp_path / "set" / "exhibit")
    assert len(segments) > 3
    whole = run_triage([segments[0]], tmp_path / "out", known.config())
    assert _matched(whole) == {"/partition-1.1/DCIM/a.jpg": "A"}
    assert whole.sources[0].verification is not None
    assert whole.sources[0].verification.verified is True
    segments[1].unlink()
    broken = run_triage([segments[0]], tmp_path / "out2", known.config())
    assert [(e.kind, e.reason) for e in broken.errors] == [
        ("missing-segment", "EWF segment missing: exhibit.E02")
    ]


def test_disk_images_inside_archives_and_folders_are_opened(
    disk: Path, volume: Path, tmp_path: Path, known: Known
) -> None:
    folder = tmp_path / "exhibit"
    folder.mkdir()
    (folder / "disk.zip").write_bytes(zip_bytes({"images/disk.raw": disk.read_bytes()}))
    vhd = qemu_image(disk, tmp_path / "image.vhd", "vhd")
    with tarfile.open(folder / "image.vhd.tar", "w") as tar:
        tar.add(vhd, arcname="image.vhd")
    shutil.copyfile(volume, folder / "loose-volume.bin")
    result = run_triage([folder], tmp_path / "out", known.config())
    assert _matched(result) == {
        "disk.zip!/images/disk.raw!/partition-1.1/DCIM/a.jpg": "A",
        "image.vhd.tar!/image.vhd!/partition-1.1/DCIM/a.jpg": "A",
        "loose-volume.bin!/DCIM/a.jpg": "A",
    }
    assert not [e for e in result.errors if e.severity == "error"]


def test_a_disk_image_inside_a_disk_image_is_opened(
    disk: Path, tmp_path: Path, known: Known
) -> None:
    outer = fat_image(tmp_path / "outer.raw", {"backup/inner.raw": disk.read_bytes()}, kb=16384)
    result = run_triage([outer], tmp_path / "out", known.config())
    assert _matched(result) == {"/backup/inner.raw!/partition-1.1/DCIM/a.jpg": "A"}


def test_nested_disk_images_obey_the_archive_depth(
    disk: Path, tmp_path: Path, known: Known
) -> None:
    from netsafe.triage.limits import ArchiveLimits

    folder = tmp_path / "exhibit"
    folder.mkdir()
    (folder / "disk.zip").write_bytes(zip_bytes({"disk.raw": disk.read_bytes()}))
    result = run_triage([folder], tmp_path / "out", known.config(ArchiveLimits(max_depth=1)))
    assert _matched(result) == {}
    assert "disk.zip!/disk.raw" in {r.path for r in result.all_records()}


def test_a_zip_given_as_the_source_reports_its_kind(tmp_path: Path, known: Known) -> None:
    archive = tmp_path / "phone-dump.zip"
    archive.write_bytes(zip_bytes({"a.jpg": known.image_a, "b.txt": text_file(2)}))
    result = run_triage([archive], tmp_path / "out", known.config())
    assert result.sources[0].kind == "zip"
    assert _matched(result) == {"phone-dump.zip!/a.jpg": "A"}


@pytest.mark.parametrize("name", ["exhibit.E01", "exhibit.vmdk", "exhibit.dd", "exhibit.001"])
def test_a_file_named_like_a_disk_image_that_is_none_is_scanned_and_reported(
    tmp_path: Path, known: Known, name: str
) -> None:
    path = tmp_path / name
    path.write_bytes(text_file(5, size=8192))
    result = run_triage([path], tmp_path / "out", known.config())
    assert errors_of(result) == {".": "not-a-disk-image"}
    assert [r.path for r in result.all_records()] == [name]
    assert result.sources[0].kind == "file"


def test_a_plain_file_source_is_kind_file_with_no_warning(tmp_path: Path, known: Known) -> None:
    path = tmp_path / "notes.bin"
    path.write_bytes(io.BytesIO(text_file(6)).read())
    result = run_triage([path], tmp_path / "out", known.config())
    assert result.errors == []
    assert result.sources[0].kind == "file"


def test_an_exfat_volume_lists_no_metadata_files(tmp_path: Path, known: Known) -> None:
    from tests.triage.disk_fixtures import exfat_image

    image = exfat_image(tmp_path / "card")
    assert isinstance(open_source(image, 0), DiskImageSource)
    result = run_triage([image], tmp_path / "out", known.config())
    assert result.all_records() == []  # $ALLOC_BITMAP and $UPCASE_TABLE are not user files
    assert result.sources[0].kind == "raw"
