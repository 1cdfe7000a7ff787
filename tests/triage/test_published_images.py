"""Published test images (dfvfs's test data, see data/README.md): an APFS container read with
libfsapfs and an HFS+ file system with no partition table, named like a Mac disk image."""

from __future__ import annotations

import gzip
import hashlib
from pathlib import Path

import pytest

from netsafe.triage.sources import open_source
from netsafe.triage.sources.disk_image import DiskImageSource
from tests.triage.conftest import Known, run_triage

DATA = Path(__file__).parent / "data"


def _unpacked(name: str, target: Path, sha256: str) -> Path:
    data = gzip.decompress((DATA / name).read_bytes())
    assert hashlib.sha256(data).hexdigest() == sha256
    target.write_bytes(data)
    return target


@pytest.fixture
def apfs(tmp_path: Path) -> Path:
    return _unpacked(
        "dfvfs-apfs.raw.gz",
        tmp_path / "macbook.img",
        "e3e3adcbbf189403d892b013d6cba155f2e58e42ff5eb541ec681c37a91a3f29",
    )


def test_apfs_volume_files_are_read_with_their_content(
    apfs: Path, tmp_path: Path, known: Known
) -> None:
    assert isinstance(open_source(apfs, 0), DiskImageSource)
    result = run_triage([apfs], tmp_path / "out", known.config())
    assert not [e for e in result.errors if e.severity == "error"]
    records = {r.path: r for r in result.all_records()}
    # the files dfvfs's test image holds (dfvfs's own tests list the same)
    assert set(records) == {
        "/passwords.txt",
        "/a_directory/a_file",
        "/a_directory/another_file",
        "/a_directory/a_resourcefork",
        "/.fseventsd/fseventsd-uuid",
        "/.fseventsd/000000001714941a",
        "/.fseventsd/000000001714941b",
        # fseventsd logs are gzip streams: opened like any archive
        "/.fseventsd/000000001714941a!/000000001714941a",
        "/.fseventsd/000000001714941b!/000000001714941b",
    }
    assert records["/passwords.txt"].size == 116
    assert records["/a_directory/another_file"].size == 22
    assert records["/a_directory/a_file"].size == 53
    import pyfsapfs

    container = pyfsapfs.container()
    container.open(str(apfs))
    entry = container.get_volume(0).get_file_entry_by_path("/passwords.txt")
    content = entry.read_buffer(entry.get_size())
    assert records["/passwords.txt"].sha256 == hashlib.sha256(content).hexdigest()


def test_an_apfs_image_inside_a_zip_is_opened(apfs: Path, tmp_path: Path, known: Known) -> None:
    from tests.triage.fixtures import zip_bytes

    archive = tmp_path / "mac.zip"
    archive.write_bytes(zip_bytes({"macbook.img": apfs.read_bytes()}))
    result = run_triage([archive], tmp_path / "out", known.config())
    paths = {r.path for r in result.all_records()}
    assert "mac.zip!/macbook.img!/passwords.txt" in paths


def test_hfs_plus_named_dmg_is_triaged_file_by_file(tmp_path: Path, known: Known) -> None:
    image = _unpacked(
        "dfvfs-hfsplus.raw.gz",
        tmp_path / "mac.dmg",
        "03cfaa73e1bc61ee19d285252ae6919afc9990506ad1c2919249d1e11d289b08",
    )
    assert isinstance(open_source(image, 0), DiskImageSource)
    result = run_triage([image], tmp_path / "out", known.config())
    paths = {r.path for r in result.all_records()}
    assert {"/passwords.txt", "/a_directory/a_file", "/a_directory/another_file"} <= paths
    assert result.sources[0].kind == "raw"
