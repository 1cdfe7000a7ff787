"""Archives of every kind libarchive reads (zip, 7z, rar, tar, and lone gzip/bzip2/xz/zstd
streams) as a content opener: members streamed block by block, never extracted to disk."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

from libarchive.exception import ArchiveError

from netsafe.triage.archive import (
    SPANNED_ZIP_MAGIC,
    archive_error_message,
    is_archive,
    is_compressed_stream,
    open_reader,
)
from netsafe.triage.names import shown_name
from netsafe.triage.openers.interfaces import (
    Content,
    Embedded,
    EmbeddedProblem,
    OpenContext,
    OpenError,
)

_KINDS = (
    (b"PK\x03\x04", "zip"),
    (b"PK\x05\x06", "zip"),
    *((magic, "zip") for magic in SPANNED_ZIP_MAGIC),
    (b"7z\xbc\xaf\x27\x1c", "7z"),
    (b"Rar!\x1a\x07", "rar"),
    (b"\x1f\x8b", "gzip"),
    (b"BZh", "bzip2"),
    (b"\xfd7zXZ\x00", "xz"),
    (b"\x28\xb5\x2f\xfd", "zstd"),
    (b"\x04\x22\x4d\x18", "lz4"),
    (b"\x1f\x9d", "compress"),
    (b"LZIP", "lzip"),
    (b"0707", "cpio"),
    (b"!<arch>\n", "ar"),
    (b"xar!", "xar"),
)


class ArchiveOpener:
    """Any archive libarchive reads, recognised by its signature."""

    kind = "archive"

    def recognise(self, head: bytes, name: str) -> bool:
        return is_archive(head)

    def describe(self, head: bytes) -> str:
        """The archive's format by its signature ("zip", "7z", "tar", ...)."""
        for magic, kind in _KINDS:
            if head.startswith(magic):
                return kind
        return "tar" if head[257:262] == b"ustar" else "archive"

    def open(self, content: Content, context: OpenContext) -> Iterator[Embedded | EmbeddedProblem]:
        if content.head.startswith(SPANNED_ZIP_MAGIC) and not _ends_a_zip(content):
            yield EmbeddedProblem("", "split-archive", SPLIT_ZIP_REASON)
        source: Any = content.path or content.data
        if source is None:
            source = content.stream
        attempts = (False, True) if is_compressed_stream(content.head) else (False,)
        for raw in attempts:
            if content.stream is not None and source is content.stream:
                content.stream.seek(0)
            started = False
            try:
                with open_reader(source, raw=raw) as reader:
                    for entry in reader:
                        if not entry.isfile:
                            if entry.isdir and entry.size:  # data no reader gives back
                                yield EmbeddedProblem(
                                    shown_name(entry.pathname or ""),
                                    "corrupt-archive",
                                    f"a folder entry that holds {entry.size:,} bytes: "
                                    "they were not read",
                                )
                            continue
                        started = True
                        name = shown_name(entry.pathname or "")
                        if name == "data" and entry.size is None:  # a raw .gz/.bz2/.xz
                            name = stripped_name(content.name)
                        yield Embedded(name, iter(entry.get_blocks()))
                return
            except ArchiveError as error:
                message = archive_error_message(error)
                if not raw and not started and len(attempts) > 1 and "Unrecognized" in message:
                    continue
                raise OpenError("corrupt-archive", message) from error


#: The first segment of a split zip: read as far as it goes, the rest said to be unread.
SPLIT_ZIP_REASON = (
    "the first segment of a split (multi-volume) zip: members in its other segments "
    "(.z02, ..., .zip) were not read; join the segments (zip -s 0 set.zip --out whole.zip) "
    "and triage the joined file"
)
#: The end of central directory record: 22 bytes and a comment of up to 65,535.
_END_RECORD_REACH = 22 + 0xFFFF


def _ends_a_zip(content: Content) -> bool:
    """True when the zip's end of central directory record is in its last bytes: a whole zip
    (`zip -s` writes one that fitted one segment with a spanning marker too), not a first
    segment whose members run on into the next."""
    reach = min(content.size, _END_RECORD_REACH)
    if content.data is not None:
        tail = content.data[-reach:]
    elif content.path is not None:
        with Path(content.path).open("rb") as handle:
            handle.seek(content.size - reach)
            tail = handle.read(reach)
    elif content.stream is not None:
        content.stream.seek(content.size - reach)
        tail = content.stream.read(reach)
    else:
        return True
    return b"PK\x05\x06" in tail


def stripped_name(container_name: str) -> str:
    """The lone member's name of a compressed stream: the container's without its ending."""
    base = container_name.replace("\\", "/").rsplit("/", 1)[-1]
    base = base.rsplit("!/", 1)[-1]
    stem, dot, _suffix = base.rpartition(".")
    return stem if dot and stem else base or "data"


OPENERS = (ArchiveOpener(),)
