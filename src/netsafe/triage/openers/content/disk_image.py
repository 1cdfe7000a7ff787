"""A disk image found as an item (a member of an archive, a file in a folder or in another disk
image) as a content opener: its media format, volumes and file systems opened by content like a
source's, and every file in them yielded as an embedded item (`disk.vhd!/partition-1.1/a.jpg`).
Opened within the archive limits: its bytes come from a path, a stream, or memory bounded by
`max_nested_bytes`."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

from netsafe.triage.openers.byte_sources import FileBytes, MemoryBytes, StreamBytes
from netsafe.triage.openers.disk import open_disk
from netsafe.triage.openers.interfaces import (
    ByteSource,
    Content,
    Embedded,
    EmbeddedProblem,
    OpenContext,
    OpenError,
    Probe,
)
from netsafe.triage.openers.registry import REGISTRY
from netsafe.triage.openers.signatures import volume_kind
from netsafe.triage.openers.tsk_walk import TskFile, walk

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

    def open(self, content: Content, context: OpenContext) -> Iterator[Embedded | EmbeddedProblem]:
        path = Path(content.path) if content.path is not None else None
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
            if not disk.found and not disk.problems:
                raise OpenError("no-file-system", "no file system The Sleuth Kit reads")
            for problem in disk.problems:
                yield EmbeddedProblem(
                    problem.name.lstrip("/"), problem.kind, problem.reason, problem.warning
                )
            for fs in disk.found:
                for found in walk(fs.tsk, fs.label):
                    name = found.path.lstrip("/")
                    if isinstance(found, TskFile):
                        blocks = _blocks(fs.tsk, found, found.size)
                        yield Embedded(name, blocks, found.deleted)
                    else:
                        yield EmbeddedProblem(name, found.kind, found.reason, found.warning)
        finally:
            disk.close()


def _blocks(tsk: Any, found: TskFile, size: int) -> Iterator[bytes]:
    """A file's bytes (or its stream's: an NTFS alternate data stream, an HFS+ resource fork),
    read block by block from its file system."""
    inode = found.inode
    stream = (found.attr_type, found.attr_id) if found.attr_type else ()
    try:
        entry = tsk.open_meta(inode=inode)
    except (OSError, RuntimeError) as error:
        raise OSError(f"cannot open inode {inode}: {error}") from error
    offset = 0
    while offset < size:
        try:
            block = entry.read_random(offset, min(READ_BLOCK, size - offset), *stream)
        except (OSError, RuntimeError) as error:
            raise OSError(f"read error at offset {offset}: {error}") from error
        if not block:
            raise OSError(f"read error at offset {offset}: no data")
        offset += len(block)
        yield bytes(block)


OPENERS = (DiskImageOpener(),)
