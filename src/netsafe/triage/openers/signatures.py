"""The first-bytes signatures of volume systems, file systems and encrypted volumes: what makes
a file "a disk" by content, whatever its name (`sdb1`, `usb.image`, `mac.dmg`)."""

from __future__ import annotations

_MBR_TYPES_EMPTY = 0x00


#: The boot sector's OEM name (bytes 3-11) of the file systems and encryption that set one.
_OEM_NAMES = {b"NTFS    ": "NTFS", b"EXFAT   ": "exFAT", b"-FVE-FS-": "BitLocker"}


def volume_kind(head: bytes) -> str | None:
    """The volume system, file system or encryption scheme the first bytes show, or None.

    Cheap (a few slices of `head`): called on the head of every file the lean path reads, so
    the common positions are tested first and once.
    """
    if len(head) < 512:
        return None
    named = _OEM_NAMES.get(bytes(head[3:11]))
    if named is not None:
        return named
    if head[:6] == b"LUKS\xba\xbe":
        return "LUKS"
    if head[32:36] == b"NXSB":
        return "APFS"
    if head[510:512] == b"\x55\xaa":
        if head[512:520] == b"EFI PART":
            return "GPT"
        if head[54:59] in (b"FAT12", b"FAT16") or head[82:87] == b"FAT32":
            return "FAT"
        if _plausible_mbr(head):
            return "MBR"
    if head[88:90] == b"CS" and head[80:84] == b"\x01\x00\x00\x00":
        return "FileVault"  # a Core Storage physical volume
    if head[1024:1026] in (b"H+", b"HX"):
        return "HFS+"
    if head[1080:1082] == b"\x53\xef":
        return "ext"
    if head[512:514] == b"PM" and head[:2] == b"ER":
        return "APM"
    if head[32769:32774] == b"CD001":
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
