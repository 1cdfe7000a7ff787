"""A disk image as a triage source: raw (dd) or E01, its partitions and file systems via pytsk3.

Deleted files whose directory entry or inode is still there are included and flagged `deleted`.
NTFS's own metadata files ($MFT, $LogFile, $UpCase, ... and the $Extend folder: the reserved MFT
records 0-15, in the root) are not user files and are left out; they are recognised by their
record number, so a user file merely named `$MFT` is still scanned.
Workers read a file back by (file-system offset, inode address) through `image_access`.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytsk3

from netsafe.triage.items import FileItem, ItemError, Locator, LocatorKind
from netsafe.triage.sources.image_access import EWF_MAGIC, ImageError, OpenImage, open_image

RAW_SUFFIXES = frozenset({".dd", ".raw", ".img", ".001", ".bin", ".vhd", ".iso"})
MAX_DEPTH = 64  # folders nested deeper than this are reported, not walked
SKIPPED_NAMES = frozenset({".", ".."})
NTFS_RESERVED_RECORDS = 16  # MFT records 0-15 hold the file system's own metadata files


def looks_like_disk_image(path: Path) -> bool:
    """True for an E01 (by its signature) or a raw image (by suffix, or an MBR boot signature)."""
    try:
        with path.open("rb") as handle:
            head = handle.read(512)
    except OSError:
        return False
    if head.startswith(EWF_MAGIC):
        return True
    if path.suffix.lower() in RAW_SUFFIXES:
        return True
    return len(head) == 512 and head[510:512] == b"\x55\xaa" and path.stat().st_size % 512 == 0


class DiskImageSource:
    """Every file (allocated or deleted-but-listed) of every file system in a disk image."""

    def __init__(self, path: Path, index: int) -> None:
        self.path = path
        self.index = index
        self.label = str(path)
        self.kind = "e01" if _is_ewf(path) else "raw"
        self._reserved = 0  # MFT records below this in the root are metadata (NTFS: 16)

    def items(self) -> Iterator[FileItem | ItemError]:
        try:
            image = open_image(self.path)
        except ImageError as error:
            yield ItemError(self.label, ".", "corrupt-image", str(error))
            return
        try:
            filesystems = image.filesystems()
            if not filesystems:
                yield ItemError(
                    self.label, ".", "no-file-system", "no file system pytsk3 can read was found"
                )
            for volume in image.volume_errors:
                yield ItemError(self.label, ".", "corrupt-volume", volume)
            for offset, fs, prefix in filesystems:
                yield from self._walk_fs(fs, offset, prefix)
        finally:
            image.close()

    def _walk_fs(self, fs: Any, offset: int, prefix: str) -> Iterator[FileItem | ItemError]:
        try:
            root = fs.open_dir(path="/")
        except OSError as error:
            yield ItemError(self.label, prefix or "/", "corrupt-file-system", str(error))
            return
        seen: set[int] = set()
        self._reserved = NTFS_RESERVED_RECORDS if _is_ntfs(fs) else 0
        yield from self._walk_dir(root, offset, prefix, seen, 0, False)

    def _walk_dir(
        self, directory: Any, offset: int, prefix: str, seen: set[int], depth: int, deleted: bool
    ) -> Iterator[FileItem | ItemError]:
        try:
            entries = list(directory)
        except (OSError, RuntimeError) as error:
            yield ItemError(self.label, prefix or "/", "corrupt-file-system", str(error))
            return
        for entry in entries:
            name_info = entry.info.name
            name = name_info.name.decode("utf-8", "replace")
            meta = entry.info.meta
            if name in SKIPPED_NAMES or meta is None:
                continue
            if depth == 0 and meta.addr < self._reserved and name.startswith("$"):
                continue  # NTFS metadata file
            path = f"{prefix}/{name}"
            is_deleted = deleted or _deleted(name_info.flags, meta.flags)
            if meta.type == pytsk3.TSK_FS_META_TYPE_DIR or name == "$OrphanFiles":
                if meta.addr in seen:
                    continue  # '.'-style back references and directory loops in corrupt images
                seen.add(meta.addr)
                if depth >= MAX_DEPTH:
                    yield ItemError(self.label, path, "too-deep", f"folder deeper than {MAX_DEPTH}")
                    continue
                try:
                    child = entry.as_directory()
                except (OSError, RuntimeError) as error:
                    if not is_deleted:
                        yield ItemError(self.label, path, "corrupt-file-system", str(error))
                    continue
                yield from self._walk_dir(child, offset, path, seen, depth + 1, is_deleted)
            elif meta.type == pytsk3.TSK_FS_META_TYPE_REG:
                yield FileItem(
                    key=f"{self.index}:{offset}:{meta.addr}:{path}",
                    source=self.label,
                    path=path,
                    size=int(meta.size),
                    locator=Locator(LocatorKind.IMAGE, str(self.path), offset, int(meta.addr)),
                    deleted=is_deleted,
                )


def _is_ntfs(fs: Any) -> bool:
    try:
        return bool(int(fs.info.ftype) & int(pytsk3.TSK_FS_TYPE_NTFS_DETECT))
    except (AttributeError, TypeError, ValueError):
        return False


def _deleted(name_flags: int, meta_flags: int) -> bool:
    return bool(
        int(name_flags) & int(pytsk3.TSK_FS_NAME_FLAG_UNALLOC)
        or int(meta_flags) & int(pytsk3.TSK_FS_META_FLAG_UNALLOC)
    )


def _is_ewf(path: Path) -> bool:
    try:
        with path.open("rb") as handle:
            return handle.read(len(EWF_MAGIC)) == EWF_MAGIC
    except OSError:
        return False


__all__ = ["DiskImageSource", "OpenImage", "looks_like_disk_image"]
