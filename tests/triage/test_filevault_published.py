"""A FileVault 2 volume made on macOS (cryptsetup's test volume, data/README.md): recognised as
FileVault, by its Core Storage header, given bare as a source or as a partition.

Before, NetSafe tested bytes 80-83 for a version number that is not there (macOS writes zeros):
this volume was hashed as one plain file, `errors: 0`, the source "read". Its header is checked
against what cryptsetup's own test expects of it (`fvault2Dump`: physical volume UUID, family
UUID, PBKDF2 iterations). The volume holds only the sectors cryptsetup reads (header, one
metadata copy, the first 4 KiB of the logical volume), so no files are inside to triage and
libfvde cannot open it; opening FileVault stays out (docs/examiner.md)."""

from __future__ import annotations

import hashlib
import tarfile
import uuid
from pathlib import Path

import pytest

from netsafe.triage.items import EncryptedVolume
from netsafe.triage.openers.core_storage import is_core_storage_header
from netsafe.triage.openers.encryption import FILEVAULT_NOT_OPENED
from netsafe.triage.openers.interfaces import KeyRing
from netsafe.triage.scan_config import ScanConfig
from tests.triage.conftest import Known, run_triage

STORED = Path(__file__).parent / "data" / "cryptsetup-fvault2-images.tar.xz"
STORED_SHA256 = "a5e58ad5230a804351a123f2311147ebc5fa9fdafc845d0edce0039b57391d33"
MEMBER = "fvault2-images/small"
PASSWORD = "heslo123"  # cryptsetup's fvault2-compat-test
PHYSICAL_VOLUME_UUID = "fc52bfae-5a1f-4f9b-b3a6-f33303a0e401"  # its fvault2Dump check


def _unpack(folder: Path, name: str) -> Path:
    """The volume, written sparse as the tar stores it (536,829,952 bytes, 48 KiB of data)."""
    assert hashlib.sha256(STORED.read_bytes()).hexdigest() == STORED_SHA256
    target = folder / name
    with tarfile.open(STORED) as archive:
        member = archive.getmember(MEMBER)
        source = archive.extractfile(member)
        assert source is not None
        assert member.sparse
        with target.open("wb") as out:
            for offset, size in member.sparse:
                source.seek(offset)
                out.seek(offset)
                out.write(source.read(size))
            out.truncate(member.size)
    return target


@pytest.fixture(scope="module")
def volume(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return _unpack(tmp_path_factory.mktemp("filevault"), "macbook-ssd.img")


def test_the_header_is_the_one_cryptsetup_describes(volume: Path) -> None:
    with volume.open("rb") as handle:
        head = handle.read(512)
    assert str(uuid.UUID(bytes=head[304:320])) == PHYSICAL_VOLUME_UUID
    assert head[80:84] == bytes(4)  # where NetSafe looked for a version
    assert is_core_storage_header(head)
    flipped = bytearray(head)
    flipped[200] ^= 1
    assert not is_core_storage_header(bytes(flipped))  # its CRC-32C no longer holds


@pytest.mark.slow
def test_a_filevault_volume_given_bare_is_named_never_read_as_a_file(
    volume: Path, tmp_path: Path, known: Known
) -> None:
    result = run_triage([volume], tmp_path / "out", known.config())
    assert [(e.path, e.kind, e.reason) for e in result.errors] == [
        (".", "encrypted-volume", f"the medium: FileVault encrypted volume; {FILEVAULT_NOT_OPENED}")
    ]
    source = result.sources[0]
    assert source.unread
    assert source.encrypted == (EncryptedVolume("", "FileVault", False),)
    assert result.records == []  # nothing hashed as if it were a file


@pytest.mark.slow
def test_its_password_does_not_claim_to_open_it(volume: Path, tmp_path: Path, known: Known) -> None:
    keyed = ScanConfig(known.factory, "known", keys=KeyRing({volume.name: PASSWORD}))
    result = run_triage([volume], tmp_path / "out", keyed)
    assert [(e.kind, e.reason) for e in result.errors] == [
        ("encrypted-volume", f"the medium: FileVault encrypted volume; {FILEVAULT_NOT_OPENED}")
    ]
    assert PASSWORD not in repr(result.errors)
    assert PASSWORD not in repr(keyed)
