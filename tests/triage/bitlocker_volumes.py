"""BitLocker test volumes from the published ones in data/ (dissect.fve's test data, see
data/README.md), and one made from them with files of our own.

No free tool writes BitLocker, and the published volumes hold an NTFS whose MFT was zeroed to
keep them small (The Sleuth Kit cannot read it). So `bitlocker_with_files` keeps a published
volume's BitLocker metadata and puts a fresh NTFS (mkntfs, ntfscp) inside it, encrypted the way
libbde's format documentation describes AES-128-CBC without diffuser (encryption method 0x8002):
each 512-byte sector is AES-CBC with the full-volume encryption key (FVEK), its IV the AES-ECB
encryption of the sector's byte offset on the volume (128-bit little-endian); the volume's first
sectors are stored, encrypted at their new place, at the volume header offset the FVE metadata
block gives; the three FVE metadata blocks stay as they are. The FVEK is the one dissect.fve's
tests publish for `aes_128.bin`; the volume is unlocked in NetSafe with its password through
libbde, which is the check that the sectors were written right.

AES runs in `openssl enc` (OpenSSL's command line): CBC is done one 16-byte column of every
sector at a time (33 calls for the whole volume), the XOR in numpy.
"""

from __future__ import annotations

import gzip
import hashlib
import shutil
import struct
import subprocess
from pathlib import Path

import numpy as np

DATA = Path(__file__).parent / "data"
SECTOR = 512

#: (file in data/, sha256 of the volume, its password or recovery password)
AES_128 = (
    "dissect-fve-bde-aes_128.bin.gz",
    "431b64f49955e88c1aefc11eed09377865465a5bfc0a9bcb92589244b11b4467",
    "password12!@",
)
RECOVERY_PASSWORD = (
    "dissect-fve-bde-recovery_password.bin.gz",
    "8e42a7575c43a7ef313f6eb7bc4ca46ef66da854bd21f3c6c9c81717920134a3",
    "284867-596541-514998-422114-660297-261613-215424-199408",
)
#: The FVEK of `aes_128.bin`, as dissect.fve's tests give it (tests/bde/test_bde.py).
AES_128_FVEK = "84c3a3157e5f21dee140005220bc940e"


def published_volume(which: tuple[str, str, str], target: Path) -> Path:
    """A published BitLocker volume, decompressed to `target` (its sha256 checked)."""
    data = gzip.decompress((DATA / which[0]).read_bytes())
    assert hashlib.sha256(data).hexdigest() == which[1]
    target.write_bytes(data)
    return target


def bitlocker_with_files(target: Path, files: dict[str, bytes]) -> Path:
    """`aes_128.bin`'s BitLocker volume (password `password12!@`) holding a new NTFS with
    `files` in its root folder."""
    volume = bytearray(published_volume(AES_128, target).read_bytes())
    boot = bytes(volume[:SECTOR])
    metadata = struct.unpack("<3Q", boot[0xB0:0xC8])
    block = bytes(volume[metadata[0] : metadata[0] + 64])
    assert block[:8] == b"-FVE-FS-"
    assert struct.unpack("<H", block[10:12])[0] == 2
    volume_size = struct.unpack("<Q", block[16:24])[0]
    header_sectors = struct.unpack("<I", block[28:32])[0]
    header_offset = struct.unpack("<Q", block[56:64])[0]
    method = struct.unpack("<I", volume[metadata[0] + 64 + 36 : metadata[0] + 64 + 40])[0]
    assert method & 0xFFFF == 0x8002, "AES-128-CBC without diffuser"
    volume.extend(bytes(volume_size - len(volume)))

    reserved = {s for m in metadata for s in range(m // SECTOR, m // SECTOR + 128)}
    reserved |= set(range(header_offset // SECTOR, header_offset // SECTOR + header_sectors))
    ntfs_bytes = min(reserved) * SECTOR // (1 << 20) * (1 << 20)  # ends before the metadata
    plain = _ntfs(target.parent / f"{target.name}.ntfs", ntfs_bytes, files, volume_size)

    count = volume_size // SECTOR
    logical = [s for s in range(header_sectors, count) if s not in reserved]
    physical = list(logical)
    for s in range(header_sectors):  # the first sectors live at the volume header offset
        logical.append(s)
        physical.append(header_offset // SECTOR + s)
    sectors = np.frombuffer(bytes(volume), dtype=np.uint8).reshape(-1, SECTOR).copy()
    sectors[physical] = _encrypt(plain[logical], [p * SECTOR for p in physical])
    target.write_bytes(sectors.tobytes())
    return target


def _ntfs(path: Path, size: int, files: dict[str, bytes], volume_size: int) -> np.ndarray:
    with path.open("wb") as image:
        image.truncate(size)
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
    data = path.read_bytes().ljust(volume_size, b"\0")
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
    done = subprocess.run(
        ["openssl", "enc", "-aes-128-ecb", "-nopad", "-K", AES_128_FVEK],
        input=data,
        capture_output=True,
        check=True,
    )
    return done.stdout
