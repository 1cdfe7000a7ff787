"""Plain files: the bulk of an exhibit, files that are nothing but their hashes.

Most files on a seized device are neither images nor archives and match no list. For them a
triage only needs the hashes its lists can match (`ScanConfig.hashes`), and the full scan's
machinery (sniffing through Pillow, a fingerprint, a match outcome, a record and a journal row
per file) costs more than reading and hashing a small file. So a worker first tries each regular
file on a lean path, `PlainFileReader`: one open, one read into a reusable buffer, the digests,
a check of the first bytes. A file that turns out to be anything else (an image, an archive,
empty, unreadable, named like an image) goes to the full scan, and so does any file a list may
know: the matcher answers for a whole batch of digests at once (`Matcher.known_digests`), and
those files are scanned again in full, so their matches, ignores and all three hashes come out
exactly as before.

What is left travels, is journaled and is reported as one `PlainFiles` per batch: columns of
keys, paths and sizes, and each computed hash as raw digests back to back.
"""

from __future__ import annotations

import errno
import io
import os
import stat
from collections.abc import Callable, Iterable, Iterator
from typing import cast

import msgspec

from netsafe.media import SNIFF_BYTES, could_be_image, sniff_media_type
from netsafe.signals.crypto import CHUNK_SIZE, CRYPTO_SIGNALS, new_hash, split_digests
from netsafe.triage.archive import HEAD_BYTES, zip_end
from netsafe.triage.extensions import IMAGE_SUFFIXES
from netsafe.triage.items import FileItem, FileRecord
from netsafe.triage.openers.content.embedded_pictures import ends_like_embedding
from netsafe.triage.openers.registry import REGISTRY
from netsafe.video.sniff import VIDEO_SNIFF_BYTES, could_be_video, sniff_video


class PlainFiles(msgspec.Struct, array_like=True):
    """Files of one batch (or a whole triage) that are nothing but their hashes, as columns.

    `md5`, `sha1` and `sha256` hold each file's raw digest back to back, in `keys` order; a hash
    that was not computed (`ScanConfig.hashes`) is empty.
    """

    keys: list[str] = msgspec.field(default_factory=list)
    sources: list[str] = msgspec.field(default_factory=list)
    paths: list[str] = msgspec.field(default_factory=list)
    sizes: list[int] = msgspec.field(default_factory=list)
    md5: bytes = b""
    sha1: bytes = b""
    sha256: bytes = b""

    def __len__(self) -> int:
        return len(self.keys)

    @property
    def total_bytes(self) -> int:
        return sum(self.sizes)

    def digests(self, name: str) -> bytes:
        """The raw digests of hash `name` back to back (empty when it was not computed)."""
        value: bytes = getattr(self, name)
        return value

    def _split(self, name: str) -> list[bytes]:
        """Each file's digest of hash `name` (empty ones when it was not computed)."""
        return split_digests(name, self.digests(name)) or [b""] * len(self.keys)

    def records(self) -> Iterator[FileRecord]:
        """Each file as a `FileRecord` (hex hashes; "" for a hash not computed)."""
        md5s, sha1s, sha256s = (self._split(name) for name in CRYPTO_SIGNALS)
        columns = zip(self.sources, self.paths, self.sizes, md5s, sha1s, sha256s, strict=True)
        for source, path, size, md5, sha1, sha256 in columns:
            yield FileRecord(source, path, size, md5.hex(), sha1.hex(), sha256.hex())

    def select(self, positions: Iterable[int]) -> PlainFiles:
        """The files at `positions`, in that order."""
        kept = list(positions)
        digests = {}
        for name in CRYPTO_SIGNALS:
            column = self._split(name)
            digests[name] = b"".join(column[i] for i in kept)
        return PlainFiles(
            [self.keys[i] for i in kept],
            [self.sources[i] for i in kept],
            [self.paths[i] for i in kept],
            [self.sizes[i] for i in kept],
            **digests,
        )

    @classmethod
    def concat(cls, parts: Iterable[PlainFiles]) -> PlainFiles:
        """One `PlainFiles` of every part's files, in order. Parts computed different hashes
        only when they come from different runs; a hash missing from any part is dropped."""
        parts = [part for part in parts if part.keys]
        joined = cls()
        for part in parts:
            joined.keys.extend(part.keys)
            joined.sources.extend(part.sources)
            joined.paths.extend(part.paths)
            joined.sizes.extend(part.sizes)
        for name in CRYPTO_SIGNALS:
            columns = [part.digests(name) for part in parts]
            if columns and all(columns):
                setattr(joined, name, b"".join(columns))
        return joined


_ENCODE = msgspec.msgpack.Encoder().encode
_DECODE = msgspec.msgpack.Decoder(PlainFiles).decode


def pack(plain: PlainFiles) -> bytes:
    """`plain` as MessagePack (how it crosses to the main process and sits in the journal)."""
    return _ENCODE(plain)


def unpack(data: bytes) -> PlainFiles:
    return _DECODE(data)


