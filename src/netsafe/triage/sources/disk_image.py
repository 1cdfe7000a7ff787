"""A disk image as a triage source: any medium the opener registry opens (EWF, split raw,
VHD/VHDX, VMDK, QCOW2, raw), its partitions, encrypted volumes and file systems (`openers.disk`),
walked by `openers.tsk_walk` (deleted and orphan files included, flagged `deleted`).

Workers read a file back by (file-system offset, inode address) through `image_access`.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

from netsafe.triage.carving.allocation import file_runs
from netsafe.triage.items import (
    EncryptedVolume,
    FileItem,
    ItemError,
    Locator,
    LocatorKind,
    Severity,
)
from netsafe.triage.openers.apfs import ApfsFileSystem
from netsafe.triage.openers.interfaces import KeyRing
from netsafe.triage.openers.tsk_walk import TskFile, walk
from netsafe.triage.sources.carving_space import carving_items
from netsafe.triage.sources.image_access import ImageError, OpenImage


class DiskImageSource:
    """Every file (allocated, deleted or orphan) of every file system of a disk image."""

    def __init__(
        self,
        path: Path,
        index: int,
        kind: str,
        keys: KeyRing | None = None,
        *,
        carve: bool = True,
    ) -> None:
        self.path = path
        self.index = index
        self.label = str(path)
        self.kind = kind
        self.keys = keys or KeyRing()
        self.found_file_system = False
        #: The encrypted volumes met, opened or not (known once `items` has run)
        self.encrypted: tuple[EncryptedVolume, ...] = ()
        #: carve the unallocated and unpartitioned space (`sources.carving_space`)
        self.carve = carve
        #: per file-system offset: the runs of deleted files listed (scanned, not carved)
        self._deleted_runs: dict[int, list[tuple[int, int]]] = {}

    def items(self) -> Iterator[FileItem | ItemError]:
        try:
            image = OpenImage(self.path, self.keys)
        except ImageError as error:
            yield ItemError(self.label, ".", error.kind, str(error))
            return
        try:
            self.kind = image.format
            disk = image.disk
            self.encrypted = tuple(disk.encrypted)
            for problem in disk.problems:
                severity = Severity.WARNING if problem.warning else Severity.ERROR
                yield ItemError(
                    self.label, problem.name or ".", problem.kind, problem.reason, severity
                )
            if not disk.found and not disk.problems:
                yield ItemError(
                    self.label, ".", "no-file-system", "no file system The Sleuth Kit reads"
                )
            for fs in disk.found:
                self.found_file_system = True
                if isinstance(fs, ApfsFileSystem):
                    yield from self._apfs_files(fs)
                else:
                    yield from self._files(fs.tsk, fs.offset, fs.label, fs.source_offset)
            if self.carve:
                path = str(self.path)
                yield from carving_items(disk, path, self.label, self.index, self._deleted_runs)
        finally:
            image.close()

    def _files(
        self, tsk: object, offset: int, prefix: str, base: int
    ) -> Iterator[FileItem | ItemError]:
        label, index, path = self.label, self.index, str(self.path)
        for found in walk(tsk, prefix):
            if isinstance(found, TskFile):
                if found.deleted and self.carve and not found.attr_type:
                    runs = file_runs(tsk, found.inode, base)
                    self._deleted_runs.setdefault(offset, []).extend(runs)
                yield FileItem(
                    key=f"{index}:{offset}:{found.inode}:{found.path}",
                    source=label,
                    path=found.path,
                    size=found.size,
                    locator=Locator(
                        LocatorKind.IMAGE,
                        path,
                        offset,
                        found.inode,
                        attr_type=found.attr_type,
                        attr_id=found.attr_id,
                    ),
                    deleted=found.deleted,
                )
            else:
                severity = Severity.WARNING if found.warning else Severity.ERROR
                yield ItemError(label, found.path, found.kind, found.reason, severity)

    def _apfs_files(self, fs: ApfsFileSystem) -> Iterator[FileItem | ItemError]:
        label, index, path = self.label, self.index, str(self.path)
        offset, volume = fs.offset, fs.volume_index
        for found in fs.walk():
            if isinstance(found, TskFile):
                yield FileItem(
                    key=f"{index}:{offset}.{volume}:{found.inode}:{found.path}",
                    source=label,
                    path=found.path,
                    size=found.size,
                    locator=Locator(LocatorKind.IMAGE, path, offset, found.inode, volume=volume),
                )
            else:
                severity = Severity.WARNING if found.warning else Severity.ERROR
                yield ItemError(label, found.path, found.kind, found.reason, severity)


__all__ = ["DiskImageSource", "OpenImage"]
