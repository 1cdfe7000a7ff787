"""Pictures embedded in allocated files that NetSafe does not otherwise open: each JPEG or PNG
found in the file's bytes is an item (`doc.pdf!/embedded-0001@0x2a1.jpg`: its order and its
byte offset in the file).

Which files are read so, always by content, never by name:

- a PDF (`%PDF-` at its first byte, or `%%EOF` at its end): a picture stored with
  `/DCTDecode` is the JPEG's own bytes in the file. Pictures inside `/FlateDecode` streams
  (PNG-like images, pictures in compressed object streams) are not inflated: not found.
- a file whose last bytes end a picture (a JPEG's EOI `FF D9`, a PNG's `IEND` chunk) that is
  not one picture from its first byte to its last: a JPEG appended to a text file or behind
  another picture, Android's `.thumbdata` files (JPEGs back to back). The scanner looks at
  that tail (`ends_like_embedding`) like it looks for an appended zip; a file that is exactly
  one picture yields nothing here (it was hashed and matched as itself).
- an OLE compound file that is not a `Thumbs.db` (a legacy .doc, .xls, .ppt): each stream is
  read (`ole_stream_pictures`, called by `thumbnail_cache.ThumbsDbOpener`).

The carving engine's JPEG and PNG carvers walk each candidate's structure to its true end and
decode it before it is accepted, at every byte (`alignment=1`): a truncated or corrupt picture
is a carve miss, never an error of the file. Every embedded picture is flagged `carved`; the
scanner hashes it (MD5, SHA-1, SHA-256, PDQ) and matches it like a file.

Bounds: `MAX_EMBEDDED` pictures per file, candidates starting in the first `MAX_SCANNED` bytes
of a file (or OLE stream), OLE streams of at most `MAX_OLE_STREAM` bytes; each cap hit is an
errors.csv row (`embedded-pictures-capped`, severity error: pictures may be left unread).
"""

from __future__ import annotations

import os
import struct
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import BinaryIO, Protocol

from netsafe.triage.carving import jpeg, png
from netsafe.triage.carving.candidate import CandidateBytes
from netsafe.triage.carving.engine import carve
from netsafe.triage.carving.registry import MIB
from netsafe.triage.openers.interfaces import (
    Content,
    Embedded,
    EmbeddedProblem,
    OpenContext,
    OpenError,
)

MAX_EMBEDDED = 10_000
MAX_SCANNED = 1024 * MIB
MAX_OLE_STREAM = 512 * MIB
CAPPED = "embedded-pictures-capped"
PDF_SIGNATURE = b"%PDF-"
FORMATS = (*jpeg.FORMATS, *png.FORMATS)
CARVED = frozenset({"carved"})
_JPEG_END = b"\xff\xd9"
_PNG_END = b"IEND\xaeB`\x82"
_PDF_END = b"%%EOF"
_PDF_LAST = frozenset(b"F\r\n")

ReadAt = Callable[[int, int], bytes]


class _OleFile(Protocol):
    def get_size(self, filename: list[str]) -> int: ...

    def openstream(self, filename: list[str]) -> BinaryIO: ...


def is_pdf(head: bytes) -> bool:
    """True when the bytes start with a PDF header (at byte 0, as `file` looks for it: a PDF
    with bytes before its header is found by its end instead, `ends_like_embedding`)."""
    return head.startswith(PDF_SIGNATURE)


def ends_like_embedding(data: bytes | bytearray, end: int) -> bool:
    """True when `data[:end]`, a file's last bytes, end a JPEG (EOI), a PNG (IEND chunk) or a
    PDF (`%%EOF`, then an end of line or not): the last byte rules out most files at once."""
    if end <= 0:
        return False
    last = data[end - 1]
    if last == 0xD9:
        return data[max(0, end - 2) : end] == _JPEG_END
    if last == 0x82:
        return data[max(0, end - 8) : end] == _PNG_END
    if last in _PDF_LAST:
        return data.find(_PDF_END, max(0, end - 7), end) >= 0
    return False


