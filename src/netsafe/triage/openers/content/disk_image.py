"""A disk image found as an item (a member of an archive, a file in a folder or in another disk
image) as a content opener: its media format, volumes and file systems opened by content like a
source's, and every file in them yielded as an embedded item (`disk.vhd!/partition-1.1/a.jpg`),
then what carving finds in its unallocated and unpartitioned space (`openers.carved_space`).
Opened within the archive limits: its bytes come from a path, a stream, or memory bounded by
`max_nested_bytes`."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any, BinaryIO

from netsafe.triage.carving.allocation import file_runs
from netsafe.triage.openers.byte_sources import FileBytes, MemoryBytes, StreamBytes
from netsafe.triage.openers.carved_space import carved_embedded
from netsafe.triage.openers.disk import open_disk
from netsafe.triage.openers.interfaces import (
    ByteSource,
    Content,
    Embedded,
    EmbeddedProblem,
    EmbeddedVolume,
    OpenContext,
    OpenError,
    Probe,
)
from netsafe.triage.openers.media import ewf, split_raw
from netsafe.triage.openers.registry import REGISTRY
from netsafe.triage.openers.signatures import volume_kind
from netsafe.triage.openers.tsk_walk import TskFile

READ_BLOCK = 1 << 20
_MEDIA_MAGIC = (
    b"EVF\x09\x0d\x0a\xff\x00",
    b"EVF2\x0d\x0a\x81\x00",
    b"vhdxfile",
    b"conectix",
    b"KDMV",
    b"QFI\xfb",
)


class DiskImageOpener:
    """A disk image inside an archive or another disk image, or a file in a folder."""

    kind = "disk-image"

    def recognise(self, head: bytes, name: str) -> bool:
        return head.startswith(_MEDIA_MAGIC) or volume_kind(head) is not None

    def describe(self, head: bytes) -> str:
        return volume_kind(head) or "disk-image"

    def open(
        self, content: Content, context: OpenContext
    ) -> Iterator[Embedded | EmbeddedProblem | EmbeddedVolume]:
        path = Path(content.path) if content.path is not None else None
        if path is not None and _later_segment(path, content.head):
            return  # read with its set, from the first segment (the file itself is hashed)
        probe = Probe(content.name, content.head, content.size, path)
        data: ByteSource | None
        if content.data is not None:
            data = MemoryBytes(content.data)
        elif content.stream is not None:
            data = StreamBytes(content.stream, content.size)
        else:
            data = None
        media_format = REGISTRY.media_for(probe)
        if data is None and media_format.kind == "raw":
            assert content.path is not None
            data = FileBytes(content.path)
        medium = media_format.open(probe, data)
        disk = open_disk(medium, context.keys, (content.name,))
        try:
            for volume in disk.encrypted:
                yield EmbeddedVolume(volume.volume.lstrip("/"), volume.scheme, volume.opened)
            if not disk.found and not disk.problems:
                raise OpenError("no-file-system", "no file system The Sleuth Kit reads")
            for problem in disk.problems:
                yield EmbeddedProblem(
                    problem.name.lstrip("/"), problem.kind, problem.reason, problem.warning
                )
            deleted_runs: dict[int, list[tuple[int, int]]] = {}
            for fs in disk.found:
                tsk = getattr(fs, "tsk", None)
                for found in fs.walk():
                    name = found.path.lstrip("/")
                    if isinstance(found, TskFile):
                        if found.deleted and context.carve and tsk is not None:
                            runs = file_runs(tsk, found.inode, getattr(fs, "source_offset", 0))
                            deleted_runs.setdefault(fs.offset, []).extend(runs)
                        yield Embedded(name, _blocks(fs.open_file, found), found.deleted)
                    else:
                        yield EmbeddedProblem(name, found.kind, found.reason, found.warning)
            if context.carve:
                yield from carved_embedded(disk, deleted_runs)
        finally:
            disk.close()


def _later_segment(path: Path, head: bytes) -> bool:
    """True for a later segment of an EWF or split raw set whose first segment lies beside it
    (`laptop.E02`, `usb.002`): opened on its own it would give the set's files again."""
    if head.startswith(_MEDIA_MAGIC[:2]):
        return ewf.first_segment(path) is not None
    return split_raw.first_segment(path) is not None


def _blocks(
    open_file: Callable[[int, int, int], BinaryIO | Any], found: TskFile
) -> Iterator[bytes]:
    """A file's bytes (or its stream's: an NTFS alternate data stream, an HFS+ resource fork),
    read block by block from its file system."""
    try:
        stream = open_file(found.inode, found.attr_type, found.attr_id)
    except (OSError, RuntimeError) as error:
        raise OSError(f"cannot open inode {found.inode}: {error}") from error
    with stream:
        while block := stream.read(READ_BLOCK):
            yield bytes(block)


OPENERS = (DiskImageOpener(),)
