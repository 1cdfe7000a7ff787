"""The unallocated runs of a file system, from its own allocation records.

pytsk3 does not expose TSK's block walk, so each file system's allocation map is read the way
TSK reads it: NTFS's `$Bitmap` and HFS+'s `$AllocationFile` (through pytsk3, one bit a cluster
or allocation block), the FAT (a free cluster's entry is 0) and ext2/3/4's block bitmaps (a
group whose bitmap was never initialised, `BLOCK_UNINIT`, holds no file data). Other file
systems (exFAT, ISO 9660, …) give None: the caller says their space was not carved.
`file_runs` gives the blocks of one file (a deleted file still listed is scanned as that file,
so its blocks are not carved again).
"""

from __future__ import annotations

import struct
from typing import Any, Literal

import numpy as np
import numpy.typing as npt
import pytsk3

from netsafe.triage.carving.candidate import ReadAt
from netsafe.triage.carving.space import Run

_BITMAP_INODE = 6  # NTFS $Bitmap, HFS+ $AllocationFile
_EXT_MAGIC = 0xEF53
_EXT_64BIT = 0x80
_BLOCK_UNINIT = 0x2
MAX_MAP_BYTES = 512 * 1024 * 1024  # an allocation map larger than this is refused (corrupt)


class AllocationError(Exception):
    """The file system's allocation map cannot be read."""


def unallocated_runs(fs: Any, read: ReadAt, fs_offset: int) -> list[Run] | None:
    """(medium offset, length) of every unallocated run of the file system at `fs_offset`, or
    None when NetSafe cannot read this kind of file system's allocation map."""
    kind = int(fs.info.ftype)
    block_size = int(fs.info.block_size)
    blocks = int(fs.info.block_count)
    if kind == int(pytsk3.TSK_FS_TYPE_EXFAT):  # 10: its bits overlap FAT12's and FAT32's
        return None
    try:
        if kind & int(pytsk3.TSK_FS_TYPE_NTFS_DETECT):
            free = ~_bits(_metadata_file(fs), blocks, "little")
            return _runs(free, fs_offset, block_size)
        if kind & int(pytsk3.TSK_FS_TYPE_HFS_DETECT):
            free = ~_bits(_metadata_file(fs), blocks, "big")
            return _runs(free, fs_offset, block_size)
        if kind & int(pytsk3.TSK_FS_TYPE_FAT_DETECT):
            return _fat_runs(read, fs_offset)
        if kind & int(pytsk3.TSK_FS_TYPE_EXT_DETECT):
            return _ext_runs(read, fs_offset)
    except (OSError, RuntimeError, struct.error, ValueError) as error:
        raise AllocationError(f"cannot read the allocation map: {error}") from error
    return None


def _metadata_file(fs: Any) -> bytes:
    entry = fs.open_meta(inode=_BITMAP_INODE)
    size = int(entry.info.meta.size)
    if size > MAX_MAP_BYTES:
        raise ValueError(f"allocation map of {size} bytes")
    data: bytes = entry.read_random(0, size) if size else b""
    return data


def _bits(data: bytes, count: int, order: Literal["big", "little"]) -> npt.NDArray[np.bool_]:
    """The first `count` bits of a bitmap as booleans (missing bits: allocated)."""
    bits: npt.NDArray[np.bool_] = np.unpackbits(
        np.frombuffer(data, np.uint8), bitorder=order
    ).astype(bool)
    if len(bits) < count:
        bits = np.concatenate([bits, np.ones(count - len(bits), bool)])
    return bits[:count]


def _runs(free: npt.NDArray[np.bool_], base: int, unit: int, first: int = 0) -> list[Run]:
    """Runs of True in `free` (unit `first + i` at `base + (first + i) * unit`) as byte runs."""
    edges = np.flatnonzero(np.diff(np.concatenate([[0], free.astype(np.int8), [0]])))
    starts, ends = edges[0::2], edges[1::2]
    return [
        (base + (first + int(s)) * unit, (int(e) - int(s)) * unit)
        for s, e in zip(starts, ends, strict=True)
    ]