class EmbeddedPicturesOpener:
    """PDFs by content; the scanner also hands it files that end like a picture."""

    kind = "embedded-pictures"

    def recognise(self, head: bytes, name: str) -> bool:
        return is_pdf(head)

    def describe(self, head: bytes) -> str:
        """The kind a source of it is reported as."""
        return "pdf" if is_pdf(head) else "file"

    def open(self, content: Content, context: OpenContext) -> Iterator[Embedded | EmbeddedProblem]:
        if content.data is not None:
            yield from embedded_pictures(_bytes_reader(content.data), content.size)
        elif content.path is not None:
            with Path(content.path).open("rb") as handle:
                descriptor = handle.fileno()
                yield from embedded_pictures(
                    lambda at, size: os.pread(descriptor, size, at), content.size
                )
        elif content.stream is not None:
            yield from embedded_pictures(_stream_reader(content.stream), content.size)
        else:
            raise OpenError("unreadable", "no bytes to read")


def _bytes_reader(data: bytes) -> ReadAt:
    return lambda at, size: data[at : at + size]


def _stream_reader(stream: BinaryIO) -> ReadAt:
    def read(at: int, size: int) -> bytes:
        stream.seek(at)
        return stream.read(size)

    return read


def embedded_pictures(
    read: ReadAt, size: int, prefix: str = ""
) -> Iterator[Embedded | EmbeddedProblem]:
    """Every JPEG and PNG carved from `size` bytes read with `read(offset, size)`, but the one
    picture that is all of them (the file itself); named `<prefix>embedded-<n>@0x<offset>`."""
    if _one_picture(read, size):
        return
    count = 0
    for found in carve(read, size, scan_end=MAX_SCANNED, formats=FORMATS, alignment=1):
        if found.offset == 0 and found.length == size:
            continue
        count += 1
        if count > MAX_EMBEDDED:
            yield EmbeddedProblem(
                prefix.rstrip("/"),
                CAPPED,
                f"more than {MAX_EMBEDDED:,} embedded pictures: those after offset "
                f"{found.offset:#x} were not read",
            )
            return
        name = f"{prefix}embedded-{count:04d}@{found.offset:#x}.{found.extension}"
        yield Embedded(name, _blocks(read, found.offset, found.length), flags=CARVED)
    if size > MAX_SCANNED:
        yield EmbeddedProblem(
            prefix.rstrip("/"),
            CAPPED,
            f"{size:,} bytes: pictures starting past the first {MAX_SCANNED:,} not looked for",
        )


def _one_picture(read: ReadAt, size: int) -> bool:
    """True when the bytes are exactly one JPEG or PNG, measured by its structure (the common
    case of a picture file ending like one: nothing to carve, nothing decoded again)."""
    head = read(0, 8)
    for carved in FORMATS:
        if head.startswith(carved.signatures):
            found = carved.measure(CandidateBytes(read, 0, min(carved.max_size, size)))
            return found is not None and found.length == size
    return False


def _blocks(read: ReadAt, offset: int, length: int) -> Iterator[bytes]:
    done = 0
    while done < length:
        block = read(offset + done, min(MIB, length - done))
        if not block:
            raise OSError(f"the file ended {length - done:,} bytes into a picture at {offset:#x}")
        done += len(block)
        yield block


def ole_stream_pictures(
    ole: _OleFile, streams: list[list[str]]
) -> Iterator[Embedded | EmbeddedProblem]:
    """The pictures in the streams of an OLE compound file (a legacy Office document keeps its
    pictures in streams such as `Data` or `Pictures`, contiguous there though not in the file),
    named below the stream (`report.doc!/Data/embedded-0001@0x1f0.jpg`)."""
    for path in streams:
        name = "/".join(path)
        try:
            size = ole.get_size(path)
            if size > MAX_OLE_STREAM:
                yield EmbeddedProblem(
                    name, CAPPED, f"{size:,} bytes, over {MAX_OLE_STREAM:,}: not looked into"
                )
                continue
            data = ole.openstream(path).read()
        except (OSError, ValueError, struct.error) as error:
            yield EmbeddedProblem(name, "corrupt-ole-file", f"stream not read: {error}")
            continue
        yield from embedded_pictures(_bytes_reader(data), len(data), f"{name}/")


OPENERS = (EmbeddedPicturesOpener(),)
