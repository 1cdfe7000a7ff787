"""BitLocker test volumes, made whole by code: no published volume, no third-party data.

No free tool writes BitLocker. `bitlocker_volume` writes a Windows 7-and-later BitLocker volume
the way libyal's "BitLocker Drive Encryption (BDE) format" documentation describes it and libbde,
which reads it, expects it:

- a fresh NTFS (mkntfs, ntfscp) holding the test's files is encrypted with AES-128-CBC without
  diffuser (encryption method 0x8002): each 512-byte sector is AES-CBC with the full-volume
  encryption key (FVEK), its IV the AES-ECB encryption of the sector's byte offset on the volume
  (128-bit little-endian); the NTFS's first sectors are stored, encrypted at their new place, at
  the volume header offset;
- sector 0 is the BitLocker volume header (boot entry point EB 58 90, `-FVE-FS-`, BitLocker's
  identifier GUID, the offsets of three FVE metadata blocks);
- each FVE metadata block: block header version 2, metadata header version 1, then entries:
  a description, a volume master key (VMK) entry per protector, the FVEK, the volume header
  block. Key material is encrypted with AES-CCM (256-bit key, 12-byte nonce, MAC first, no
  associated data): the FVEK with the VMK; the VMK with the key of each protector:
  - a password: SHA-256 of SHA-256 of its UTF-16LE text, stretched (0x100000 rounds of SHA-256
    over last hash, initial hash, salt, count) with the salt of the VMK's stretch key;
  - a recovery password: eight groups of six digits, each 11 times a 16-bit value; SHA-256 of the
    16 bytes they make, stretched the same way;
  - a startup key: the 32-byte external key a `.BEK` file holds (`startup_key_file`), which
    carries the VMK's identifier.

libbde unlocking the result and The Sleuth Kit reading the NTFS inside is the check that the bytes
were written right. AES runs in `openssl enc` (ECB for CBC's IVs, CCM's counter blocks and
CBC-MAC); CBC is done one 16-byte column of every sector at a time, the XOR in numpy.
"""

from __future__ import annotations

import functools
import hashlib
import shutil
import struct
import subprocess
from pathlib import Path

import numpy as np

SECTOR = 512
#: The test keys (nothing else uses them).
PASSWORD = "zebra-test-password-1"
RECOVERY_PASSWORD = "-".join(
    f"{value * 11:06d}" for value in (4711, 10000, 22222, 333, 65535, 1, 5000, 42000)
)
STARTUP_KEY = hashlib.sha256(b"netsafe test startup key").digest()
FVEK = hashlib.sha256(b"netsafe test FVEK").digest()[:16]
VMK = hashlib.sha256(b"netsafe test VMK").digest()

VOLUME_BYTES = 8 << 20
NTFS_BYTES = 6 << 20
METADATA = (6 << 20, (6 << 20) + (256 << 10), (6 << 20) + (512 << 10))
METADATA_SECTORS = 128  # 64 KiB reserved per metadata block
HEADER_OFFSET, HEADER_SECTORS = 7 << 20, 16

_BDE_IDENTIFIER = bytes.fromhex("3bd66749292ed84a8399f6a339e3d001")
_AES_128_CBC = 0x8002
_PROTECTION = {"password": 0x2000, "recovery": 0x0800, "startup": 0x0200}
_FILETIME = 133_000_000_000_000_000  # 2022-06-18, fixed so the volume is the same every time


