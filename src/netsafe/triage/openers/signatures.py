"""The first-bytes signatures of volume systems, file systems and encrypted volumes: what makes
a file "a disk" by content, whatever its name (`sdb1`, `usb.image`, `mac.dmg`)."""

from __future__ import annotations

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
    if head[88] == 0x43 and head[88:90] == b"CS" and head[80:84] == b"\x01\x00\x00\x00":
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
    if len(head) >= 512 and head[88:90] == b"CS" and head[80:84] == b"\x01\x00\x00\x00":
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

