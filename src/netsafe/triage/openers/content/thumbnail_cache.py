"""Windows thumbnail caches as content openers: each embedded thumbnail is an item.

- `thumbcache_*.db` (Windows Vista to 11), from libyal's description of the format (libwtcdb,
  "Windows Explorer Thumbnail Cache database format"): a 24-byte file header (`CMMM`, format
  version 20 Vista, 21 Windows 7, 30 Windows 8.0, 31 8.1, 32 Windows 10/11, cache type, offset
  of the first entry), then cache entries, each `CMMM`, its size, an 8-byte entry hash, the
  sizes of its identifier string, padding and data, checksums, then the identifier (UTF-16),
  padding and the thumbnail (BMP, JPEG or PNG). Version 20's header is 56 bytes (with a file
  extension field), 21's 48, 30 and later 56. An entry is named by its entry hash, 16 hex
  digits (`thumbcache_256.db!/482d656ee647f25e`); entries without data (remnants, the free
  entry at the end) are not items. The entries' CRC-64 checksums are not checked (the
  polynomial is not published).
- `Thumbs.db` (Windows XP): an OLE compound file (read with `olefile`) with a `Catalog` stream
  and one stream per thumbnail, named by its index; each thumbnail stream starts with a small
  header (its own length first) followed by the picture. The item is named by the stream
  (`Thumbs.db!/1`), followed by the name of the picture it was made from when the `Catalog`
  stream gives it (`Thumbs.db!/1 (holiday.jpg)`): the catalog is a 16-byte header (its size,
  a version, the number of entries, the thumbnails' width and height), then one entry per
  thumbnail (its size, its identifier, a FILETIME, the file name in UTF-16 ending in a 0
  character); the identifier written backwards in decimal is the stream's name (10 -> "01").
  An OLE file without a `Catalog` stream (a Word document, an MSI) holds no thumbnails: the
  pictures embedded in its streams are its items (`embedded_pictures.ole_stream_pictures`).

Every item is flagged `thumbnail`; the scanner hashes it (PDQ too) and matches it like a file.
"""

from __future__ import annotations

import io
import struct
from collections.abc import Iterator
from pathlib import Path
from typing import BinaryIO

import olefile

from netsafe.triage.openers.content.embedded_pictures import ole_stream_pictures
from netsafe.triage.openers.interfaces import (
    Content,
    Embedded,
    EmbeddedProblem,
    OpenContext,
    OpenError,
)
from netsafe.triage.thumbnails import THUMBNAIL_FLAG

CACHE_SIGNATURE = b"CMMM"
OLE_SIGNATURE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
FILE_HEADER_SIZE = 24
#: Format version -> (offset of the identifier size, padding size and data size; header size).
ENTRY_LAYOUTS: dict[int, tuple[int, int]] = {20: (24, 56), 21: (16, 48), 30: (16, 56)}
KNOWN_VERSIONS = (20, 21, 30, 31, 32)
THUMBNAIL = frozenset({THUMBNAIL_FLAG})
_PICTURE_SIGNATURES = (b"\xff\xd8\xff", b"\x89PNG\r\n\x1a\n", b"BM")


def cache_version(head: bytes) -> int | None:
    """The format version of a thumbcache file starting with `head`, or None."""
    if len(head) < FILE_HEADER_SIZE or not head.startswith(CACHE_SIGNATURE):
        return None
    version = int.from_bytes(head[4:8], "little")
    return version if version in KNOWN_VERSIONS else None


def _layout(version: int) -> tuple[int, int]:
    return ENTRY_LAYOUTS[min(version, 30)] if version >= 30 else ENTRY_LAYOUTS[version]


def _whole(content: Content) -> bytes:
    """The container's bytes (thumbnail caches are tens of MB at most)."""
    if content.data is not None:
        return content.data
    if content.path is not None:
        return Path(content.path).read_bytes()
    if content.stream is not None:
        content.stream.seek(0)
        return content.stream.read()
    raise OpenError("unreadable", "no bytes to read")


class ThumbcacheOpener:
    """`thumbcache_*.db` of Windows Vista to 11."""

    kind = "thumbnail-cache"

    def recognise(self, head: bytes, name: str) -> bool:
        return cache_version(head) is not None

    def describe(self, head: bytes) -> str:
        """The kind a source or container of it is reported as."""
        return "thumbcache"

    def open(self, content: Content, context: OpenContext) -> Iterator[Embedded | EmbeddedProblem]:
        data = _whole(content)
        version = cache_version(data[:FILE_HEADER_SIZE])
        if version is None:
            raise OpenError("corrupt-thumbnail-cache", "not a thumbcache file header")
        yield from cache_entries(data, version)


