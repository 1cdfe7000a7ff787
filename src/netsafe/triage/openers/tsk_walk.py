"""Walking a file system The Sleuth Kit opened: every regular file, allocated or deleted.

Deleted files whose directory entry or inode is still there are included and flagged deleted,
and so are orphan files (inodes no directory names any more, which TSK lists under
`$OrphanFiles`). A deleted name whose inode is gone (pytsk3 gives `meta=None`) has no content
left to read: it is listed as a warning naming it. NTFS's own metadata files ($MFT, $LogFile,
$UpCase, ... and $Extend: the reserved MFT records 0-15, in the root) are not user files and are
left out; they are recognised by their record number, so a user file named `$MFT` is scanned.
FAT's volume label entry, which TSK lists as an empty file in the root, is left out too.
HFS+'s are left out the same way (catalog node ids below 16: `$ExtentsFile`, `$CatalogFile`,
`$BadBlockFile`, `$AllocationFile`, `$StartupFile`, `$AttributesFile`), with its two private
folders of hard-link targets (their files are listed where the links name them).

A file's other data streams are items of their own: NTFS alternate data streams
(`file:stream-name`) and HFS+ resource forks (`file:rsrc`; not for a file whose data is
compressed into its resource fork, which TSK reads back as the file's data).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytsk3

MAX_DEPTH = 64  # folders nested deeper than this are reported, not walked
SKIPPED_NAMES = frozenset({".", ".."})
NTFS_RESERVED_RECORDS = 16  # MFT records 0-15 hold the file system's own metadata files
NTFS_UNUSED_RECORDS = 24  # records 16-23 are reserved too, left unallocated
#: exFAT's allocation bitmap and up-case table, which TSK lists as files in the root
EXFAT_METADATA = frozenset({"$ALLOC_BITMAP", "$UPCASE_TABLE", "$VOLUME_GUID_ENTRY", "$TEX_FAT"})
ORPHANS = "$OrphanFiles"
#: how TSK names FAT's volume label entry (`NO NAME    (Volume Label Entry)`)
FAT_LABEL = "(Volume Label Entry)"
HFS_RESERVED_IDS = 16  # catalog node ids 1-15 are HFS+'s own (3-8 its metadata files)
#: HFS+'s private folders of hard-link targets (file links; directory links), as TSK names them
HFS_PRIVATE = frozenset({"^^^^HFS+ Private Data", ".HFS+ Private Directory Data\r"})
_NTFS_DATA = int(pytsk3.TSK_FS_ATTR_TYPE_NTFS_DATA)
_HFS_RSRC = int(pytsk3.TSK_FS_ATTR_TYPE_HFS_RSRC)
_HFS_COMPRESSED = int(pytsk3.TSK_FS_ATTR_TYPE_HFS_COMP_REC)


@dataclass(frozen=True, slots=True)
class TskFile:
    """A regular file: its path (below the file system), inode address, size, deleted flag."""

    path: str
    inode: int
    size: int
    deleted: bool
    #: a stream other than the default data: its TSK attribute type and id (0, -1: default)
    attr_type: int = 0
    attr_id: int = -1


@dataclass(frozen=True, slots=True)
class TskProblem:
    """What could not be walked (an errors.csv row); `warning` when nothing readable was lost."""

    path: str
    kind: str
    reason: str
    warning: bool = False


def walk(fs: Any, prefix: str) -> Iterator[TskFile | TskProblem]:
    """Every regular file of `fs`, paths starting with `prefix` ("/partition-1.1" or "")."""
    try:
        root = fs.open_dir(path="/")
    except OSError as error:
        yield TskProblem(prefix or "/", "corrupt-file-system", str(error))
        return
    ntfs, hfs = _is(fs, "NTFS"), _is(fs, "HFS")
    reserved = NTFS_RESERVED_RECORDS if ntfs else HFS_RESERVED_IDS if hfs else 0
    metadata = EXFAT_METADATA if _ftype(fs) == int(pytsk3.TSK_FS_TYPE_EXFAT) else frozenset()
    if hfs:
        metadata = HFS_PRIVATE
    yield from _walk_dir(fs, root, prefix, set(), 0, False, reserved, metadata, ntfs or hfs)


def _walk_dir(
    fs: Any,
    directory: Any,
    prefix: str,
    seen: set[int],
    depth: int,
    deleted: bool,
    reserved: int,
    metadata: frozenset[str],
    streams: bool = False,
) -> Iterator[TskFile | TskProblem]:
    try:
        entries = list(directory)
    except (OSError, RuntimeError) as error:
        yield TskProblem(prefix or "/", "corrupt-file-system", str(error))
        return
    for entry in entries:
        name_info = entry.info.name
        name = name_info.name.decode("utf-8", "replace")
        if name in SKIPPED_NAMES:
            continue
        path = f"{prefix}/{name}"
        meta = entry.info.meta
        if meta is None:
            unnamed = _unnamed(fs, name_info, path, deleted)
            if unnamed is None:
                continue
            if isinstance(unnamed, TskProblem):
                yield unnamed
                continue
            entry, meta = unnamed  # read by its inode address: a deleted file or folder
        if depth == 0 and name.startswith("$") and (meta.addr < reserved or name in metadata):
            continue  # NTFS, HFS+ or exFAT metadata file
        if depth == 0 and name in metadata:
            continue  # HFS+'s private folders
        if depth == 0 and name.endswith(FAT_LABEL) and not meta.size:
            continue  # FAT's volume label: a directory entry holding the label, no file
        is_deleted = deleted or _deleted(name_info.flags, meta.flags)
        if meta.type == pytsk3.TSK_FS_META_TYPE_DIR or (depth == 0 and name == ORPHANS):
            if meta.addr in seen:
                continue  # '.'-style back references and directory loops in corrupt images
            seen.add(meta.addr)
            if depth >= MAX_DEPTH:
                yield TskProblem(path, "too-deep", f"folder deeper than {MAX_DEPTH}")
                continue
            try:
                child = entry.as_directory()
            except (OSError, RuntimeError) as error:
                if not is_deleted:
                    yield TskProblem(path, "corrupt-file-system", str(error))
                continue
            orphans = depth == 0 and name == ORPHANS
            yield from _walk_dir(
                fs, child, path, seen, depth + 1, is_deleted or orphans, reserved, metadata, streams
            )
        elif meta.type == pytsk3.TSK_FS_META_TYPE_REG:
            yield TskFile(path, int(meta.addr), int(meta.size), is_deleted)
            if streams:
                yield from _streams(entry, path, int(meta.addr), is_deleted)


def _streams(entry: Any, path: str, inode: int, deleted: bool) -> Iterator[TskFile | TskProblem]:
    """A file's NTFS alternate data streams and HFS+ resource fork, as files of their own."""
    try:
        attributes = [attribute.info for attribute in entry]
    except (OSError, RuntimeError) as error:
        yield TskProblem(path, "corrupt-file-system", f"cannot list its data streams: {error}")
        return
    kinds = {int(info.type) for info in attributes}
    for info in attributes:
        kind, size = int(info.type), int(info.size)
        if kind == _NTFS_DATA and info.name:
            stream = info.name.decode("utf-8", "replace")
            yield TskFile(f"{path}:{stream}", inode, size, deleted, kind, int(info.id))
        elif kind == _HFS_RSRC and size and _HFS_COMPRESSED not in kinds:
            yield TskFile(f"{path}:rsrc", inode, size, deleted, kind, int(info.id))


