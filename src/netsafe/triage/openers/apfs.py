"""APFS containers read with libfsapfs: each volume a file system of its own (an encrypted volume
unlocked with `--key`, else reported `encrypted-volume`). Paths: the container's label, then
`/volume-N` when the container holds more than one volume."""

from __future__ import annotations

import stat
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from netsafe.triage.openers.byte_sources import SourceFile
from netsafe.triage.openers.file_streams import ApfsFileStream
from netsafe.triage.openers.interfaces import ByteRun, ByteSource, EmbeddedProblem
from netsafe.triage.openers.tsk_walk import MAX_DEPTH, TskFile, TskProblem


@dataclass
class ApfsFileSystem:
    """One APFS volume (`interfaces.OpenedFileSystem`)."""

    label: str
    offset: int  # of the container on the medium
    volume_index: int
    volume: Any  # pyfsapfs.volume
    type_name: str = "APFS"
    encryption: str | None = None

    def walk(self) -> Iterator[TskFile | TskProblem]:
        try:
            root = self.volume.get_root_directory()
        except OSError as error:
            yield TskProblem(self.label or "/", "corrupt-file-system", str(error))
            return
        yield from _walk(root, self.label, 0)

    def open_file(self, identifier: int, attr_type: int = 0, attr_id: int = -1) -> ApfsFileStream:
        """The file's data (APFS extended attributes and resource forks are not read)."""
        return ApfsFileStream(self.volume.get_file_entry_by_identifier(identifier))

    def unallocated(self) -> Iterator[ByteRun]:
        raise LookupError("APFS: the allocation map is not read")


def open_apfs(
    source: ByteSource, offset: int, label: str, keys: list[str]
) -> tuple[list[ApfsFileSystem], list[EmbeddedProblem], list[Any]]:
    """The volumes of the APFS container in `source` (at `offset` on the medium), the problems
    met, and the handles to close."""
    import pyfsapfs

    container, file_object = pyfsapfs.container(), SourceFile(source)
    try:
        container.open_file_object(file_object)
    except OSError as error:
        reason = f"{label or 'the medium'}: APFS container cannot be opened: {error}"
        return [], [EmbeddedProblem(label, "corrupt-file-system", reason)], []
    count = int(container.get_number_of_volumes())
    found: list[ApfsFileSystem] = []
    problems: list[EmbeddedProblem] = []
    for index in range(count):
        volume = container.get_volume(index)
        where = f"{label}/volume-{index + 1}" if count > 1 else label
        encrypted = bool(volume.is_locked())
        if encrypted and not _unlock(volume, keys):
            name = volume.get_name() or f"volume {index + 1}"
            tried = (
                "the key given did not unlock it"
                if keys
                else ("needs a password or recovery key (--key SOURCE=@file or SOURCE=-)")
            )
            reason = f"{where or 'the medium'} ({name}): encrypted APFS volume; {tried}"
            problems.append(EmbeddedProblem(where, "encrypted-volume", reason))
            continue
        found.append(
            ApfsFileSystem(where, offset, index, volume, encryption="APFS" if encrypted else None)
        )
    return found, problems, [container, file_object]


def _unlock(volume: Any, keys: list[str]) -> bool:
    for key in keys:
        try:
            volume.set_password(key)
            if volume.unlock():
                return True
        except OSError:
            continue
    return False


def _walk(directory: Any, prefix: str, depth: int) -> Iterator[TskFile | TskProblem]:
    try:
        entries = list(directory.sub_file_entries)
    except OSError as error:
        yield TskProblem(prefix or "/", "corrupt-file-system", str(error))
        return
    for entry in entries:
        path = f"{prefix}/{entry.get_name()}"
        mode = int(entry.get_file_mode() or 0)
        if stat.S_ISDIR(mode):
            if depth >= MAX_DEPTH:
                yield TskProblem(path, "too-deep", f"folder deeper than {MAX_DEPTH}")
                continue
            yield from _walk(entry, path, depth + 1)
        elif stat.S_ISREG(mode):
            yield TskFile(path, int(entry.get_identifier()), int(entry.get_size()), False)
