"""Test exhibits made by code: benign photo-like images (Pillow + numpy, seeded), archives built
with Python and libarchive, FAT and ext file systems built with dosfstools/mtools and e2fsprogs,
MBR-partitioned disks and E01 images made with ewf-tools."""

from __future__ import annotations

import io
import shutil
import struct
import subprocess
import tarfile
import zipfile
from pathlib import Path

import libarchive
import numpy as np
from PIL import Image

SECTOR = 512


def photo_jpeg(seed: int, size: int = 128, quality: int = 88) -> bytes:
    """A benign photo-like JPEG: smooth gradients, a few shapes and sensor-like noise."""
    rng = np.random.default_rng(seed)
    axis = np.linspace(0.0, 1.0, size)
    yy, xx = np.meshgrid(axis, axis, indexing="ij")
    channels = []
    for _ in range(3):
        fx, fy, phase = rng.uniform(0.5, 4.0), rng.uniform(0.5, 4.0), rng.uniform(0, 6.28)
        channels.append(127 + 100 * np.sin(fx * 6.28 * xx + phase) * np.cos(fy * 6.28 * yy))
    pixels = np.stack(channels, axis=-1)
    for _ in range(4):
        cy, cx, r = rng.uniform(0, 1), rng.uniform(0, 1), rng.uniform(0.05, 0.25)
        mask = (yy - cy) ** 2 + (xx - cx) ** 2 < r * r
        pixels[mask] = rng.uniform(0, 255, 3)
    pixels += rng.normal(0, 6, pixels.shape)
    image = Image.fromarray(np.clip(pixels, 0, 255).astype(np.uint8), "RGB")
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", quality=quality)
    return buffer.getvalue()


def reencoded(jpeg: bytes, quality: int = 60, scale: float = 0.75) -> bytes:
    """The same picture resized and recompressed: a near-duplicate for PDQ."""
    image = Image.open(io.BytesIO(jpeg))
    image = image.resize((int(image.width * scale), int(image.height * scale)))
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", quality=quality)
    return buffer.getvalue()


def text_file(seed: int, size: int = 2048) -> bytes:
    rng = np.random.default_rng(seed)
    words = [b"alpha", b"bravo", b"charlie", b"delta", b"echo", b"foxtrot", b"golf"]
    out = b" ".join(words[i] for i in rng.integers(0, len(words), size // 5))
    return out[:size]


def zip_bytes(members: dict[str, bytes], compression: int = zipfile.ZIP_DEFLATED) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression) as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return buffer.getvalue()


def tar_bytes(members: dict[str, bytes], mode: str = "w:gz") -> bytes:
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode=mode) as archive:  # type: ignore[call-overload]
        for name, data in members.items():
            info = tarfile.TarInfo(name)
            info.size = len(data)
            archive.addfile(info, io.BytesIO(data))
    return buffer.getvalue()


def seven_zip(path: Path, members: dict[str, bytes]) -> Path:
    with libarchive.file_writer(str(path), "7zip") as archive:
        for name, data in members.items():
            archive.add_file_from_memory(name, len(data), data)
    return path


def fat_image(
    path: Path, files: dict[str, bytes], *, delete: tuple[str, ...] = (), kb: int = 8192
) -> Path:
    """A FAT file system image holding `files` (paths with '/'); `delete` removed afterwards."""
    subprocess.run(["mkfs.vfat", "-C", str(path), str(kb)], check=True, capture_output=True)
    staging = path.parent / f"{path.name}.staging"
    staging.mkdir()
    made: set[str] = set()
    for name, data in files.items():
        parts = name.split("/")
        for depth in range(1, len(parts)):
            folder = "/".join(parts[:depth])
            if folder not in made:
                subprocess.run(["mmd", "-i", str(path), f"::{folder}"], check=True)
                made.add(folder)
        local = staging / name.replace("/", "_")
        local.write_bytes(data)
        subprocess.run(["mcopy", "-i", str(path), str(local), f"::{name}"], check=True)
    for name in delete:
        subprocess.run(["mdel", "-i", str(path), f"::{name}"], check=True)
    shutil.rmtree(staging)
    return path


