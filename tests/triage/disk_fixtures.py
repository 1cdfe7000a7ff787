"""Disk images of every format the opener registry reads, made by code from a raw image:
qemu-img (VHD, VHDX, VMDK, QCOW2, LUKS), split (split raw sets), ewfacquirestream (EWF segment
sets), mkfs.exfat and genisoimage (file systems without a partition table); GPT partition tables
written by code from the UEFI specification (no partitioning tool is needed)."""

from __future__ import annotations

import shutil
import struct
import subprocess
import uuid
import zlib
from pathlib import Path

import pytest

QEMU_FORMATS = {"vhd": "vpc", "vhdx": "vhdx", "vmdk": "vmdk", "qcow2": "qcow2"}
SECTOR = 512
#: GPT partition type GUIDs (UEFI specification; Linux's from the Discoverable Partitions spec)
BASIC_DATA = uuid.UUID("ebd0a0a2-b9e5-4433-87c0-68b6b72699c7")
LINUX_DATA = uuid.UUID("0fc63daf-8483-4772-8e79-3d69d8477de4")
EFI_SYSTEM = uuid.UUID("c12a7328-f81f-11d2-ba4b-00a0c93ec93b")
APPLE_CORE_STORAGE = uuid.UUID("53746f72-6167-11aa-aa11-00306543ecac")
_ENTRIES, _ENTRY_SIZE = 128, 128
_ENTRY_SECTORS = _ENTRIES * _ENTRY_SIZE // SECTOR


def need(tool: str) -> None:
    """Skip the test when `tool` is missing (scripts/install-system-deps installs it)."""
    if shutil.which(tool) is None:
        pytest.skip(f"{tool} is not installed (scripts/install-system-deps)")


def qemu_image(raw: Path, target: Path, kind: str) -> Path:
    """`raw` converted to a virtual disk: kind is vhd, vhdx, vmdk or qcow2."""
    need("qemu-img")
    subprocess.run(
        ["qemu-img", "convert", "-f", "raw", "-O", QEMU_FORMATS[kind], str(raw), str(target)],
        check=True,
        capture_output=True,
    )
    return target


def luks_image(raw: Path, target: Path, password: str) -> Path:
    """`raw` encrypted into a LUKS volume with `password` (qemu-img's luks driver)."""
    need("qemu-img")
    # qemu-img times its first PBKDF round (2^15 iterations) with the thread's CPU clock, which
    # counts in scheduler ticks: where SHA-256 is fast (SHA extensions) that round can take less
    # than a tick, the clock reads no CPU used and qemu-img gives up ("Unable to get accurate
    # CPU usage"); each try costs milliseconds, so try until one round is seen (CI failed with 5)
    for _attempt in range(50):
        made = subprocess.run(
            [
                "qemu-img",
                "convert",
                "--object",
                f"secret,id=sec0,data={password}",
                "-f",
                "raw",
                "-O",
                "luks",
                "-o",
                "key-secret=sec0,iter-time=10",
                str(raw),
                str(target),
            ],
            check=False,
            capture_output=True,
        )
        if made.returncode == 0 or b"accurate CPU usage" not in made.stderr:
            break
    if made.returncode != 0:
        raise RuntimeError(
            f"qemu-img could not make a LUKS volume: {made.stderr.decode(errors='replace')}"
        )
    return target


