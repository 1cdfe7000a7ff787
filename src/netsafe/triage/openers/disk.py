"""A medium's volumes: its partition table (MBR, GPT, APM, ... as The Sleuth Kit reads them), the
encrypted volumes on it (unlocked when a key was given) and the file systems in each, found by
content. Implements `interfaces.OpenedDisk`; the source walks its file systems and the workers
find a file's file system again by its offset on the medium."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import pytsk3

from netsafe.triage.items import EncryptedVolume
from netsafe.triage.openers.apfs import ApfsFileSystem, open_apfs
from netsafe.triage.openers.byte_sources import SliceBytes, SourceImage
from netsafe.triage.openers.encryption import UnlockResult, unlock
from netsafe.triage.openers.file_streams import TskFileStream
from netsafe.triage.openers.interfaces import (
    PROBE_BYTES,
    ByteRun,
    ByteSource,
    EmbeddedProblem,
    KeyRing,
    OpenedMedium,
)
from netsafe.triage.openers.signatures import declared_size, encryption_scheme
from netsafe.triage.openers.tsk_walk import TskFile, TskProblem, walk


@dataclass
class FoundFileSystem:
    """A file system TSK opened (`interfaces.OpenedFileSystem`)."""

    label: str  # "/partition-1.2", or "" when the medium is the file system
    type_name: str
    offset: int  # on the medium
    tsk: Any  # pytsk3.FS_Info
    source: ByteSource  # the bytes it lives in (the medium, or a decrypted volume)
    encryption: str | None = None
    source_offset: int = -1  # where it starts in `source` (the offset, unless decrypted)

    volume_index: int = 0  # (several only in an APFS container)

    def __post_init__(self) -> None:
        if self.source_offset < 0:
            self.source_offset = self.offset

    def walk(self) -> Iterator[TskFile | TskProblem]:
        """Every regular file, allocated, deleted or orphan (`tsk_walk`)."""
        return walk(self.tsk, self.label)

    def open_file(self, inode: int, attr_type: int = 0, attr_id: int = -1) -> TskFileStream:
        """The file's default data, or its attribute (`attr_type`, `attr_id`)."""
        return TskFileStream(self.tsk.open_meta(inode=inode), attr_type, attr_id)

    def unallocated(self) -> Iterator[ByteRun]:
        """The unallocated byte runs, as runs of `source` (`carving.allocation` reads the file
        system's allocation map); raises LookupError for a kind of file system whose map
        NetSafe does not read."""
        from netsafe.triage.carving.allocation import unallocated_runs

        runs = unallocated_runs(self.tsk, self.source.read_at, self.source_offset)
        if runs is None:
            raise LookupError(f"{self.type_name}: the allocation map is not read")
        for offset, length in runs:
            yield ByteRun(offset, length)


@dataclass
class Disk:
    """An opened medium with its volumes (`interfaces.OpenedDisk`)."""

    medium: OpenedMedium
    keys: KeyRing = field(default_factory=KeyRing)
    key_labels: tuple[str, ...] = ()
    found: list[FoundFileSystem | ApfsFileSystem] = field(default_factory=list)
    problems: list[EmbeddedProblem] = field(default_factory=list)
    partition_table: str | None = None
    #: Every encrypted volume met, opened by a key or not (the reports name them)
    encrypted: list[EncryptedVolume] = field(default_factory=list)
    _unpartitioned: list[ByteRun] = field(default_factory=list)
    _unread: list[tuple[str, ByteRun]] = field(default_factory=list)
    _decrypted: list[ByteSource] = field(default_factory=list)
    _handles: list[Any] = field(default_factory=list)

    def file_systems(self) -> list[FoundFileSystem | ApfsFileSystem]:
        return self.found

    def unpartitioned(self) -> Iterator[ByteRun]:
        yield from self._unpartitioned

    def unread_volumes(self) -> Iterator[tuple[str, ByteRun]]:
        """(label, byte run of the medium) of every volume in which no file system was found
        (not an encrypted one): carving reads it whole."""
        yield from self._unread

    def filesystem_at(
        self, offset: int, volume_index: int = 0
    ) -> FoundFileSystem | ApfsFileSystem | None:
        for found in self.found:
            if found.offset == offset and found.volume_index == volume_index:
                return found
        return None

    def close(self) -> None:
        self.found.clear()
        for handle in reversed(self._handles):
            handle.close()
        for source in self._decrypted:
            source.close()
        self.medium.close()