def cache_entries(data: bytes, version: int) -> Iterator[Embedded | EmbeddedProblem]:
    """The thumbnails of a thumbcache file's entries, in file order."""
    sizes_at, header_size = _layout(version)
    first = int.from_bytes(data[12:16], "little")
    offset = first if FILE_HEADER_SIZE <= first < len(data) else FILE_HEADER_SIZE
    seen: dict[str, int] = {}
    while offset + header_size <= len(data):
        if data[offset : offset + 4] != CACHE_SIGNATURE:
            found = data.find(CACHE_SIGNATURE, offset + 1)
            if found < 0:
                return
            yield EmbeddedProblem(
                "",
                "corrupt-thumbnail-cache",
                f"no cache entry at offset {offset:#x}: resumed at the next one, {found:#x}",
                warning=True,
            )
            offset = found
            continue
        size = int.from_bytes(data[offset + 4 : offset + 8], "little")
        entry_hash = int.from_bytes(data[offset + 8 : offset + 16], "little")
        id_size, padding, data_size = struct.unpack_from("<III", data, offset + sizes_at)
        name = f"{entry_hash:016x}"
        seen[name] = seen.get(name, 0) + 1
        if seen[name] > 1:
            name = f"{name}@{offset:#x}"  # remnants repeat a hash: keep the names apart
        if size < header_size:
            return  # the free entry that fills the rest of the file
        start = offset + header_size + id_size + padding
        if start + data_size > len(data):
            yield EmbeddedProblem(
                name,
                "corrupt-thumbnail-cache",
                f"entry at {offset:#x} says {data_size:,} bytes of data, past the end of the file",
            )
            return
        if data_size:
            yield Embedded(name, iter((data[start : start + data_size],)), flags=THUMBNAIL)
        offset += size


class ThumbsDbOpener:
    """`Thumbs.db` of Windows XP (an OLE compound file with a `Catalog` stream)."""

    kind = "thumbs-db"

    def recognise(self, head: bytes, name: str) -> bool:
        return head.startswith(OLE_SIGNATURE)

    def describe(self, head: bytes) -> str:
        """The kind a source of it is reported as (any OLE file: Thumbs.db or not)."""
        return "ole-compound-file"

    def open(self, content: Content, context: OpenContext) -> Iterator[Embedded | EmbeddedProblem]:
        # olefile reads a path or a seekable stream as it needs: an installer of hundreds of MB
        # inside a disk image is not read into memory
        source: str | BinaryIO | io.BytesIO
        if content.path is not None:
            source = content.path
        elif content.data is not None:
            source = io.BytesIO(content.data)
        elif content.stream is not None:
            content.stream.seek(0)
            source = content.stream
        else:
            raise OpenError("unreadable", "no bytes to read")
        try:
            ole = olefile.OleFileIO(source)
        except (OSError, ValueError, struct.error) as error:
            raise OpenError(
                "corrupt-ole-file", f"not a readable OLE compound file: {error}"
            ) from error
        with ole:
            streams = list(ole.listdir(streams=True, storages=False))
            if ["Catalog"] not in streams:  # an Office document, an installer: no thumbnails,
                yield from ole_stream_pictures(ole, streams)  # but pictures in its streams
                return
            try:
                names = catalog_names(ole.openstream("Catalog").read())
            except (OSError, ValueError, struct.error) as error:
                names = {}
                yield EmbeddedProblem(
                    "Catalog",
                    "corrupt-thumbnail-cache",
                    f"the catalog cannot be read ({error}): thumbnails named by stream only",
                    warning=True,
                )
            for path in streams:
                if len(path) != 1 or path[0] == "Catalog":
                    continue
                try:
                    raw = ole.openstream(path).read()
                except (OSError, ValueError, struct.error) as error:
                    yield EmbeddedProblem(path[0], "corrupt-thumbnail-cache", str(error))
                    continue
                picture = thumbs_picture(raw)
                if picture is None:
                    yield EmbeddedProblem(
                        path[0],
                        "corrupt-thumbnail-cache",
                        "thumbnail stream holds no JPEG, PNG or BMP after its header",
                        warning=True,
                    )
                    continue
                original = names.get(path[0])
                name = f"{path[0]} ({original})" if original else path[0]
                yield Embedded(name, iter((picture,)), flags=THUMBNAIL)


def catalog_names(catalog: bytes) -> dict[str, str]:
    """Stream name -> the name of the file each thumbnail was made from, from a Thumbs.db
    `Catalog` stream; entries that cannot be read end the walk (what was read is kept)."""
    names: dict[str, str] = {}
    if len(catalog) < 16:
        return names
    header_size, _version, count = struct.unpack_from("<HHI", catalog, 0)
    offset = header_size if 8 <= header_size < len(catalog) else 16
    for _ in range(count):
        if offset + 16 > len(catalog):
            break
        size, identifier = struct.unpack_from("<II", catalog, offset)
        if size < 16 or offset + size > len(catalog):
            break
        raw = catalog[offset + 16 : offset + size]
        end = next((i for i in range(0, len(raw) - 1, 2) if raw[i : i + 2] == b"\0\0"), len(raw))
        text = raw[:end].decode("utf-16-le", "replace")
        name = "".join("_" if c in "/\\" or ord(c) < 32 else c for c in text).strip()
        if name:
            names[str(identifier)[::-1]] = name
        offset += size
    return names


def thumbs_picture(raw: bytes) -> bytes | None:
    """The picture in a Thumbs.db thumbnail stream: after the header whose first 32-bit value
    is its length and third the picture's size (the stream may run on past the picture);
    failing that, from the first picture signature in the first 64 bytes."""
    if len(raw) >= 12:
        header = int.from_bytes(raw[:4], "little")
        size = int.from_bytes(raw[8:12], "little")
        if 12 <= header < len(raw) and raw[header:].startswith(_PICTURE_SIGNATURES):
            end = header + size if 0 < size <= len(raw) - header else len(raw)
            return raw[header:end]
    for signature in _PICTURE_SIGNATURES[:2]:
        at = raw.find(signature, 0, 64)
        if at >= 0:
            return raw[at:]
    return None


OPENERS = (ThumbcacheOpener(), ThumbsDbOpener())
