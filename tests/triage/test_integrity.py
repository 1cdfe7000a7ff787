"""Integrity (issue 14 point 5): EWF chunk checksum errors named with their sectors (ewfverify is
the reference) in errors.csv, summary.json and the report, never "verified"; missing segments
named; a source that yielded nothing makes `netsafe triage` exit 1. Encrypted volumes are
reported by scheme and opened with `--key`."""

from __future__ import annotations

import csv
import json
import shutil
import struct
from pathlib import Path

import pytest

from netsafe.reports.triage_reports import ReportSink
from netsafe.triage.items import EncryptedVolume
from netsafe.triage.openers.interfaces import KeyRing
from netsafe.triage.scan_config import ScanConfig
from tests.triage.conftest import Known, run_triage
from tests.triage.disk_fixtures import (
    APPLE_CORE_STORAGE,
    EFI_SYSTEM,
    core_storage_header,
    e01_segments,
    gpt_disk,
    luks_image,
)
from tests.triage.fixtures import fat_image, mbr_disk

pytestmark = pytest.mark.skipif(shutil.which("ewfverify") is None, reason="needs ewf-tools")


@pytest.fixture(scope="module")
def disk(tmp_path_factory: pytest.TempPathFactory, known: Known) -> Path:
    folder = tmp_path_factory.mktemp("integrity")
    volume = fat_image(folder / "v.raw", {"DCIM/a.jpg": known.image_a})
    return mbr_disk(folder / "disk.raw", [(volume, 0x0C)])


def _corrupt_e01(disk: Path, folder: Path, known: Known) -> Path:
    """An uncompressed E01 of `disk` with one byte of the picture's chunk flipped."""
    (e01,) = e01_segments(disk, folder / "exhibit", segment_bytes=64 * 1024 * 1024)
    data = bytearray(e01.read_bytes())
    position = data.find(known.image_a[2000:2064])
    assert position > 0
    data[position + 7] ^= 0xFF
    e01.write_bytes(bytes(data))
    return e01


def test_a_chunk_checksum_error_is_named_and_the_source_is_not_verified(
    disk: Path, tmp_path: Path, known: Known
) -> None:
    e01 = _corrupt_e01(disk, tmp_path, known)
    result = run_triage([e01], tmp_path / "out", known.config())
    verification = result.sources[0].verification
    assert verification is not None
    assert verification.verified is False
    assert len(verification.bad_sectors) == 1
    first, last = verification.bad_sectors[0]
    raw = disk.read_bytes()
    picture_sector = raw.find(known.image_a[2000:2064]) // 512
    assert first <= picture_sector <= last
    assert f"CHECKSUM ERRORS in {last - first + 1} sectors ({first}-{last})" in verification.detail
    kinds = {e.kind: e.reason for e in result.errors if e.path == "."}
    assert f"sectors {first}-{last}" in kinds["checksum-error"]
    assert "hash-mismatch" in kinds  # libewf's zeros change the media's MD5 too

    ReportSink(tmp_path / "out", pdf=False).write(result)
    summary = json.loads((tmp_path / "out" / "summary.json").read_text())
    assert summary["sources"][0]["verification"]["bad_sectors"] == [[first, last]]
    assert summary["sources"][0]["verification"]["verified"] is False
    with (tmp_path / "out" / "errors.csv").open() as handle:
        rows = list(csv.DictReader(handle))
    assert any(r["kind"] == "checksum-error" and f"{first}-{last}" in r["reason"] for r in rows)
    report = (tmp_path / "out" / "report.html").read_text()
    assert f"CHECKSUM ERRORS in {last - first + 1} sectors" in report


def test_a_clean_e01_is_verified(disk: Path, tmp_path: Path, known: Known) -> None:
    (e01,) = e01_segments(disk, tmp_path / "clean", segment_bytes=64 * 1024 * 1024)
    result = run_triage([e01], tmp_path / "out", known.config())
    verification = result.sources[0].verification
    assert verification is not None
    assert (verification.verified, verification.bad_sectors) == (True, ())
    assert verification.detail == "stored MD5 matches the media"


def test_a_missing_last_ewf_segment_is_named(disk: Path, tmp_path: Path, known: Known) -> None:
    segments = e01_segments(disk, tmp_path / "set" / "exhibit")
    segments[-1].unlink()
    result = run_triage([segments[0]], tmp_path / "out", known.config())
    missing = segments[-1].name
    assert [(e.kind, e.reason) for e in result.errors] == [
        ("missing-segment", f"EWF segment missing: {missing}")
    ]
    assert result.sources[0].unread == f"missing-segment: EWF segment missing: {missing}"
    assert result.summary()["sources_unread"] == [str(segments[0])]


def test_an_empty_folder_is_not_unread(tmp_path: Path, known: Known) -> None:
    (tmp_path / "empty").mkdir()
    result = run_triage([tmp_path / "empty"], tmp_path / "out", known.config())
    assert result.sources[0].unread == ""


