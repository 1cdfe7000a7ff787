"""Thumbnail caches written by code from the published format descriptions, holding benign
generated pictures: `thumbcache_*.db` (libyal's libwtcdb description: file header and cache
entries of format versions 20, 21 and 30+) and `Thumbs.db` (an OLE compound file, written
here by a minimal compound-file writer: 512-byte sectors, one FAT sector, every stream of at
least 4,096 bytes so none lives in the mini stream)."""

from __future__ import annotations

import struct

#: Format version -> (offset of identifier size/padding size/data size, entry header size).
_LAYOUT = {20: (24, 56), 21: (16, 48), 30: (16, 56), 31: (16, 56), 32: (16, 56)}


def thumbcache_entry(version: int, entry_hash: int, data: bytes, identifier: str = "") -> bytes:
    """One cache entry: signature, size, hash, the three sizes, checksums (zero), identifier,
    padding to 8 bytes, data."""
    sizes_at, header_size = _LAYOUT[version]
    ident = identifier.encode("utf-16-le")
    padding = -(header_size + len(ident)) % 8
    size = header_size + len(ident) + padding + len(data)
    header = bytearray(header_size)
    header[0:4] = b"CMMM"
    struct.pack_into("<IQ", header, 4, size, entry_hash)
    if version == 20:
        header[16:24] = "jpg\0".encode("utf-16-le")  # the file extension field
    struct.pack_into("<III", header, sizes_at, len(ident), padding, len(data))
    return bytes(header) + ident + bytes(padding) + data


def thumbcache_file(version: int, entries: list[tuple[int, bytes]], cache_type: int = 4) -> bytes:
    """A thumbcache file: header, the entries (hash, data; empty data: an entry without a
    thumbnail), then the free entry filling the rest, as Windows leaves it."""
    body = b"".join(
        thumbcache_entry(version, h, data, f"{h:x}" if not data else "") for h, data in entries
    )
    first_free = 24 + len(body)
    free = bytearray(256)
    free[0:4] = b"CMMM"
    struct.pack_into("<I", free, 4, len(free))
    header = b"CMMM" + struct.pack("<IIIII", version, cache_type, 24, first_free, len(entries))
    return header + body + bytes(free)


_FREE, _END, _FAT = 0xFFFFFFFF, 0xFFFFFFFE, 0xFFFFFFFD
_SECTOR = 512


def _dir_entry(name: str, kind: int, child: int, right: int, start: int, size: int) -> bytes:
    entry = bytearray(128)
    encoded = (name + "\0").encode("utf-16-le")
    entry[: len(encoded)] = encoded
    struct.pack_into("<HBB", entry, 64, len(encoded), kind, 1)  # black
    struct.pack_into("<III", entry, 68, _FREE, right, child)
    struct.pack_into("<IQ", entry, 116, start, size)
    return bytes(entry)


def compound_file(streams: dict[str, bytes]) -> bytes:
    """An OLE compound file (version 3) holding `streams` at its root."""
    names = sorted(streams, key=lambda n: (len(n), n.upper()))  # the directory's order
    # streams under 4,096 bytes would live in the mini stream: they are padded with zeros
    data = {n: streams[n] + bytes(max(0, 4096 - len(streams[n]))) for n in names}
    entries = 1 + len(names)
    dir_sectors = -(-entries // 4)
    sectors = [-(-len(data[n]) // _SECTOR) for n in names]
    total = 1 + dir_sectors + sum(sectors)  # one FAT sector first
    assert total <= _SECTOR // 4, "the test writer keeps to one FAT sector"
    fat = [_FAT]
    fat += [*range(2, 1 + dir_sectors), _END]
    starts = []
    for count in sectors:
        first = len(fat)
        starts.append(first)
        fat += [*range(first + 1, first + count), _END]
    fat += [_FREE] * (_SECTOR // 4 - len(fat))
    directory = _dir_entry("Root Entry", 5, 1 if names else _FREE, _FREE, _END, 0)
    for index, name in enumerate(names):
        right = index + 2 if index + 1 < len(names) else _FREE
        directory += _dir_entry(name, 2, _FREE, right, starts[index], len(data[name]))
    directory += _dir_entry("", 0, _FREE, _FREE, 0, 0) * (dir_sectors * 4 - entries)
    header = bytearray(_SECTOR)
    header[0:8] = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
    struct.pack_into("<HHHHH", header, 24, 0x3E, 3, 0xFFFE, 9, 6)
    struct.pack_into("<IIIIIIIII", header, 40, 0, 1, 1, 0, 4096, _END, 0, _END, 0)
    struct.pack_into("<I", header, 76, 0)  # the FAT is sector 0
    header[80:_SECTOR] = b"\xff" * (_SECTOR - 80)
    body = struct.pack(f"<{_SECTOR // 4}I", *fat) + directory
    body += b"".join(data[n] + bytes(-len(data[n]) % _SECTOR) for n in names)
    return bytes(header) + body


def thumbs_db(pictures: list[bytes], names: list[str] | None = None) -> bytes:
    """A Windows XP Thumbs.db: a `Catalog` stream and one stream per picture, named by its
    index written backwards (1, 2, ..., 01 for the tenth), each a 12-byte header (its length,
    the index, the picture's size) and the picture. With `names`, the catalog has an entry per
    picture (its size, the index, a FILETIME, the file name in UTF-16 with a 0 character, padded
    to 4 bytes); without, only its header."""
    catalog = struct.pack("<HHIII", 16, 7, len(pictures), 96, 96)
    for index, name in enumerate(names or [], start=1):
        encoded = (name + "\0").encode("utf-16-le")
        encoded += bytes(-len(encoded) % 4)
        catalog += struct.pack("<IIQ", 16 + len(encoded), index, 0x01C5A3B2C1D0E000) + encoded
    streams = {"Catalog": catalog}
    for index, picture in enumerate(pictures, start=1):
        streams[str(index)[::-1]] = struct.pack("<III", 12, index, len(picture)) + picture
    return compound_file(streams)
