"""Triage sources: each walks one exhibit source and yields its file items (and the errors met on
the way). Archives are not a source of their own here: any file whose content is an archive is
opened by the worker that scans it (`netsafe.triage.archive`)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Protocol

from netsafe.triage.items import FileItem, ItemError


class Source(Protocol):
    """A source of file items: a directory tree or a disk image."""

    label: str
    kind: str

    def items(self) -> Iterator[FileItem | ItemError]: ...


def open_source(path: Path, index: int) -> Source:
    """The source for `path`: a directory, else a disk image (raw or E01).

    A single file that is not a disk image (an archive, a loose picture) is scanned as a directory
    holding only that file.
    """
    from netsafe.triage.sources.directory import DirectorySource
    from netsafe.triage.sources.disk_image import DiskImageSource, looks_like_disk_image

    if path.is_dir() or not looks_like_disk_image(path):
        return DirectorySource(path, index)
    return DiskImageSource(path, index)