def bitlocker_volume(
    target: Path,
    files: dict[str, bytes],
    *,
    password: str | None = PASSWORD,
    recovery_password: str | None = None,
    startup_key_file: Path | None = None,
    startup_key: bytes = STARTUP_KEY,
) -> Path:
    """A BitLocker volume at `target` holding an NTFS with `files` in its root folder, opened by
    each protector given; with `startup_key_file`, the `.BEK` file of a startup key protector
    (`startup_key`, 32 bytes) is written there."""
    plain = _ntfs(target.parent / f"{target.name}.ntfs", files)
    count = VOLUME_BYTES // SECTOR
    reserved = {s for m in METADATA for s in range(m // SECTOR, m // SECTOR + METADATA_SECTORS)}
    reserved |= set(range(HEADER_OFFSET // SECTOR, HEADER_OFFSET // SECTOR + HEADER_SECTORS))
    logical = [s for s in range(HEADER_SECTORS, count) if s not in reserved]
    physical = list(logical)
    for s in range(HEADER_SECTORS):  # the NTFS's first sectors live at the volume header offset
        logical.append(s)
        physical.append(HEADER_OFFSET // SECTOR + s)
    sectors = np.zeros((count, SECTOR), dtype=np.uint8)
    sectors[physical] = _encrypt(plain[logical], [p * SECTOR for p in physical])
    volume = bytearray(sectors.tobytes())
    volume[:SECTOR] = _volume_header()

    protectors: list[tuple[str, bytes, bytes]] = []  # (kind, identifier, key unlocking the VMK)
    if password is not None:
        salt = _guid("password salt")
        initial = hashlib.sha256(hashlib.sha256(password.encode("utf-16-le")).digest()).digest()
        protectors.append(("password", salt, _stretch(initial, salt)))
    if recovery_password is not None:
        salt = _guid("recovery salt")
        initial = hashlib.sha256(_recovery_key(recovery_password)).digest()
        protectors.append(("recovery", salt, _stretch(initial, salt)))
    if startup_key_file is not None:
        identifier = _guid(f"startup key {startup_key.hex()}")
        protectors.append(("startup", identifier, startup_key))
        startup_key_file.write_bytes(_bek_file(identifier, startup_key))
    block = _metadata_block(protectors)
    for offset in METADATA:
        volume[offset : offset + len(block)] = block
    target.write_bytes(bytes(volume))
    return target


def _volume_header() -> bytes:
    header = bytearray(SECTOR)
    header[0:11] = b"\xeb\x58\x90-FVE-FS-"
    struct.pack_into("<HB", header, 11, SECTOR, 8)
    header[21] = 0xF8
    struct.pack_into("<HH", header, 24, 0x3F, 0xFF)
    struct.pack_into("<I", header, 36, 0x1FE0)
    struct.pack_into("<HH", header, 48, 1, 6)
    header[64], header[66] = 0x80, 0x29
    header[71:90] = b"NO NAME    FAT32   "
    header[160:176] = _BDE_IDENTIFIER
    struct.pack_into("<3Q", header, 176, *METADATA)
    header[510:512] = b"\x55\xaa"
    return bytes(header)


def _metadata_block(protectors: list[tuple[str, bytes, bytes]]) -> bytes:
    nonce = iter(range(1, 100))
    entries = _entry(7, 2, "NETSAFE-TEST zebra-test-volume\0".encode("utf-16-le"))
    for kind, salt_or_id, key in protectors:
        properties = b""
        if kind == "startup":
            identifier = salt_or_id
            properties += _entry(0, 2, "ExternalKey\0".encode("utf-16-le"))
        else:
            identifier = _guid(f"{kind} protector")
            stretch_method = 0x1001 if kind == "password" else 0x1000
            inner = _entry(0, 5, _ccm_value(key, next(nonce), bytes(32), 0x2000))
            properties += _entry(0, 3, struct.pack("<I", stretch_method) + salt_or_id + inner)
        properties += _entry(0, 5, _ccm_value(key, next(nonce), VMK, 0x2000))
        header = identifier + struct.pack("<QHH", _FILETIME, 0, _PROTECTION[kind])
        entries += _entry(2, 8, header + properties)
    entries += _entry(3, 5, _ccm_value(VMK, next(nonce), FVEK, _AES_128_CBC))
    entries += _entry(15, 15, struct.pack("<QQ", HEADER_OFFSET, HEADER_SECTORS * SECTOR))
    size = 48 + len(entries)
    metadata_header = struct.pack(
        "<IIII16sIIQ",
        size,
        1,
        48,
        size,
        _guid("volume"),
        100,
        (_AES_128_CBC << 16) | _AES_128_CBC,
        _FILETIME,
    )
    block_header = b"-FVE-FS-" + struct.pack(
        "<HHHHQII4Q", 37, 2, 4, 4, VOLUME_BYTES, 0, HEADER_SECTORS, *METADATA, HEADER_OFFSET
    )
    return block_header + metadata_header + entries


def _bek_file(identifier: bytes, startup_key: bytes) -> bytes:
    """A startup key file: a metadata header, then one startup key entry (an external key: its
    identifier, a time, an "ExternalKey" string and the 32-byte key)."""
    key = _entry(0, 1, struct.pack("<I", 0x2002) + startup_key)
    name = _entry(0, 2, "ExternalKey\0".encode("utf-16-le"))
    entries = _entry(6, 9, identifier + struct.pack("<Q", _FILETIME) + name + key)
    size = 48 + len(entries)
    header = struct.pack("<IIII16sIIQ", size, 1, 48, size, _guid("volume"), 1, 0, _FILETIME)
    return header + entries


def _entry(kind: int, value_type: int, value: bytes) -> bytes:
    return struct.pack("<HHHH", 8 + len(value), kind, value_type, 1) + value


def _ccm_value(key: bytes, counter: int, secret: bytes, method: int) -> bytes:
    """An AES-CCM encrypted key value: nonce (time, counter), then MAC and key container
    (size, version 1, method, the key) encrypted."""
    nonce = struct.pack("<QI", _FILETIME, counter)
    container = struct.pack("<IHHI", 12 + len(secret), 1, 0, method) + secret
    return nonce + _ccm_encrypt(key, nonce, container)


def _ccm_encrypt(key: bytes, nonce: bytes, data: bytes) -> bytes:
    """AES-CCM (RFC 3610; 16-byte MAC, 3-byte length field, no associated data), laid out as
    BitLocker stores it: the encrypted MAC, then the encrypted data."""
    first = bytes([0x3A]) + nonce + len(data).to_bytes(3, "big")
    padded = data + bytes(-len(data) % 16)
    mac = _openssl(["-aes-256-cbc", "-nopad", "-K", key.hex(), "-iv", "00" * 16], first + padded)
    payload = mac[-16:] + data
    counters = b"".join(
        bytes([2]) + nonce + i.to_bytes(3, "big") for i in range(-(-len(payload) // 16))
    )
    stream = _openssl(["-aes-256-ecb", "-nopad", "-K", key.hex()], counters)
    return bytes(a ^ b for a, b in zip(payload, stream, strict=False))


@functools.cache  # a million SHA-256 rounds: once per key and salt in a test run
def _stretch(initial: bytes, salt: bytes) -> bytes:
    last = bytes(32)
    for count in range(0x100000):
        last = hashlib.sha256(last + initial + salt + count.to_bytes(8, "little")).digest()
    return last


def _recovery_key(recovery_password: str) -> bytes:
    groups = [int(group) for group in recovery_password.split("-")]
    assert len(groups) == 8
    assert all(g % 11 == 0 and g // 11 < 0x10000 for g in groups)
    return b"".join((g // 11).to_bytes(2, "little") for g in groups)


def _guid(what: str) -> bytes:
    return hashlib.md5(f"netsafe test {what}".encode()).digest()


def _ntfs(path: Path, files: dict[str, bytes]) -> np.ndarray:
    with path.open("wb") as image:
        image.truncate(NTFS_BYTES)
    subprocess.run(
        ["mkntfs", "-F", "-q", "-Q", "-s", str(SECTOR), str(path)], check=True, capture_output=True
    )
    staging = path.parent / f"{path.name}.staging"
    staging.mkdir()
    for name, data in files.items():
        (staging / name).write_bytes(data)
        subprocess.run(
            ["ntfscp", str(path), str(staging / name), name], check=True, capture_output=True
        )
    shutil.rmtree(staging)
    data = path.read_bytes().ljust(VOLUME_BYTES, b"\0")
    path.unlink()
    return np.frombuffer(data, dtype=np.uint8).reshape(-1, SECTOR)


def _encrypt(plain: np.ndarray, offsets: list[int]) -> np.ndarray:
    """AES-128-CBC of each sector (rows of `plain`), IV = AES-ECB(FVEK, byte offset)."""
    count = len(offsets)
    ivs = np.array([[offset, 0] for offset in offsets], dtype="<u8").tobytes()
    previous = np.frombuffer(_ecb(ivs), dtype=np.uint8).reshape(count, 16)
    blocks = plain.reshape(count, SECTOR // 16, 16)
    out = np.empty_like(blocks)
    for column in range(SECTOR // 16):
        mixed = (blocks[:, column, :] ^ previous).tobytes()
        previous = np.frombuffer(_ecb(mixed), dtype=np.uint8).reshape(count, 16)
        out[:, column, :] = previous
    return out.reshape(count, SECTOR)


def _ecb(data: bytes) -> bytes:
    return _openssl(["-aes-128-ecb", "-nopad", "-K", FVEK.hex()], data)


def _openssl(options: list[str], data: bytes) -> bytes:
    done = subprocess.run(["openssl", "enc", *options], input=data, capture_output=True, check=True)
    return done.stdout