class PlainBatchBuilder:
    """Collects a batch's plain files as columns (the digests in `hashes` order)."""

    def __init__(self, hashes: tuple[str, ...], *, videos: bool = False) -> None:
        """`videos`: send videos (by content) to the full scan too (a video signal is
        registered)."""
        self.hashes = hashes
        self.videos = videos
        self.items: list[FileItem] = []  # kept for a full scan if a list knows one
        self.sizes: list[int] = []
        self.digests: list[list[bytes]] = [[] for _ in hashes]

    def add(self, item: FileItem, size: int, digests: tuple[bytes, ...]) -> None:
        self.items.append(item)
        self.sizes.append(size)
        for column, digest in zip(self.digests, digests, strict=True):
            column.append(digest)

    def build(self) -> PlainFiles:
        items = self.items
        return PlainFiles(
            [item.key for item in items],
            [item.source for item in items],
            [item.path for item in items],
            self.sizes,
            **{
                name: b"".join(column)
                for name, column in zip(self.hashes, self.digests, strict=True)
            },
        )


class PlainFileReader:
    """The lean path: reads a regular file and hashes it, or says it needs the full scan.

    Not thread-safe (one reusable buffer): one per worker, like the `Fingerprinter`.
    """

    def __init__(self, hashes: tuple[str, ...], *, videos: bool = False) -> None:
        """`videos`: send videos (by content) to the full scan too (a video signal is
        registered)."""
        self.hashes = hashes
        self.videos = videos
        self._new = tuple(new_hash(name) for name in hashes)
        self._buffer = bytearray(max(CHUNK_SIZE, HEAD_BYTES))
        self._view = memoryview(self._buffer)

    def read(self, path: str, relative: str) -> tuple[int, tuple[bytes, ...]] | None:
        """(size, digests in `hashes` order) of the file at `path`, or None when it needs the
        full scan: named like an image, empty, an image or archive by content, not a regular
        file, or unreadable (the full scan reports why)."""
        if _named_like_image(relative):
            return None
        try:
            descriptor = os.open(path, os.O_RDONLY | os.O_NONBLOCK)
        except OSError:
            return None
        buffer = self._buffer
        try:
            if not stat.S_ISREG(os.fstat(descriptor).st_mode):
                return None
            return self._digests(lambda: os.readv(descriptor, [buffer]))
        except OSError:
            return None
        finally:
            os.close(descriptor)

    def read_stream(
        self, stream: io.RawIOBase, relative: str
    ) -> tuple[int, tuple[bytes, ...]] | None:
        """Like `read`, for a file read from a disk image's file system (a `file_streams`
        stream; the caller closes it)."""
        if _named_like_image(relative):
            return None
        view = self._view

        def fill() -> int:  # the buffer full, or what is left of the file
            count = 0
            while count < len(view):
                got = stream.readinto(view[count:])
                if not got:
                    break
                count += got
            return count

        try:
            return self._digests(fill)
        except OSError:
            return None

    def _digests(self, fill: Callable[[], int]) -> tuple[int, tuple[bytes, ...]] | None:
        """Read with `fill` (the buffer full each time but at the end) and hash, or None when
        the first bytes need the full scan; raises OSError."""
        buffer, view = self._buffer, self._view
        count = fill()
        if not count:
            return None
        # the signatures' first bytes rule out most content; the rest is looked at closely
        # (past `count` the buffer may hold an earlier file's bytes: that only sends a file
        # to `_special`)
        if (could_be_image(buffer) or _container(buffer)) and _special(view, count):
            return None
        # (sniff_video copies the 1 KB it needs, not the buffer)
        if (
            self.videos
            and could_be_video(buffer)
            and sniff_video(view[: min(count, VIDEO_SNIFF_BYTES)])
        ):
            return None
        hashes = [new(view[:count]) for new in self._new]
        size = count
        while count == len(buffer):
            count = fill()
            for hash_ in hashes:
                hash_.update(view[:count])
            size += count
        # the buffer ends with the file's last bytes (a read at the end writes nothing): a zip
        # appended to other content (an installer, a picture) needs the full scan to be opened,
        # a split zip's last segment to be reported; a file ending like a picture or a PDF may
        # hold pictures (`embedded_pictures`)
        end = count or len(buffer)
        if zip_end(buffer, end, size) is not None or ends_like_embedding(buffer, end):
            return None
        return size, tuple(hash_.digest() for hash_ in hashes)


def _named_like_image(relative: str) -> bool:
    slash, dot = relative.rfind("/"), relative.rfind(".")
    return dot > slash + 1 and relative[dot:].lower() in IMAGE_SUFFIXES


def _special(view: memoryview, count: int) -> bool:
    """True when the first bytes say image or archive."""
    head = bytes(view[: min(count, HEAD_BYTES)])
    if _container(head):
        return True
    return could_be_image(head) and sniff_media_type(head[:SNIFF_BYTES]) is not None


def _container(head: bytes | bytearray) -> bool:
    """True when a content opener (archive, disk image, thumbnail cache, ...) knows the bytes."""
    # (a bytearray is read in place: the recognisers only slice and compare)
    return REGISTRY.content_for(cast(bytes, head), "") is not None


def open_regular(path: str) -> io.FileIO:
    """Open a file for reading, refusing (without blocking) anything that is no longer a regular
    file: a FIFO swapped in after the listing would otherwise block the worker for ever.
    (O_NONBLOCK is left on: it means nothing for a regular file, and saves two syscalls.)"""
    descriptor = os.open(path, os.O_RDONLY | os.O_NONBLOCK)
    try:
        if not stat.S_ISREG(os.fstat(descriptor).st_mode):
            raise OSError(errno.EINVAL, "no longer a regular file")
    except OSError:
        os.close(descriptor)
        raise
    return io.FileIO(descriptor, "rb")
