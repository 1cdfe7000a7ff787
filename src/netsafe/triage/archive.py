"""Reading archives of any kind libarchive knows (zip, 7z, rar, tar, gz, bz2, xz, …) as a stream of
members, under the limits of `limits.py`. Nothing is ever extracted to disk: members are read
block by block, and only a nested archive is held in memory (bounded) to be opened in turn."""

from __future__ import annotations

import enum
import io
import re
import struct
from collections.abc import Iterator
from contextlib import AbstractContextManager
from typing import Any, BinaryIO

import libarchive
from libarchive.exception import ArchiveError

from netsafe.triage.limits import ContainerCount, ExpansionBudget

#: gzip, bzip2, xz, zstd, lz4 (frame format), lzip; compress (.Z) and LZMA-alone, whose
#: signatures are short, by `_is_weak_stream`
COMPRESSED_STREAM_MAGIC = (
    b"\x1f\x8b",
    b"BZh",
    b"\xfd7zXZ\x00",
    b"\x28\xb5\x2f\xfd",
    b"\x04\x22\x4d\x18",
    b"LZIP",
)
#: A zip written by `zip -s` (or WinZip) as a split set begins with a spanning marker before its
#: first local header (APPNOTE 8.5.3/8.5.4): the set's first segment, or a set that fitted one.
SPANNED_ZIP_MAGIC = (b"PK\x07\x08PK\x03\x04", b"PK00PK\x03\x04")
ARCHIVE_MAGIC = (
    b"PK\x03\x04",
    b"PK\x05\x06",
    *SPANNED_ZIP_MAGIC,
    b"7z\xbc\xaf\x27\x1c",
    b"Rar!\x1a\x07",
    b"070701",  # cpio, SVR4 ASCII ("newc": Android and Linux initramfs)
    b"070702",  # cpio, SVR4 with CRC
    b"070707",  # cpio, POSIX portable ASCII
    b"!<arch>\n",  # ar (Debian packages, static libraries)
    b"xar!",  # xar (macOS .pkg and .xip)
    *COMPRESSED_STREAM_MAGIC,
)
#: LZMA-alone (.lzma) dictionary sizes, as xz-utils accepts them: 2^n or 2^n + 2^(n-1)
_LZMA_DICTIONARIES = frozenset(
    size for n in range(12, 31) for size in (1 << n, (1 << n) + (1 << (n - 1)))
)
_ESCAPED_BYTE = re.compile(r"\\x[0-9a-f]{2}")
#: The first bytes kept to recognise a container (`openers.interfaces.PROBE_BYTES`).
HEAD_BYTES = 34 * 1024


def is_archive(head: bytes | bytearray) -> bool:
    """True when the first bytes of a file say it is an archive or a compressed stream."""
    return head.startswith(ARCHIVE_MAGIC) or head[257:262] == b"ustar" or _is_weak_stream(head)


def is_compressed_stream(head: bytes) -> bool:
    return head.startswith(COMPRESSED_STREAM_MAGIC) or _is_weak_stream(head)


def _is_weak_stream(head: bytes | bytearray) -> bool:
    """compress (.Z: `1f 9d`, then a flags byte with its reserved bits clear and 9-16 bits a
    code), or LZMA-alone (.lzma: the usual properties byte `5d` (lc=3, lp=0, pb=2), a dictionary
    size xz-utils accepts and an uncompressed size that is unknown (all ones) or under 256 GB)."""
    if head[:2] == b"\x1f\x9d" and len(head) > 2:
        return head[2] & 0x60 == 0 and 9 <= head[2] & 0x1F <= 16
    if head[:1] != b"\x5d" or len(head) < 13:
        return False
    dictionary = int.from_bytes(head[1:5], "little")
    size = int.from_bytes(head[5:13], "little")
    return dictionary in _LZMA_DICTIONARIES and (size == (1 << 64) - 1 or size < 1 << 38)


#: How far from a file's end a zip's end record is looked for: 22 bytes and a comment of up to
#: 4 KB (the record allows 64 KB: a look that far costs the lean path ~20 us a file).
ZIP_TAIL_BYTES = 22 + 4096
_END_RECORD = struct.Struct("<4sHHHHIIH")


class ZipEnd(enum.Enum):
    """What a zip end record closing a file says the file is (`zip_end`)."""

    APPENDED = "appended"  # a whole zip behind other content: opened from its end
    LAST_SEGMENT = "last-segment"  # the last segment of a split set (`x.zip` after `x.z01`...)


