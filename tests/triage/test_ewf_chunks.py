"""The fast EWF chunk reader against libewf: the same media byte for byte (compressed and not,
one segment and many), the stored MD5, and a failing chunk read as an error naming its sectors
(libewf gives zeros)."""

from __future__ import annotations

import hashlib
import subprocess
from pathlib import Path

import pyewf
import pytest

from netsafe.triage.openers.media.ewf_chunks import open_chunks
from tests.triage.conftest import Known, run_triage
from tests.triage.disk_fixtures import e01_segments
from tests.triage.fixtures import fat_image, mbr_disk, text_file


@pytest.fixture(scope="module")
def disk(tmp_path_factory: pytest.TempPathFactory, known: Known) -> Path:
    folder = tmp_path_factory.mktemp("ewf")
    files = {"DCIM/a.jpg": known.image_a, "notes.txt": text_file(4, size=300_000)}
    return mbr_disk(folder / "disk.raw", [(fat_image(folder / "v.raw", files), 0x0C)])


def _acquire(disk: Path, target: Path, compression: str) -> list[str]:
    target.parent.mkdir(parents=True, exist_ok=True)
    with disk.open("rb") as stream:
        subprocess.run(
            ["ewfacquirestream", "-q", "-t", str(target), "-c", compression, "-S", "1048576"],
            stdin=stream,
            check=True,
            capture_output=True,
        )
    return [str(p) for p in pyewf.glob(str(target) + ".E01")]


@pytest.mark.parametrize("compression", ["none", "fast", "best"])
def test_the_chunk_reader_reads_what_libewf_reads(
    disk: Path, tmp_path: Path, compression: str
) -> None:
    segments = _acquire(disk, tmp_path / "set" / "exhibit", compression)
    assert len(segments) > 1 or compression != "none"
    reader = open_chunks(segments)
    assert reader is not None
    handle = pyewf.handle()
    handle.open(segments)
    try:
        assert reader.size == handle.get_media_size() == disk.stat().st_size
        assert reader.stored_md5 == handle.get_hash_value("MD5")
        data = disk.read_bytes()
        for offset, size in ((0, 512), (32_000, 70_000), (len(data) - 1000, 5000), (0, len(data))):
            assert reader.read_at(offset, size) == data[offset : offset + size]
        assert hashlib.md5(reader.read_at(0, reader.size)).hexdigest() == reader.stored_md5
    finally:
        handle.close()
        reader.close()


def test_a_failing_chunk_is_a_read_error_naming_its_sectors(
    disk: Path, tmp_path: Path, known: Known
) -> None:
    (e01,) = e01_segments(disk, tmp_path / "exhibit", segment_bytes=64 * 1024 * 1024)
    middle = text_file(4, size=300_000)[150_000:150_064]  # inside notes.txt
    data = bytearray(e01.read_bytes())
    data[data.find(middle) + 7] ^= 0xFF
    e01.write_bytes(bytes(data))
    reader = open_chunks([str(e01)])
    assert reader is not None
    sector = disk.read_bytes().find(middle) // 512
    with pytest.raises(OSError, match=r"fails its checksum") as raised:
        reader.read_at(sector * 512, 512)
    first, last = (int(n) for n in str(raised.value).split("sectors ")[1].split(")")[0].split("-"))
    assert first <= sector <= last
    reader.close()
    result = run_triage([e01], tmp_path / "out", known.config())
    rows = {e.kind: e.reason for e in result.errors if e.path == "."}
    assert f"sectors {first}-{last} ({last - first + 1} sectors)" in rows["checksum-error"]