def split_raw(
    raw: Path, folder: Path, stem: str, *, lettered: bool = False, parts: int = 3, first: int = 1
) -> list[Path]:
    """`raw` cut into `parts` segments `stem.001, ...` (`first=0`: `stem.000, ...`; or
    `stem.aa, ...`), in order."""
    folder.mkdir(parents=True, exist_ok=True)
    data = raw.read_bytes()
    size = -(-len(data) // parts)
    segments = []
    for index in range(parts):
        suffix = (
            f"{chr(97 + index // 26)}{chr(97 + index % 26)}" if lettered else f"{index + first:03d}"
        )
        segment = folder / f"{stem}.{suffix}"
        segment.write_bytes(data[index * size : (index + 1) * size])
        segments.append(segment)
    return segments


def e01_segments(raw: Path, target: Path, segment_bytes: int = 1024 * 1024) -> list[Path]:
    """`raw` acquired into an EWF set of segments of at most `segment_bytes` (uncompressed)."""
    target.parent.mkdir(parents=True, exist_ok=True)
    with raw.open("rb") as stream:
        subprocess.run(
            ["ewfacquirestream", "-q", "-t", str(target), "-c", "none", "-S", str(segment_bytes)],
            stdin=stream,
            check=True,
            capture_output=True,
        )
    return sorted(target.parent.glob(f"{target.name}.E*"))


def exfat_image(path: Path, *, mb: int = 8) -> Path:
    """An empty exFAT file system (mkfs.exfat; nothing here copies files into exFAT)."""
    need("mkfs.exfat")
    with path.open("wb") as image:
        image.truncate(mb * 1024 * 1024)
    subprocess.run(["mkfs.exfat", str(path)], check=True, capture_output=True)
    return path


def iso_image(path: Path, files: dict[str, bytes]) -> Path:
    """An ISO 9660 image (genisoimage) holding `files`."""
    need("genisoimage")
    staging = path.parent / f"{path.name}.staging"
    for name, data in files.items():
        target = staging / name
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(data)
    subprocess.run(
        ["genisoimage", "-quiet", "-R", "-o", str(path), str(staging)],
        check=True,
        capture_output=True,
    )
    shutil.rmtree(staging)
    return path


def gpt_disk(path: Path, partitions: list[tuple[Path, uuid.UUID, str]]) -> Path:
    """A disk image with a GPT (protective MBR, primary and backup header and entry array, their
    CRC32s, as UEFI 2.x section 5.3 lays them out): each (file-system image, type GUID, name)
    in turn, 1 MiB aligned. GUIDs are derived from the names, so the image is the same each
    time."""
    entries = bytearray(_ENTRIES * _ENTRY_SIZE)
    layout = []
    start = 2048
    for index, (image, kind, name) in enumerate(partitions):
        sectors = -(-image.stat().st_size // SECTOR)
        unique = uuid.uuid5(uuid.NAMESPACE_URL, f"netsafe-test:{path.name}:{name}")
        struct.pack_into(
            "<16s16sQQQ72s", entries, index * _ENTRY_SIZE, kind.bytes_le, unique.bytes_le,
            start, start + sectors - 1, 0, name.encode("utf-16-le"),
        )  # fmt: skip
        layout.append((start, image))
        start += -(-sectors // 2048) * 2048
    last = start + _ENTRY_SECTORS  # room for the backup entries and header after the last
    disk_guid = uuid.uuid5(uuid.NAMESPACE_URL, f"netsafe-test:{path.name}").bytes_le
    entries_crc = zlib.crc32(entries)

    def header(mine: int, other: int, entries_at: int) -> bytes:
        fields = [b"EFI PART", 0x00010000, 92, 0, 0, mine, other, 34, last - _ENTRY_SECTORS - 1]
        fields += [disk_guid, entries_at, _ENTRIES, _ENTRY_SIZE, entries_crc]
        crc = zlib.crc32(struct.pack("<8sIIIIQQQQ16sQIII", *fields))
        fields[3] = crc
        return struct.pack("<8sIIIIQQQQ16sQIII", *fields).ljust(SECTOR, b"\0")

    mbr = bytearray(SECTOR)  # protective: one partition of type 0xEE over the whole disk
    struct.pack_into("<B3sB3sII", mbr, 446, 0, b"\0\2\0", 0xEE, b"\xff\xff\xff", 1,
                     min(last, 0xFFFFFFFF))  # fmt: skip
    mbr[510:512] = b"\x55\xaa"
    with path.open("wb") as disk:
        disk.write(mbr + header(1, last, 2) + entries)
        for offset, image in layout:
            disk.seek(offset * SECTOR)
            disk.write(image.read_bytes())
        disk.seek((last - _ENTRY_SECTORS) * SECTOR)
        disk.write(entries + header(last, 1, last - _ENTRY_SECTORS))
    return path


def core_storage_header(size: int = 4096) -> bytes:
    """A Core Storage physical volume header as libfvde documents it: format version 1, block
    type 0x0010, `CS` at byte 88, checksum algorithm 1 (CRC-32C of bytes 8-511 from 0xffffffff,
    stored at byte 0), block size 4096; zeros elsewhere, as macOS writes bytes 72-87."""
    from netsafe.triage.openers.core_storage import weak_crc32c

    header = bytearray(size)
    struct.pack_into("<IHH", header, 4, 0xFFFFFFFF, 1, 0x0010)
    header[88:90] = b"CS"
    struct.pack_into("<IHI", header, 90, 1, 4, 4096)
    struct.pack_into("<I", header, 0, weak_crc32c(header[8:512], 0xFFFFFFFF))
    return bytes(header)