def _fat_runs(read: ReadAt, base: int) -> list[Run]:
    boot = read(base, 512)
    if len(boot) < 512:
        raise ValueError("short boot sector")
    sector, per_cluster, reserved, fats, root_entries, total16 = struct.unpack(
        "<HBHBHH", boot[11:21]
    )
    (fat16,) = struct.unpack("<H", boot[22:24])
    total32, fat32 = struct.unpack("<II", boot[32:40])
    fat_sectors = fat16 or fat32
    total = total16 or total32
    if not sector or not per_cluster or not fat_sectors:
        raise ValueError("boot sector without geometry")
    root_sectors = -(-root_entries * 32 // sector)
    first_data = reserved + fats * fat_sectors + root_sectors
    clusters = (total - first_data) // per_cluster
    table = read(base + reserved * sector, fat_sectors * sector)
    if clusters < 4085:
        raw = np.frombuffer(table[: (len(table) // 3) * 3], np.uint8).reshape(-1, 3).astype(int)
        entries = np.empty(len(raw) * 2, int)
        entries[0::2] = raw[:, 0] | ((raw[:, 1] & 0x0F) << 8)
        entries[1::2] = (raw[:, 1] >> 4) | (raw[:, 2] << 4)
    elif clusters < 65525:
        entries = np.frombuffer(table[: len(table) // 2 * 2], "<u2").astype(int)
    else:
        entries = np.frombuffer(table[: len(table) // 4 * 4], "<u4").astype(int) & 0x0FFFFFFF
    entries = entries[2 : 2 + clusters]
    data_start = base + first_data * sector
    cluster_bytes = per_cluster * sector
    runs = _runs(entries == 0, data_start, cluster_bytes)
    tail_at = data_start + clusters * cluster_bytes  # sectors after the last whole cluster
    tail = base + total * sector - tail_at
    if tail > 0:
        if runs and runs[-1][0] + runs[-1][1] == tail_at:
            runs[-1] = (runs[-1][0], runs[-1][1] + tail)
        else:
            runs.append((tail_at, tail))
    return runs


def _ext_runs(read: ReadAt, base: int) -> list[Run]:
    superblock = read(base + 1024, 1024)
    if len(superblock) < 1024 or struct.unpack("<H", superblock[56:58])[0] != _EXT_MAGIC:
        raise ValueError("no ext superblock")
    blocks_lo, _, _, _, first_data, log_size = struct.unpack("<IIIIII", superblock[4:28])
    (per_group,) = struct.unpack("<I", superblock[32:36])
    (incompat,) = struct.unpack("<I", superblock[96:100])
    (blocks_hi,) = struct.unpack("<I", superblock[0x150:0x154])
    (desc_size,) = struct.unpack("<H", superblock[0xFE:0x100])
    wide = bool(incompat & _EXT_64BIT)
    block = 1024 << log_size
    blocks = blocks_lo | (blocks_hi << 32 if wide else 0)
    desc_size = desc_size if wide and desc_size else 32
    groups = -(-(blocks - first_data) // per_group)
    table = read(base + (first_data + 1) * block, groups * desc_size)
    free = np.zeros(blocks - first_data, bool)
    for group in range(groups):
        desc = table[group * desc_size : (group + 1) * desc_size]
        (bitmap,) = struct.unpack("<I", desc[0:4])
        if wide:
            bitmap |= struct.unpack("<I", desc[0x20:0x24])[0] << 32
        (flags,) = struct.unpack("<H", desc[0x12:0x14])
        first = group * per_group
        count = min(per_group, len(free) - first)
        if flags & _BLOCK_UNINIT:
            free[first : first + count] = True
            continue
        bits = _bits(read(base + bitmap * block, block), count, "little")
        free[first : first + count] = ~bits
    return _runs(free, base, block, first_data)


def file_runs(tsk: Any, inode: int, base: int) -> list[Run]:
    """The byte runs of a file's non-resident attributes (`base`: where its file system starts
    in the bytes it lives in); none when its metadata cannot be read."""
    skipped = int(pytsk3.TSK_FS_ATTR_RUN_FLAG_SPARSE) | int(pytsk3.TSK_FS_ATTR_RUN_FLAG_FILLER)
    runs: list[Run] = []
    try:
        block = int(tsk.info.block_size)
        for attribute in tsk.open_meta(inode=inode):
            if int(attribute.info.flags) & int(pytsk3.TSK_FS_ATTR_RES):
                continue
            for run in attribute:
                if not int(run.flags) & skipped and int(run.len) > 0:
                    runs.append((base + int(run.addr) * block, int(run.len) * block))
    except (OSError, RuntimeError):
        return []  # its metadata is gone: none of its blocks is kept out of carving
    return runs
