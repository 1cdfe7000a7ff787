"""An opened disk image as the source and the workers use it: the medium (any format the opener
registry recognises), its file systems, a file read back by (file-system offset, inode), and the
whole media's MD5 for verification. Workers keep their images open between batches."""

from __future__ import annotations

import hashlib
import io
from collections.abc import Callable
from pathlib import Path
from typing import Any

from netsafe.triage.items import UNPARTITIONED_SPACE, UNREAD_VOLUME_SPACE, Locator
from netsafe.triage.openers.apfs import ApfsFileSystem
from netsafe.triage.openers.disk import Disk, open_disk
from netsafe.triage.openers.interfaces import KeyRing, OpenError
from netsafe.triage.openers.resolve import open_medium, probe_path

VERIFY_CHUNK = 4 * 1024 * 1024


class ImageError(Exception):
    """The image cannot be opened: corrupt, truncated, a segment missing, or not an image.
    `kind` is its errors.csv kind."""

    def __init__(self, message: str, kind: str = "corrupt-image") -> None:
        super().__init__(message)
        self.kind = kind


class OpenImage:
    """An open disk image: its medium, format and volumes."""

    def __init__(self, path: Path, keys: KeyRing | None = None) -> None:
        self.path = path
        try:
            probe = probe_path(path)
            medium = open_medium(probe)
        except OpenError as error:
            raise ImageError(error.reason, error.kind) from error
        except OSError as error:
            raise ImageError(f"cannot read {path.name}: {error.strerror}", "unreadable") from error
        self.format = medium.kind
        self.disk: Disk = open_disk(medium, keys or KeyRing(), (str(path),))

    @property
    def segments(self) -> tuple[str, ...]:
        return self.disk.medium.segments

    def filesystem(self, offset: int) -> Any:
        """The pytsk3 file system at `offset` on the medium."""
        found = self.disk.filesystem_at(offset)
        if found is None or isinstance(found, ApfsFileSystem):
            raise ImageError(f"no file system The Sleuth Kit reads at offset {offset}")
        return found.tsk

    def open_file(
        self, offset: int, inode: int, attr_type: int = 0, attr_id: int = -1, volume: int = 0
    ) -> io.RawIOBase:
        """A readable stream over the file with `inode` in the file system at `offset` (in an
        APFS container, of its `volume`): its default data, or the attribute (`attr_type`,
        `attr_id`): an NTFS alternate data stream, an HFS+ resource fork."""
        found = self.disk.filesystem_at(offset, volume)
        if found is None:
            raise ImageError(f"no file system at offset {offset}")
        try:
            return found.open_file(inode, attr_type, attr_id)
        except (OSError, RuntimeError) as error:
            raise ImageError(f"cannot open inode {inode}: {error}") from error

    def carving_space(self, locator: Locator) -> tuple[Callable[[int, int], bytes], int]:
        """How a CARVE item's runs are read, and where its volume starts in those bytes: the
        bytes its file system lives in (the medium, or a decrypted volume), or the medium for
        the unpartitioned space and for a volume with no file system found."""
        if locator.space == UNPARTITIONED_SPACE:
            return self.disk.medium.data.read_at, 0
        if locator.space == UNREAD_VOLUME_SPACE:
            return self.disk.medium.data.read_at, locator.fs_offset
        found = self.disk.filesystem_at(locator.fs_offset)
        if found is None or isinstance(found, ApfsFileSystem):
            raise ImageError(f"no carvable file system at offset {locator.fs_offset}")
        return found.source.read_at, found.source_offset

    def stored_md5(self) -> str | None:
        return self.disk.medium.stored_md5

    def media_md5(self) -> tuple[str, int]:
        """MD5 over the whole media (every byte of the acquired device) and its size."""
        digest = hashlib.md5()  # noqa: S324 - forensic integrity hash, compared to the stored one
        data = self.disk.medium.data
        size = 0
        while size < data.size:
            chunk = data.read_at(size, min(VERIFY_CHUNK, data.size - size))
            if not chunk:
                raise OSError(f"no data at media offset {size} of {data.size}")
            digest.update(chunk)
            size += len(chunk)
        return digest.hexdigest(), size

    def close(self) -> None:
        self.disk.close()


def open_image(path: Path, keys: KeyRing | None = None) -> OpenImage:
    return OpenImage(path, keys)
