"""A directory tree as a triage source.

Regular files are listed from the folders' own records, without a stat each; their sizes come
from the workers' reads.

Symbolic links are followed only while they stay inside the tree; a link pointing outside it is
reported and not followed, and a directory reached twice (a link loop) is reported and not walked
again. FIFOs, sockets and devices are reported, never opened.
"""

from __future__ import annotations

import errno
import os
import stat
from collections.abc import Iterator
from pathlib import Path

from netsafe.triage.items import (
    EncryptedVolume,
    FileItem,
    ItemError,
    Locator,
    Severity,
)
from netsafe.triage.names import shown_name


class DirectorySource:
    """Every regular file under `root` (or `root` itself when it is a file)."""

    encrypted: tuple[EncryptedVolume, ...] = ()

    kind = "directory"

    def __init__(self, root: Path, index: int) -> None:
        self.root = root
        self.index = index
        self.label = str(root)

    def items(self) -> Iterator[FileItem | ItemError]:
        root = self.root
        try:
            info = root.stat()
        except OSError as error:
            yield self._error(".", "unreadable", f"cannot read the source: {error.strerror}")
            return
        if not stat.S_ISDIR(info.st_mode):
            yield self._file(str(root), root.name, info)
            return
        real_root = root.resolve()
        visited: set[tuple[int, int]] = {(info.st_dev, info.st_ino)}
        yield from self._walk(root, "", real_root, visited)

    def _walk(
        self, folder: Path, prefix: str, real_root: Path, visited: set[tuple[int, int]]
    ) -> Iterator[FileItem | ItemError]:
        try:
            entries = sorted(os.scandir(folder), key=lambda e: e.name)
        except OSError as error:
            yield self._error(prefix or ".", "unreadable", f"cannot list folder: {error.strerror}")
            return
        label, index = self.label, self.index
        for entry in entries:
            relative = f"{prefix}{shown_name(entry.name)}"
            try:
                if entry.is_symlink():
                    target = self._inside_target(Path(entry.path), real_root, relative)
                    if isinstance(target, ItemError):
                        yield target
                        continue
                elif entry.is_file(follow_symlinks=False):
                    # a regular file by the folder's own record (no stat: it costs more than
                    # the rest of the listing together); the worker's read gives its size
                    locator = Locator.of_file(entry.path)
                    yield FileItem(f"{index}:{relative}", label, relative, None, locator)
                    continue
                info = entry.stat()  # follows a link that stays inside the tree
            except OSError as error:
                yield self._error(relative, "unreadable", f"cannot stat: {error.strerror}")
                continue
            if stat.S_ISDIR(info.st_mode):
                identity = (info.st_dev, info.st_ino)
                if identity in visited:
                    yield self._error(
                        relative, "symlink-loop", "folder reached twice (link loop); not walked"
                    )
                    continue
                visited.add(identity)
                yield from self._walk(Path(entry.path), f"{relative}/", real_root, visited)
            else:
                yield self._file(entry.path, relative, info)

    def _inside_target(self, link: Path, real_root: Path, relative: str) -> Path | ItemError:
        try:
            target = link.resolve(strict=True)
        except RuntimeError:  # Python 3.11 reports a link loop this way
            return self._error(relative, "symlink-loop", "symlink loop; not followed")
        except OSError as error:
            if error.errno == errno.ELOOP:
                return self._error(relative, "symlink-loop", "symlink loop; not followed")
            return self._error(relative, "dangling-symlink", "dangling symlink; not followed")
        if target != real_root and real_root not in target.parents:
            return self._error(
                relative,
                "symlink-outside",
                f"link points outside the source ({target}); not followed",
            )
        return target

    def _file(self, path: str, relative: str, info: os.stat_result) -> FileItem | ItemError:
        if not stat.S_ISREG(info.st_mode):
            return self._error(
                relative, "not-a-file", "not a regular file (FIFO, socket or device)"
            )
        return FileItem(
            key=f"{self.index}:{relative}",
            source=self.label,
            path=relative,
            size=info.st_size,
            locator=Locator.of_file(path),
        )

    def _error(self, relative: str, kind: str, reason: str) -> ItemError:
        severity = Severity.WARNING if kind == "symlink-outside" else Severity.ERROR
        return ItemError(self.label, relative, kind, reason, severity)
