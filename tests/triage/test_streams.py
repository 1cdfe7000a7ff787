"""Point 6 of issue 14: HFS+ metadata files left out like NTFS's; HFS+ resource forks and NTFS
alternate data streams hashed and matched as items of their own (`file:rsrc`,
`file:stream-name`). NTFS streams are written by code (`ntfscp -N`, no mount); HFS+ is dfVFS's
small published test volume (tests/triage/data/README.md), since Debian has no mkfs.hfsplus.
"""

from __future__ import annotations

import gzip
import hashlib
import shutil
import subprocess
from pathlib import Path

import pytest

from netsafe.categories import Category
from netsafe.triage.scan_config import ScanConfig
from tests.triage.conftest import Known, md5, run_triage
from tests.triage.fixtures import ntfs_image, text_file
from tests.triage.known_hashes import KnownHashesFactory

HFSPLUS = Path(__file__).parent / "data" / "dfvfs-hfsplus.raw.gz"
RESOURCE_FORK = b"My resource fork\n"  # a_directory/a_resourcefork's 17-byte resource fork
HFS_METADATA = ("$ExtentsFile", "$CatalogFile", "$BadBlockFile", "$AllocationFile")


def _config(*listed: bytes) -> ScanConfig:
    factory = KnownHashesFactory(md5=tuple((md5(data), Category.A) for data in listed))
    return ScanConfig(factory, "streams")


def _hfsplus(tmp_path: Path, name: str = "mac.dmg") -> Path:
    image = tmp_path / name
    image.write_bytes(gzip.decompress(HFSPLUS.read_bytes()))
    return image


def test_hfsplus_resource_fork_is_an_item_and_metadata_files_are_left_out(
    tmp_path: Path,
) -> None:
    result = run_triage([_hfsplus(tmp_path)], tmp_path / "out", _config(RESOURCE_FORK))
    records = {r.path: r for r in result.all_records()}
    fork = records["/a_directory/a_resourcefork:rsrc"]
    assert fork.size == 17
    assert fork.sha256 == hashlib.sha256(RESOURCE_FORK).hexdigest()
    assert [m.category for m in fork.matches] == ["A"]
    assert records["/a_directory/a_resourcefork"].size == 0  # its data fork is empty
    assert records["/a_directory/a_file"].size == 53
    assert not [p for p in records if p.startswith("/$") or "HFS+ Private" in p]
    assert not [p for p in records if p.split("/")[-1] in HFS_METADATA]
    assert [e for e in result.errors if e.severity == "error"] == []


def test_hfsplus_unallocated_runs_match_blkls(tmp_path: Path) -> None:
    if shutil.which("blkls") is None:
        pytest.skip("sleuthkit (blkls) is not installed")
    import pytsk3

    from netsafe.triage.carving.allocation import unallocated_runs
    from netsafe.triage.carving.space import RunSpace

    image = _hfsplus(tmp_path, "hfsplus.raw")
    img = pytsk3.Img_Info(str(image))
    runs = unallocated_runs(pytsk3.FS_Info(img), img.read, 0)
    assert runs is not None
    space = RunSpace(img.read, runs)
    expected = subprocess.run(["blkls", str(image)], check=True, capture_output=True).stdout
    assert space.read(0, space.size) == expected


@pytest.mark.skipif(
    shutil.which("mkntfs") is None or shutil.which("ntfscp") is None,
    reason="ntfs-3g (mkntfs, ntfscp) is not installed: scripts/install-system-deps installs it",
)
def test_ntfs_alternate_data_streams_are_items_of_their_own(tmp_path: Path, known: Known) -> None:
    image = ntfs_image(tmp_path / "ntfs.img", {"host.txt": text_file(4)})
    for stream, data in (("hidden.jpg", known.image_a), ("Zone.Identifier", b"[ZoneTransfer]")):
        local = tmp_path / stream
        local.write_bytes(data)
        subprocess.run(
            ["ntfscp", "-q", "-N", stream, str(image), str(local), "host.txt"],
            check=True,
            capture_output=True,
        )
    result = run_triage([image], tmp_path / "out", known.config())
    records = {r.path: r for r in result.all_records()}
    assert records["/host.txt"].md5 == md5(text_file(4))
    hidden = records["/host.txt:hidden.jpg"]
    assert hidden.md5 == md5(known.image_a)
    assert hidden.pdq is not None  # a picture in a stream is a picture
    assert [m.category for m in hidden.matches] == ["A"]
    assert records["/host.txt:Zone.Identifier"].size == len(b"[ZoneTransfer]")
    assert not [r for r in result.records if r.carved and r.md5 == md5(known.image_a)]