def open_disk(medium: OpenedMedium, keys: KeyRing, key_labels: tuple[str, ...] = ()) -> Disk:
    """Find every volume and file system of `medium` (never raises: what cannot be opened is
    in `Disk.problems`)."""
    disk = Disk(medium, keys, key_labels)
    image = SourceImage(medium.data)
    try:
        volumes = pytsk3.Volume_Info(image)
    except (OSError, RuntimeError):
        volumes = None
    if volumes is not None:
        disk.partition_table = _table_name(volumes)
        block = int(volumes.info.block_size)
        for part in volumes:
            flags = int(part.flags)
            start, length = int(part.start) * block, int(part.len) * block
            if flags & int(pytsk3.TSK_VS_PART_FLAG_UNALLOC):
                disk._unpartitioned.append(ByteRun(start, length))
                continue
            if not flags & int(pytsk3.TSK_VS_PART_FLAG_ALLOC):
                continue
            # (TSK numbers a GPT's entries in no table, -1: they are table 1, like an MBR's
            # primary partitions, not "/partition-0.1")
            table = max(int(part.table_num), 0) + 1
            label = f"/partition-{table}.{int(part.slot_num) + 1}"
            desc = part.desc.decode("utf-8", "replace")
            _open_volume(disk, image, start, length, label, desc)
    if not disk.found and not any(p.kind == "encrypted-volume" for p in disk.problems):
        before, unread = list(disk.problems), list(disk._unread)
        _open_volume(disk, image, 0, medium.data.size, "", "")
        if volumes is not None and not disk.found:
            # the partitions said why (offset 0 is no file system either)
            disk.problems, disk._unread = before, unread
    return disk


def _open_volume(disk: Disk, image: Any, offset: int, length: int, label: str, desc: str) -> None:
    where = f"{label} ({desc})" if desc else label or "the medium"
    source = SliceBytes(disk.medium.data, offset, length)
    try:
        head = _head(source)
    except OSError as error:
        disk.problems.append(EmbeddedProblem(label, "unreadable", f"{where}: {error}"))
        return
    scheme = encryption_scheme(head)
    if scheme is not None:
        labels = disk.key_labels
        keys, startup_keys = disk.keys.for_source(*labels), disk.keys.startup_keys_for(*labels)
        result = unlock(scheme, source, keys, startup_keys)
        disk.encrypted.append(EncryptedVolume(label, scheme, result.source is not None))
        if result.source is None:
            disk.problems.append(_locked(label, where, scheme, result))
            return
        disk._decrypted.append(result.source)
        fs = _tsk_fs(SourceImage(result.source), 0)
        if fs is None:
            disk.problems.append(
                EmbeddedProblem(
                    label,
                    "no-file-system",
                    f"{where}: {scheme} volume unlocked, "
                    "but no file system The Sleuth Kit reads is inside",
                )
            )
            return
        disk.found.append(
            FoundFileSystem(label, _fs_name(fs), offset, fs, result.source, scheme, 0)
        )
        return
    if head[32:36] == b"NXSB":
        keys = disk.keys.for_source(*disk.key_labels)
        volumes, problems, handles = open_apfs(source, offset, label, keys)
        disk.encrypted.extend(
            EncryptedVolume(v.label, "APFS", True) for v in volumes if v.encryption
        )
        disk.encrypted.extend(
            EncryptedVolume(p.name, "APFS", False) for p in problems if p.kind == "encrypted-volume"
        )
        disk.found.extend(volumes)
        disk.problems.extend(problems)
        disk._handles.extend(handles)
        return
    fs = _tsk_fs(image, offset)
    truncated = _truncation(head, where, max(0, min(length, disk.medium.data.size - offset)))
    if fs is None:
        if truncated:
            reason = f"{truncated}; no file system The Sleuth Kit reads"
            disk.problems.append(EmbeddedProblem(label, "truncated-volume", reason))
        else:
            reason = f"{where}: no file system The Sleuth Kit reads"
            disk.problems.append(EmbeddedProblem(label, "no-file-system", reason))
        disk._unread.append((label, ByteRun(offset, length)))
        return
    if truncated:
        reason = f"{truncated}; what lies past its end cannot be read"
        disk.problems.append(EmbeddedProblem(label, "truncated-volume", reason, warning=True))
    disk.found.append(FoundFileSystem(label, _fs_name(fs), offset, fs, disk.medium.data))


