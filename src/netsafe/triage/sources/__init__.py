"""Triage sources: each walks one exhibit source and yields its file items (and the errors met on
the way). What a source is, is decided by its content through the opener registry
(`netsafe.triage.openers`), never by its name alone: a folder; a disk image of any format the
registry opens (EWF, split raw, VHD/VHDX, VMDK, QCOW2, or raw bytes holding a partition table,
file system or encrypted volume); else a single file, whose content (an archive, a thumbnail
cache, a disk image inside it) the worker that scans it opens."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Protocol

from netsafe.triage.items import EncryptedVolume, FileItem, ItemError
from netsafe.triage.openers.interfaces import KeyRing


class Source(Protocol):
    """A source of file items: a directory tree, a disk image, a single file."""

    label: str
    kind: str
    #: The encrypted volumes met (a disk image's), known once `items` has run
    encrypted: tuple[EncryptedVolume, ...]

    def items(self) -> Iterator[FileItem | ItemError]: ...


def open_source(
    path: Path, index: int, keys: KeyRing | None = None, *, carve: bool = True
) -> Source:
    """The source for `path`, by content: a directory, a disk image (its unallocated and
    unpartitioned space carved unless `carve` is False), else a single file."""
    from netsafe.triage.openers.interfaces import OpenError
    from netsafe.triage.openers.registry import REGISTRY
    from netsafe.triage.openers.resolve import is_disk, open_medium, probe_path
    from netsafe.triage.sources.directory import DirectorySource
    from netsafe.triage.sources.disk_image import DiskImageSource
    from netsafe.triage.sources.single_file import SingleFileSource

    if path.is_dir():
        return DirectorySource(path, index)
    try:
        probe = probe_path(path)
    except OSError:
        return DirectorySource(path, index)  # it reports why it cannot be read
    media_format = REGISTRY.media_for(probe)
    if media_format.kind != "raw":
        return DiskImageSource(path, index, media_format.kind, keys, carve=carve)
    try:
        medium = open_medium(probe)
    except OpenError:
        return DirectorySource(path, index)
    try:
        disk = is_disk(probe, medium)
    finally:
        medium.close()
    if disk:
        return DiskImageSource(path, index, "raw", keys, carve=carve)
    return SingleFileSource(path, index, probe)
