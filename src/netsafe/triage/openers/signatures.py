"""The first-bytes signatures of volume systems, file systems and encrypted volumes: what makes
a file "a disk" by content, whatever its name (`sdb1`, `usb.image`, `mac.dmg`)."""

from __future__ import annotations

from netsafe.triage.openers.core_storage import is_core_storage_header

_MBR_TYPES_EMPTY = 0x00


#: The boot sector's OEM name (bytes 3-11) of the file systems and encryption that set one.
_OEM_NAMES = {b"NTFS    ": "NTFS", b"EXFAT   ": "exFAT", b"-FVE-FS-": "BitLocker"}
_OEM_FIRST_BYTES = frozenset(name[0] for name in _OEM_NAMES)
#: HFS+ and HFSX volume headers: "H+" or "HX" at byte 1024.
_HFS_SECOND_BYTES = frozenset(b"+X")


def volume_kind(head: bytes) -> str | None:
    """The volume system, file system or encryption scheme the first bytes show, or None.

    Cheap: called on the head of every file the lean path reads. One byte of each signature is
    tested (an index, no copy) before the signature itself, so most content stops at a dozen
    byte tests.
    """
    size = len(head)
    if size < 512:
        return None
    if head[3] in _OEM_FIRST_BYTES:
        named = _OEM_NAMES.get(bytes(head[3:11]))
        if named is not None:
            return named
    if head[0] == 0x4C and head[:6] == b"LUKS\xba\xbe":
        return "LUKS"
    if head[32] == 0x4E and head[32:36] == b"NXSB":
        return "APFS"
    if head[510] == 0x55 and head[511] == 0xAA:
        if head[512:520] == b"EFI PART":
            return "GPT"
        if head[54:59] in (b"FAT12", b"FAT16") or head[82:87] == b"FAT32":
            return "FAT"
        if _plausible_mbr(head):
            return "MBR"
    if head[88] == 0x43 and is_core_storage_header(head):
        return "FileVault"  # a Core Storage physical volume
    if size > 1025 and head[1024] == 0x48 and head[1025] in _HFS_SECOND_BYTES:
        return "HFS+"
    if size > 1081 and head[1080] == 0x53 and head[1081] == 0xEF:
        return "ext"
    if size > 513 and head[512] == 0x50 and head[513] == 0x4D and head[:2] == b"ER":
        return "APM"
    if size > 32773 and head[32769] == 0x43 and head[32769:32774] == b"CD001":
        return "ISO 9660"
    return None


def encryption_scheme(head: bytes) -> str | None:
    """The encryption scheme whose header starts `head` (BitLocker, LUKS, FileVault), or None."""
    if head[3:11] == b"-FVE-FS-":
        return "BitLocker"
    if head[:6] == b"LUKS\xba\xbe":
        return "LUKS"
    if is_core_storage_header(head):
        return "FileVault"  # a Core Storage physical volume
    return None


def _plausible_mbr(head: bytes) -> bool:
    """Four partition entries whose boot flags are 0x00/0x80 and at least one is in use."""
    used = False
    for entry in range(4):
        start = 446 + entry * 16
        if head[start] not in (0x00, 0x80):
            return False
        if head[start + 4] != _MBR_TYPES_EMPTY:
            used = True
    return used


def declared_size(head: bytes) -> tuple[str, int] | None:
    """(kind, bytes) of the file system whose first bytes are `head`, as its own boot sector or
    superblock declares its size; None for other content or values no such header holds. A
    volume that claims more bytes than its image holds was cut short (a truncated copy)."""
    kind = volume_kind(head)
    reader = _SIZE_READERS.get(kind or "")
    if reader is None:
        return None
    size = reader(head)
    return None if size is None or size <= 0 else (str(kind), size)


def _sector_size(value: int) -> bool:
    return value in (512, 1024, 2048, 4096)


def _ntfs_size(head: bytes) -> int | None:
    sector = int.from_bytes(head[11:13], "little")
    sectors = int.from_bytes(head[40:48], "little")
    return sectors * sector if _sector_size(sector) else None


def _exfat_size(head: bytes) -> int | None:
    shift = head[108]
    return int.from_bytes(head[72:80], "little") << shift if 9 <= shift <= 12 else None


def _fat_size(head: bytes) -> int | None:
    sector = int.from_bytes(head[11:13], "little")
    sectors = int.from_bytes(head[19:21], "little") or int.from_bytes(head[32:36], "little")
    return sectors * sector if _sector_size(sector) else None


def _ext_size(head: bytes) -> int | None:
    superblock = head[1024:2048]
    if len(superblock) < 0x154:
        return None
    shift = int.from_bytes(superblock[24:28], "little")
    if shift > 6:  # blocks of 1 KiB to 64 KiB
        return None
    blocks = int.from_bytes(superblock[4:8], "little")
    if int.from_bytes(superblock[0x60:0x64], "little") & 0x80:  # 64-bit block numbers
        blocks |= int.from_bytes(superblock[0x150:0x154], "little") << 32
    return blocks * (1024 << shift)


def _hfs_size(head: bytes) -> int | None:
    header = head[1024:1072]
    if len(header) < 48:
        return None
    block = int.from_bytes(header[40:44], "big")
    if block < 512 or block & (block - 1):
        return None
    return int.from_bytes(header[44:48], "big") * block


def _iso_size(head: bytes) -> int | None:
    descriptor = head[32768:32900]
    if len(descriptor) < 130 or descriptor[0] != 1:  # the primary volume descriptor
        return None
    block = int.from_bytes(descriptor[128:130], "little")
    return int.from_bytes(descriptor[80:84], "little") * block if _sector_size(block) else None


_SIZE_READERS = {
    "NTFS": _ntfs_size,
    "exFAT": _exfat_size,
    "FAT": _fat_size,
    "ext": _ext_size,
    "HFS+": _hfs_size,
    "ISO 9660": _iso_size,
}
