"""A single file given as a source that is not a disk image: scanned as one item (an archive's
members, a thumbnail cache's entries, ... are opened by the worker). Its kind is what its content
is (`zip`, `7z`, `file`, ...); a name that suggested a disk image it is not (`usb.E01`,
`disk.vmdk`) is reported `not-a-disk-image`."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

from netsafe.triage.items import EncryptedVolume, FileItem, ItemError, Severity
from netsafe.triage.openers.interfaces import Probe
from netsafe.triage.openers.registry import REGISTRY
from netsafe.triage.sources.directory import DirectorySource


class SingleFileSource:
    """One file, its kind named by its content."""

    encrypted: tuple[EncryptedVolume, ...] = ()

    def __init__(self, path: Path, index: int, probe: Probe) -> None:
        self.path = path
        self.label = str(path)
        self._inner = DirectorySource(path, index)
        self.kind = content_kind(probe)
        self._suggested = REGISTRY.suggested_kind(path.name)

    def items(self) -> Iterator[FileItem | ItemError]:
        if self._suggested is not None:
            yield ItemError(
                self.label,
                ".",
                "not-a-disk-image",
                f"named like a {self._suggested} disk image, but no volume or file system "
                "was found in it: scanned as a single file",
                Severity.WARNING,
            )
        yield from self._inner.items()


def content_kind(probe: Probe) -> str:
    """The kind of a single file by its first bytes: its container kind, else `file`."""
    opener = REGISTRY.content_for(probe.head, probe.name)
    if opener is None:
        return "file"
    describe = getattr(opener, "describe", None)
    return str(describe(probe.head)) if describe is not None else opener.kind