def _truncation(head: bytes, where: str, available: int) -> str:
    """Why the volume starting with `head` is cut short ("" when its file system claims no more
    than the `available` bytes the image holds from its start)."""
    claimed = declared_size(head)
    if claimed is None or claimed[1] <= available:
        return ""
    kind, size = claimed
    return (
        f"{where}: truncated: the {kind} volume claims {size:,} bytes, "
        f"the image holds {available:,} of them"
    )


def _head(source: ByteSource) -> bytes:
    """The volume's first bytes: PROBE_BYTES, or the first 4 KiB when an unreadable sector (a
    failing EWF chunk) lies in the rest, so that one bad chunk costs its files, not the volume."""
    try:
        return source.read_at(0, PROBE_BYTES)
    except OSError:
        return source.read_at(0, 4096)


def _locked(label: str, where: str, scheme: str, result: UnlockResult) -> EmbeddedProblem:
    if result.tried:
        reason = f"{where}: {scheme} encrypted volume; the key given did not unlock it"
    elif result.reason:
        reason = f"{where}: {scheme} encrypted volume; {result.reason}"
    else:
        reason = (
            f"{where}: {scheme} encrypted volume; needs a password or recovery key "
            "(--key SOURCE=@file or SOURCE=-)"
        )
    return EmbeddedProblem(label, "encrypted-volume", reason)


def _tsk_fs(image: Any, offset: int) -> Any:
    try:
        return pytsk3.FS_Info(image, offset=offset)
    except (OSError, RuntimeError):
        return None


def _fs_name(fs: Any) -> str:
    try:
        value = int(fs.info.ftype)
    except (AttributeError, TypeError, ValueError):
        return "unknown"
    if value == int(pytsk3.TSK_FS_TYPE_EXFAT):  # 10: its bits overlap FAT12 and FAT32
        return "exFAT"
    for name in ("NTFS", "FAT", "EXT", "HFS", "ISO9660", "FFS", "YAFFS2", "APFS"):
        if value & int(getattr(pytsk3, f"TSK_FS_TYPE_{name}_DETECT", 0)):
            return {"EXT": "ext", "HFS": "HFS+", "ISO9660": "ISO 9660", "FFS": "UFS"}.get(
                name, name
            )
    return "unknown"


def _table_name(volumes: Any) -> str:
    names = {
        int(pytsk3.TSK_VS_TYPE_DOS): "MBR",
        int(pytsk3.TSK_VS_TYPE_GPT): "GPT",
        int(pytsk3.TSK_VS_TYPE_MAC): "APM",
        int(pytsk3.TSK_VS_TYPE_BSD): "BSD",
        int(pytsk3.TSK_VS_TYPE_SUN): "Sun",
    }
    try:
        return names.get(int(volumes.info.vstype), "unknown")
    except (AttributeError, TypeError, ValueError):
        return "unknown"