def zip_end(data: bytes | bytearray, end: int, size: int) -> ZipEnd | None:
    """What `data[:end]`, the last bytes of a file of `size` bytes, end: a zip that starts after
    the file's first byte (a self-extracting installer, a zip appended to a picture), or the
    last segment of a split zip, or None. The end record must close the file exactly and its
    central directory must start where it says (a chance `PK\x05\x06` does neither)."""
    at = data.rfind(b"PK\x05\x06", max(0, end - ZIP_TAIL_BYTES), end)
    if at < 0 or end - at < _END_RECORD.size:
        return None
    _sig, disk, cd_disk, _here, entries, cd_size, cd_offset, comment = _END_RECORD.unpack_from(
        data, at
    )
    if not entries or at + _END_RECORD.size + comment != end or cd_offset == 0xFFFFFFFF:
        return None  # (0xFFFFFFFF: a Zip64 record, not looked into)
    cd_start = size - (end - at) - cd_size  # in the file
    local = cd_start - (size - end)  # in `data`
    if local >= 0 and bytes(data[local : local + 4]) != b"PK\x01\x02":
        return None
    if disk and cd_disk <= disk:
        # the directory's offset counts from the start of its own segment
        return ZipEnd.LAST_SEGMENT if cd_disk < disk or cd_start == cd_offset else None
    if disk or cd_disk or cd_start - cd_offset <= 0:
        return None  # a zip from the file's first byte: its head says so
    return ZipEnd.APPENDED


def zip_end_problem(end: ZipEnd | None, *, member: bool) -> tuple[str, str] | None:
    """The errors.csv (kind, reason) of what `zip_end` found, or None when there is nothing to
    say: a zip appended to a file is opened, one appended to an archive member cannot be (a
    member is read once, and only a container recognised by its first bytes is held)."""
    if end is ZipEnd.LAST_SEGMENT:
        return "split-archive", (
            "the last segment of a split (multi-volume) zip: the members were not read; join "
            "the segments (zip -s 0 set.zip --out whole.zip) and triage the joined file"
        )
    if end is ZipEnd.APPENDED and member:
        return "appended-archive", (
            "a zip is appended to this member's content and was not opened: extract the "
            "member and triage it"
        )
    return None


def unsafe_member_name(name: str) -> bool:
    """True for member names that would climb out of an extraction folder or are absolute."""
    # (a leading `\\xNN` is an undecodable byte as `names.shown_name` writes it, not a root)
    rooted = name.startswith("/") or (name.startswith("\\") and not _ESCAPED_BYTE.match(name))
    if rooted or (len(name) > 1 and name[1] == ":"):
        return True
    parts = name.replace("\\", "/").split("/")
    return ".." in parts


class MemberStream(io.RawIOBase):
    """A member's bytes, block by block, counted against the expansion budget.

    A corrupt block or a tripped limit ends the stream early and is remembered in `failure`;
    the caller discards what was read and reports it.
    """

    def __init__(
        self, blocks: Iterator[bytes], budget: ExpansionBudget, container: ContainerCount
    ) -> None:
        super().__init__()
        self._blocks = blocks
        self._budget = budget
        self._container = container
        self._pending = b""
        self.failure: str | None = None
        #: The bytes read so far and the last `ZIP_TAIL_BYTES` of them (`zip_end` of a member)
        self.size = 0
        self.tail = b""

    def readable(self) -> bool:
        return True

    def _next_block(self) -> bytes:
        if self.failure is not None:
            return b""
        try:
            block = next(self._blocks, b"")
        except ArchiveError as error:
            self.failure = f"corrupt archive member: {_message(error)}"
            return b""
        except OSError as error:  # a file read back from a disk image inside the item
            self.failure = f"unreadable: {error}"
            return b""
        if block and not self._budget.consume(self._container, len(block)):
            self.failure = self._budget.tripped
            return b""
        block = bytes(block)
        self.size += len(block)
        tail = block if len(block) >= ZIP_TAIL_BYTES else self.tail + block
        self.tail = tail[-ZIP_TAIL_BYTES:]
        return block

    def readinto(self, buffer: Any) -> int:
        if not self._pending:
            self._pending = self._next_block()
            if not self._pending:
                return 0
        count = min(len(buffer), len(self._pending))
        buffer[:count] = self._pending[:count]
        self._pending = self._pending[count:]
        return count

    def peek_head(self) -> bytes:
        """The first bytes (up to HEAD_BYTES), kept to be read again."""
        while len(self._pending) < HEAD_BYTES:
            block = self._next_block()
            if not block:
                break
            self._pending += block
        return self._pending[:HEAD_BYTES]

    def read_all(self, limit: int) -> bytes | None:
        """Every remaining byte, or None (and `failure` set) past `limit` bytes."""
        chunks = [self._pending]
        total = len(self._pending)
        self._pending = b""
        while block := self._next_block():
            total += len(block)
            if total > limit:
                self.failure = f"nested archive larger than {limit} bytes; not opened"
                return None
            chunks.append(block)
        return b"".join(chunks)


def open_reader(source: str | bytes | BinaryIO, *, raw: bool) -> AbstractContextManager[Any]:
    """A libarchive reader over a path, bytes or a binary stream (`raw` for a lone .gz/.bz2/.xz)."""
    format_name = "raw" if raw else "all"
    reader: AbstractContextManager[Any]
    if isinstance(source, str):
        reader = libarchive.file_reader(source, format_name=format_name, block_size=1 << 16)
    elif isinstance(source, bytes):
        reader = libarchive.memory_reader(source, format_name=format_name)
    else:
        reader = libarchive.stream_reader(source, format_name=format_name, block_size=1 << 16)
    return reader


def _message(error: ArchiveError) -> str:
    message = getattr(error, "msg", None) or str(error)
    return str(message).split(" (errno=")[0]


archive_error_message = _message
