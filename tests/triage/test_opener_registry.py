"""The opener registry (issue 14 point 2): a new kind of container is one module plus its
registration; its embedded items are scanned and matched like files, under the archive limits;
disks expose their unpartitioned space for carving."""

from __future__ import annotations

import struct
from collections.abc import Iterator
from pathlib import Path

import pytest

from netsafe.triage.limits import ArchiveLimits
from netsafe.triage.openers.disk import open_disk
from netsafe.triage.openers.interfaces import (
    ByteRun,
    Content,
    Embedded,
    EmbeddedProblem,
    KeyRing,
    OpenContext,
    OpenError,
    Probe,
)
from netsafe.triage.openers.registry import REGISTRY
from netsafe.triage.openers.resolve import open_medium, probe_path
from tests.triage.conftest import Known, run_triage
from tests.triage.fixtures import fat_image, mbr_disk, zip_bytes

MAGIC = b"ZEBRA-TEST-CONTAINER\n"


class ZebraOpener:
    """A made-up container for the test: MAGIC, then (name length, data length, name, data)
    records; a record with an empty name is reported as unreadable."""

    kind = "zebra"

    def recognise(self, head: bytes, name: str) -> bool:
        return head.startswith(MAGIC)

    def open(self, content: Content, context: OpenContext) -> Iterator[Embedded | EmbeddedProblem]:
        data = content.data
        if data is None and content.path is not None:
            data = Path(content.path).read_bytes()
        assert data is not None
        offset = len(MAGIC)
        while offset < len(data):
            start = offset
            if offset + 8 > len(data):
                raise OpenError("corrupt-container", f"record cut short at byte {offset}")
            name_size, size = struct.unpack_from("<II", data, offset)
            offset += 8
            name = data[offset : offset + name_size].decode()
            offset += name_size
            body = data[offset : offset + size]
            offset += size
            if not name:
                yield EmbeddedProblem(f"#{start}", "unreadable", "record without a name")
                continue
            yield Embedded(name, iter([body]), flags=frozenset({"thumbnail"}))


def zebra(records: list[tuple[str, bytes]]) -> bytes:
    out = bytearray(MAGIC)
    for name, body in records:
        encoded = name.encode()
        out += struct.pack("<II", len(encoded), len(body)) + encoded + body
    return bytes(out)


@pytest.fixture
def zebra_registered(monkeypatch: pytest.MonkeyPatch) -> None:
    openers = [ZebraOpener(), *REGISTRY.content_openers()]
    monkeypatch.setattr(REGISTRY, "_content", openers)


@pytest.mark.usefixtures("zebra_registered")
def test_a_registered_content_opener_yields_items_that_are_matched(
    tmp_path: Path, known: Known
) -> None:
    folder = tmp_path / "exhibit"
    folder.mkdir()
    (folder / "cache.db").write_bytes(zebra([("256/0001", known.image_a), ("", b"x")]))
    inner = zebra([("0002", known.image_c)])
    (folder / "caches.zip").write_bytes(zip_bytes({"thumbs/cache.db": inner}))
    result = run_triage([folder], tmp_path / "out", known.config())
    matched = {r.path: r.matches[0].category for r in result.records if r.matches}
    assert matched == {"cache.db!/256/0001": "A", "caches.zip!/thumbs/cache.db!/0002": "C"}
    second = len(MAGIC) + 8 + len("256/0001") + len(known.image_a)
    assert {(e.path, e.kind) for e in result.errors} == {(f"cache.db!/#{second}", "unreadable")}


@pytest.mark.usefixtures("zebra_registered")
def test_a_broken_container_is_an_error_of_its_kind(tmp_path: Path, known: Known) -> None:
    path = tmp_path / "cache.db"
    path.write_bytes(zebra([("1", known.image_a)]) + b"\x01\x02")
    result = run_triage([path], tmp_path / "out", known.config())
    assert [(e.kind, e.reason) for e in result.errors] == [
        ("corrupt-container", f"record cut short at byte {path.stat().st_size - 2}")
    ]
    assert {r.path for r in result.records if r.matches} == {"cache.db!/1"}


@pytest.mark.usefixtures("zebra_registered")
def test_registered_containers_obey_the_depth_limit(tmp_path: Path, known: Known) -> None:
    path = tmp_path / "cache.zip"
    path.write_bytes(zip_bytes({"cache.db": zebra([("1", known.image_a)])}))
    result = run_triage([path], tmp_path / "out", known.config(ArchiveLimits(max_depth=1)))
    assert not [r for r in result.records if r.matches]


def test_media_formats_are_tried_in_order_and_raw_takes_the_rest(tmp_path: Path) -> None:
    kinds = [f.kind for f in REGISTRY.media_formats()]
    assert kinds[-1] == "raw"
    assert {"e01", "vhd", "vmdk", "qcow2", "split-raw"} <= set(kinds)
    probe = Probe("x", b"\0" * 1024, 1024)
    assert REGISTRY.media_for(probe).kind == "raw"
    assert REGISTRY.suggested_kind("SUSPECT.E01") == "e01"
    assert REGISTRY.suggested_kind("notes.txt") is None


def test_a_disk_exposes_its_unpartitioned_space_and_file_systems(
    tmp_path: Path, known: Known
) -> None:
    volume = fat_image(tmp_path / "v.raw", {"a.jpg": known.image_a})
    disk_path = mbr_disk(tmp_path / "disk.raw", [(volume, 0x0C), (volume, 0x0C)])
    medium = open_medium(probe_path(disk_path))
    disk = open_disk(medium, KeyRing())
    try:
        systems = disk.file_systems()
        assert [(fs.label, fs.type_name, fs.offset) for fs in systems] == [
            ("/partition-1.1", "FAT", 2048 * 512),
            ("/partition-1.2", "FAT", (2048 + 16384 + 2048) * 512),
        ]
        runs = list(disk.unpartitioned())
        assert ByteRun(512, 2047 * 512) in runs or ByteRun(0, 2048 * 512) in runs
        assert ByteRun((2048 + 16384) * 512, 2048 * 512) in runs
        gap = runs[-1]
        assert len(medium.data.read_at(gap.offset, gap.length)) == gap.length
    finally:
        disk.close()


def test_the_key_ring_never_shows_a_key() -> None:
    ring = KeyRing({"exhibit.E01": "zebra-secret-1"})
    assert "zebra-secret-1" not in repr(ring)
    assert ring.for_source("/cases/exhibit.E01") == ["zebra-secret-1"]
    assert ring.for_source("other.E01") == []


def test_a_file_system_lists_its_unallocated_runs(tmp_path: Path, known: Known) -> None:
    volume = fat_image(tmp_path / "v.raw", {"a.jpg": known.image_a, "b.jpg": known.image_c})
    disk = open_disk(open_medium(probe_path(volume)), KeyRing())
    try:
        (fs,) = disk.file_systems()
        runs = list(fs.unallocated())
        assert runs
        assert sum(run.length for run in runs) < volume.stat().st_size
        assert all(run.offset + run.length <= volume.stat().st_size for run in runs)
    finally:
        disk.close()