def ext_image(
    path: Path, files: dict[str, bytes], *, delete: tuple[str, ...] = (), mb: int = 8
) -> Path:
    """An ext4 image made with `mke2fs -d`; `delete` removed with debugfs (inode recoverable)."""
    staging = path.parent / f"{path.name}.staging"
    for name, data in files.items():
        target = staging / name
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(data)
    subprocess.run(
        ["mke2fs", "-q", "-F", "-t", "ext4", "-d", str(staging), str(path), f"{mb}M"],
        check=True,
        capture_output=True,
    )
    for name in delete:
        subprocess.run(
            ["debugfs", "-w", "-R", f"rm /{name}", str(path)], check=True, capture_output=True
        )
    shutil.rmtree(staging)
    return path


def mbr_disk(path: Path, partitions: list[tuple[Path, int]]) -> Path:
    """A disk image with an MBR partition table: each (file-system image, type byte) in turn."""
    start = 2048
    table = b""
    layout = []
    for image, kind in partitions:
        sectors = image.stat().st_size // SECTOR
        table += struct.pack("<B3sB3sII", 0, b"\0\0\0", kind, b"\0\0\0", start, sectors)
        layout.append((start, image))
        start += sectors + 2048
    mbr = bytearray(SECTOR)
    mbr[446 : 446 + len(table)] = table
    mbr[510:512] = b"\x55\xaa"
    with path.open("wb") as disk:
        disk.write(mbr)
        for offset, image in layout:
            disk.seek(offset * SECTOR)
            disk.write(image.read_bytes())
        disk.truncate(start * SECTOR)
    return path


def e01_image(raw: Path, target: Path) -> Path:
    """`raw` acquired into an E01 (`target` without extension) with ewfacquirestream."""
    with raw.open("rb") as stream:
        subprocess.run(
            [
                "ewfacquirestream",
                "-q",
                "-t",
                str(target),
                "-C",
                "CASE-TEST",
                "-E",
                "EX-TEST",
                "-e",
                "examiner",
                "-D",
                "generated test disk",
                "-N",
                "synthetic",
                "-c",
                "fast",
            ],
            stdin=stream,
            check=True,
            capture_output=True,
        )
    return target.with_suffix(".E01")


def png_bomb() -> bytes:
    """A tiny PNG whose header claims 60000×60000 pixels (a decompression bomb)."""
    buffer = io.BytesIO()
    Image.new("L", (8, 8)).save(buffer, "PNG")
    data = bytearray(buffer.getvalue())
    ihdr = data.index(b"IHDR")
    data[ihdr + 4 : ihdr + 12] = struct.pack(">II", 60000, 60000)
    import zlib

    crc = zlib.crc32(bytes(data[ihdr : ihdr + 17])) & 0xFFFFFFFF
    data[ihdr + 17 : ihdr + 21] = struct.pack(">I", crc)
    return bytes(data)


def ntfs_image(path: Path, files: dict[str, bytes], *, mb: int = 8) -> Path:
    """An NTFS image made with ntfs-3g's `mkntfs`, `files` put in with `ntfscp` (no mount).

    ntfs-3g has no tool to make folders or delete files without mounting, so `files` are names
    in the root folder.
    """
    with path.open("wb") as image:
        image.truncate(mb << 20)
    subprocess.run(["mkntfs", "-F", "-q", "-Q", str(path)], check=True, capture_output=True)
    staging = path.parent / f"{path.name}.staging"
    staging.mkdir()
    for name, data in files.items():
        local = staging / name
        local.write_bytes(data)
        subprocess.run(["ntfscp", str(path), str(local), name], check=True, capture_output=True)
    shutil.rmtree(staging)
    return path
