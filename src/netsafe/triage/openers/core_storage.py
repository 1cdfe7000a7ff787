"""The Core Storage physical volume header (FileVault 2 on Mac OS X 10.7-10.15), as libyal's
libfvde documents and checks it: `CS` at byte 88, format version 1 at byte 8, checksum
algorithm 1 (CRC-32C) at byte 90, and a CRC-32C of bytes 8-511 (started from the value at byte
4, no final inversion) stored at byte 0.

Bytes 72-87 are not a version: macOS writes zeros there (cryptsetup's FileVault 2 test volume,
made on macOS), so a check on them missed real volumes."""

from __future__ import annotations

_HEADER_BYTES = 512
_SIGNATURE_OFFSET = 88
_CASTAGNOLI_REFLECTED = 0x82F63B78


def _crc32c_table() -> tuple[int, ...]:
    table = []
    for index in range(256):
        value = index
        for _ in range(8):
            value = (value >> 1) ^ _CASTAGNOLI_REFLECTED if value & 1 else value >> 1
        table.append(value)
    return tuple(table)


_TABLE = _crc32c_table()


def weak_crc32c(data: bytes | bytearray | memoryview, initial: int) -> int:
    """CRC-32C (Castagnoli) of `data` from `initial`, without the final inversion."""
    crc = initial
    for byte in bytes(data):
        crc = _TABLE[(crc ^ byte) & 0xFF] ^ (crc >> 8)
    return crc


def is_core_storage_header(head: bytes | bytearray | memoryview) -> bool:
    """True when `head` starts with a Core Storage physical volume header whose checksum holds."""
    if len(head) < _HEADER_BYTES or head[_SIGNATURE_OFFSET : _SIGNATURE_OFFSET + 2] != b"CS":
        return False
    version = int.from_bytes(head[8:10], "little")
    algorithm = int.from_bytes(head[90:94], "little")
    if version != 1 or algorithm != 1:
        return False
    stored = int.from_bytes(head[0:4], "little")
    initial = int.from_bytes(head[4:8], "little")
    return weak_crc32c(head[8:_HEADER_BYTES], initial) == stored
