"""Disk images of every format the opener registry reads, made by code from a raw image:
qemu-img (VHD, VHDX, VMDK, QCOW2, LUKS), split (split raw sets), ewfacquirestream (EWF segment
sets), mkfs.exfat and genisoimage (file systems without a partition table)."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

QEMU_FORMATS = {"vhd": "vpc", "vhdx": "vhdx", "vmdk": "vmdk", "qcow2": "qcow2"}


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
    # qemu-img times its PBKDF with the thread's CPU clock and, on a loaded machine, sometimes
    # reads no CPU used ("Unable to get accurate CPU usage"): try again a few times
    for _attempt in range(5):
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
