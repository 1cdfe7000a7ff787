"""Volume signatures by content (`openers.signatures.volume_kind`): each one recognised at its
offset in the shortest head that holds it, not in a head one byte short, and never in noise."""

from __future__ import annotations

import random

import pytest

from netsafe.triage.openers.signatures import volume_kind
from tests.triage.disk_fixtures import core_storage_header

#: (kind, [(offset, bytes), ...]) of each signature, as its format's first sector writes it.
SIGNATURES = [
    ("NTFS", [(3, b"NTFS    ")]),
    ("exFAT", [(3, b"EXFAT   ")]),
    ("BitLocker", [(3, b"-FVE-FS-")]),
    ("LUKS", [(0, b"LUKS\xba\xbe")]),
    ("APFS", [(32, b"NXSB")]),
    ("GPT", [(510, b"\x55\xaa"), (512, b"EFI PART")]),
    ("FAT", [(510, b"\x55\xaa"), (54, b"FAT16")]),
    ("FAT", [(510, b"\x55\xaa"), (82, b"FAT32")]),
    ("MBR", [(510, b"\x55\xaa"), (450, b"\x07")]),
    ("FileVault", [(0, core_storage_header(512))]),
    ("HFS+", [(1024, b"H+")]),
    ("HFS+", [(1024, b"HX")]),
    ("ext", [(1080, b"\x53\xef")]),
    ("APM", [(0, b"ER"), (512, b"PM")]),
    ("ISO 9660", [(32769, b"CD001")]),
]


def _head(parts: list[tuple[int, bytes]], size: int) -> bytearray:
    head = bytearray(size)  # zeros: an empty partition table, no other signature
    for offset, data in parts:
        head[offset : offset + len(data)] = data
    return head


@pytest.mark.parametrize(("kind", "parts"), SIGNATURES)
def test_each_signature_at_its_offset_in_the_shortest_head(
    kind: str, parts: list[tuple[int, bytes]]
) -> None:
    shortest = max(512, *(offset + len(data) for offset, data in parts))
    head = _head(parts, shortest)
    for view in (head, bytes(head), memoryview(head)):
        assert volume_kind(view) == kind
    if shortest > 512:  # one byte short, the signature is cut: no volume
        assert volume_kind(bytes(head[: shortest - 1])) is None


def test_heads_under_a_sector_are_never_volumes() -> None:
    assert volume_kind(_head([(3, b"NTFS    ")], 511)) is None


def test_noise_is_no_volume() -> None:
    rng = random.Random(14)
    found = [volume_kind(rng.randbytes(34 * 1024)) for _ in range(2000)]
    assert found.count(None) == len(found)