@pytest.mark.slow
def test_a_luks_volume_is_reported_then_opened_with_its_key(
    disk: Path, tmp_path: Path, known: Known
) -> None:
    volume = fat_image(tmp_path / "v.raw", {"DCIM/a.jpg": known.image_a})
    image = luks_image(volume, tmp_path / "usb.img", "zebra-pass-1")
    locked = run_triage([image], tmp_path / "out1", known.config())
    assert [(e.kind, e.reason) for e in locked.errors] == [
        (
            "encrypted-volume",
            "the medium: LUKS encrypted volume; needs a password or recovery key "
            "(--key SOURCE=@file or SOURCE=-)",
        )
    ]
    assert locked.sources[0].unread
    wrong = ScanConfig(known.factory, "known", keys=KeyRing({"usb.img": "zebra-wrong"}))
    refused = run_triage([image], tmp_path / "out2", wrong)
    assert [e.reason for e in refused.errors] == [
        "the medium: LUKS encrypted volume; the key given did not unlock it"
    ]
    right = ScanConfig(known.factory, "known", keys=KeyRing({"usb.img": "zebra-pass-1"}))
    opened = run_triage([image], tmp_path / "out3", right)
    matched = {r.path: r.matches[0].category for r in opened.records if r.matches}
    assert matched == {"/DCIM/a.jpg": "A"}
    assert "zebra-pass-1" not in repr(right)
    assert [r.sources[0].encrypted for r in (locked, refused, opened)] == [
        (EncryptedVolume("", "LUKS", False),),
        (EncryptedVolume("", "LUKS", False),),
        (EncryptedVolume("", "LUKS", True),),
    ]


def test_a_bitlocker_volume_is_named_not_no_file_system(tmp_path: Path, known: Known) -> None:
    """A BitLocker volume header as libbde's format documentation describes it: the boot
    sector's OEM name is `-FVE-FS-`."""
    header = bytearray(512)
    header[0:3] = b"\xeb\x58\x90"
    header[3:11] = b"-FVE-FS-"
    struct.pack_into("<H", header, 11, 512)
    header[510:512] = b"\x55\xaa"
    volume = tmp_path / "volume.bin"
    volume.write_bytes(bytes(header) + b"\x5a" * (4 * 1024 * 1024 - 512))
    disk = mbr_disk(tmp_path / "laptop.raw", [(volume, 0x07)])
    result = run_triage([disk], tmp_path / "out", known.config())
    assert [(e.path, e.kind) for e in result.errors] == [("/partition-1.1", "encrypted-volume")]
    assert "BitLocker encrypted volume; needs a password or recovery key" in result.errors[0].reason


def test_a_filevault_volume_is_named(tmp_path: Path, known: Known) -> None:
    """A Core Storage physical volume header (libfvde's documentation: `CS` at byte 88, format
    version 1, its CRC-32C), which libfvde's own signature check accepts. A volume made on
    macOS is checked in test_filevault_published.py."""
    import io

    import pyfvde

    header = core_storage_header()
    assert pyfvde.check_volume_signature_file_object(io.BytesIO(header))
    volume = tmp_path / "volume.bin"
    volume.write_bytes(bytes(header) + b"\x5a" * (4 * 1024 * 1024 - 4096))
    disk = mbr_disk(tmp_path / "imac.raw", [(volume, 0xAF)])
    result = run_triage([disk], tmp_path / "out", known.config())
    assert [(e.path, e.kind) for e in result.errors] == [("/partition-1.1", "encrypted-volume")]
    assert result.errors[0].reason == (
        "/partition-1.1 (Mac OS X HFS (0xaf)): FileVault encrypted volume; NetSafe does not open "
        "FileVault 2 (Core Storage) volumes, with or without a key: decrypt it with another "
        "tool (e.g. libfvde's fvdemount) and triage the decrypted volume"
    )


def test_a_mac_disk_with_a_core_storage_partition_names_it_filevault(
    tmp_path: Path, known: Known
) -> None:
    """How a Mac (10.7-10.15) lays out a FileVault 2 disk: GPT, an EFI system partition, then a
    partition of type Apple Core Storage holding the Core Storage volume."""
    efi = fat_image(tmp_path / "efi.raw", {"EFI/readme.txt": b"zebra-test-term"})
    volume = tmp_path / "volume.bin"
    volume.write_bytes(core_storage_header() + b"\x5a" * (4 * 1024 * 1024 - 4096))
    disk = gpt_disk(
        tmp_path / "macbook.raw",
        [(efi, EFI_SYSTEM, "EFI System Partition"), (volume, APPLE_CORE_STORAGE, "Macintosh HD")],
    )
    result = run_triage([disk], tmp_path / "out", known.config())
    assert [(e.path, e.kind) for e in result.errors] == [("/partition-1.2", "encrypted-volume")]
    assert result.errors[0].reason.startswith("/partition-1.2 (Macintosh HD): FileVault encrypted")
    source = result.sources[0]
    assert (source.files, source.bytes, source.unread) == (1, 15, "")  # the EFI partition's file
    assert source.encrypted == (EncryptedVolume("/partition-1.2", "FileVault", False),)


def test_an_ex01_libewf_cannot_open_is_an_error_and_the_source_unread(
    tmp_path: Path, known: Known
) -> None:
    """An EWF2 file header (libewf's EWF2 format description: signature, version 2.1) over bytes
    libewf cannot read is reported, never skipped. A readable Ex01 is test_ex01.py's."""
    header = b"EVF2\x0d\x0a\x81\x00" + bytes([2, 1]) + struct.pack("<HI", 1, 1) + bytes(16)
    image = tmp_path / "laptop.Ex01"
    image.write_bytes(header + bytes(range(256)) * 64)
    result = run_triage([image], tmp_path / "out", known.config())
    assert [(e.kind, e.severity) for e in result.errors] == [("corrupt-image", "error")]
    assert "cannot open the EWF image laptop.Ex01" in result.errors[0].reason
    assert result.sources[0].unread
    assert result.summary()["sources_unread"] == [str(image)]