def _unnamed(
    fs: Any, name_info: Any, path: str, deleted: bool
) -> tuple[Any, Any] | TskProblem | None:
    """An entry pytsk3 lists without its metadata (NTFS's deleted names, orphan files under
    `$OrphanFiles`): (the file opened by its inode address, its metadata) when that inode is a
    file or folder still holding this entry's content, so that it is walked like any other
    (a deleted folder's files, a deleted file's streams); a warning naming a deleted entry
    whose inode is gone or was reused; None for NTFS's reserved MFT records 16-23, which
    mkntfs leaves unallocated and TSK lists as orphans: they are the file system's."""
    address = int(getattr(name_info, "meta_addr", 0) or 0)
    ntfs = _is(fs, "NTFS")
    if address < NTFS_UNUSED_RECORDS and ntfs:
        return None
    if address:
        try:
            opened = fs.open_meta(inode=address)
            meta = opened.info.meta
        except (OSError, RuntimeError):
            opened = meta = None
        if (
            meta is not None
            and meta.type in (pytsk3.TSK_FS_META_TYPE_REG, pytsk3.TSK_FS_META_TYPE_DIR)
            and not _reused(name_info, meta, ntfs)
        ):
            return opened, meta
    if deleted or int(name_info.flags) & int(pytsk3.TSK_FS_NAME_FLAG_UNALLOC):
        return TskProblem(
            path,
            "deleted-content-gone",
            "deleted file: its name is left but its metadata (inode, MFT record) was "
            "reused, so its content cannot be read",
            warning=True,
        )
    return TskProblem(path, "unreadable", "listed without its metadata (inode unreadable)")


def _reused(name_info: Any, meta: Any, ntfs: bool) -> bool:
    """Whether a deleted name's inode now belongs to another file: allocated again, or (NTFS)
    its MFT record's sequence number moved on by more than the one step that deleting the
    name's own file makes."""
    if not int(name_info.flags) & int(pytsk3.TSK_FS_NAME_FLAG_UNALLOC):
        return False  # an orphan's own inode (TSK found it unreferenced)
    if int(meta.flags) & int(pytsk3.TSK_FS_META_FLAG_ALLOC):
        return True
    named = int(getattr(name_info, "meta_seq", 0) or 0)
    if ntfs and named:
        return (int(getattr(meta, "seq", named) or named) - named) % 0x10000 > 1
    return False


def _is(fs: Any, kind: str) -> bool:
    return bool(_ftype(fs) & int(getattr(pytsk3, f"TSK_FS_TYPE_{kind}_DETECT")))


def _ftype(fs: Any) -> int:
    """TSK's type number (exFAT is 10: compare it whole, its bits overlap FAT12 and FAT32)."""
    try:
        return int(fs.info.ftype)
    except (AttributeError, TypeError, ValueError):
        return 0


def _deleted(name_flags: int, meta_flags: int) -> bool:
    return bool(
        int(name_flags) & int(pytsk3.TSK_FS_NAME_FLAG_UNALLOC)
        or int(meta_flags) & int(pytsk3.TSK_FS_META_FLAG_UNALLOC)
    )
