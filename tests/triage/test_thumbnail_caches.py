"""Windows thumbnail caches: thumbcache_*.db (format versions 20, 21, 30-32) and Thumbs.db, written
here from the published format descriptions with benign generated pictures. Each embedded
thumbnail is an item (`thumbcache_256.db!/<entry hash>`), hashed (PDQ too), matched at the
thumbnail distance, and flagged `thumbnail`."""

from __future__ import annotations

import dataclasses
import io
import struct
from pathlib import Path

import pytest
from PIL import Image

from netsafe.categories import Category
from netsafe.reports.triage_reports import ReportSink
from netsafe.signals.fingerprint import fingerprint_stream
from netsafe.signals.pdq import PdqSignal
from netsafe.triage.openers.content.thumbnail_cache import (
    cache_entries,
    cache_version,
    catalog_names,
)
from netsafe.triage.openers.interfaces import Embedded, EmbeddedProblem
from netsafe.triage.openers.registry import REGISTRY
from netsafe.triage.scan_config import ScanConfig
from tests.triage.conftest import Known, md5, run_triage
from tests.triage.fixtures import photo_jpeg, text_file, zip_bytes
from tests.triage.known_hashes import KnownHashesFactory
from tests.triage.thumbnail_caches import compound_file, thumbcache_file, thumbs_db


def _thumbnail(picture: bytes, side: int, fmt: str) -> bytes:
    image = Image.open(io.BytesIO(picture)).convert("RGB")
    image.thumbnail((side, side))
    buffer = io.BytesIO()
    image.save(buffer, fmt)
    return buffer.getvalue()


@pytest.mark.parametrize("version", [20, 21, 30, 31, 32])
def test_every_thumbcache_version_yields_its_thumbnails(version: int) -> None:
    picture = photo_jpeg(7)
    pictures = [_thumbnail(picture, 96, fmt) for fmt in ("JPEG", "PNG", "BMP")]
    data = thumbcache_file(
        version,
        [(0x482D656EE647F25E, pictures[0]), (0x1111, b""), (0x2222, pictures[1]),
         (0x3333, pictures[2])],
    )  # fmt: skip
    assert cache_version(data[:64]) == version
    assert REGISTRY.content_for(data[:4096], "") is not None  # recognised by content alone
    found = list(cache_entries(data, version))
    assert all(isinstance(item, Embedded) for item in found)
    items = [item for item in found if isinstance(item, Embedded)]
    assert [item.name for item in items] == ["482d656ee647f25e", "0000000000002222",
                                             "0000000000003333"]  # fmt: skip
    assert [b"".join(item.blocks) for item in items] == pictures
    assert all(item.flags == frozenset({"thumbnail"}) for item in items)


def test_a_truncated_entry_is_an_error_not_a_silence() -> None:
    data = thumbcache_file(21, [(0xAB, _thumbnail(photo_jpeg(3), 96, "PNG"))])
    cut = data[: 24 + 48 + 100]
    found = list(cache_entries(cut, 21))
    assert len(found) == 1
    assert isinstance(found[0], EmbeddedProblem)
    assert found[0].kind == "corrupt-thumbnail-cache"
    assert "past the end of the file" in found[0].reason


def test_thumbnails_in_caches_are_items_matched_and_flagged(tmp_path: Path, known: Known) -> None:
    original_b = photo_jpeg(103, size=256)
    small_b = _thumbnail(original_b, 96, "JPEG")
    pdq_b = fingerprint_stream(io.BytesIO(original_b), path="b").pdq
    thumb_pdq = fingerprint_stream(io.BytesIO(small_b), path="t").pdq
    assert pdq_b is not None
    assert thumb_pdq is not None
    distance = PdqSignal.distance(pdq_b, thumb_pdq)
    assert 2 < distance <= 48, distance
    # the list matches full-size files at distance 2 only: the thumbnail matches at 48
    factory = dataclasses.replace(known.factory, max_distance=2)
    config = ScanConfig(factory, "thumbs")
    root = tmp_path / "Users" / "example" / "AppData"
    root.mkdir(parents=True)
    (root / "thumbcache_256.db").write_bytes(
        thumbcache_file(32, [(0xA1, known.image_a), (0xB2, small_b), (0xC3, b"")])
    )
    (root / "Thumbs.db").write_bytes(
        thumbs_db([known.image_c, _thumbnail(known.image_a, 96, "JPEG")])
    )
    (root / "loose-small-b.jpg").write_bytes(small_b)  # the same bytes as a plain file
    (root / "report.doc").write_bytes(compound_file({"WordDocument": text_file(4)}))
    (root / "caches.zip").write_bytes(
        zip_bytes({"thumbcache_96.db": thumbcache_file(21, [(0xD4, known.image_c)])})
    )
    out = tmp_path / "out"
    result = run_triage([tmp_path / "Users"], out, config)
    ReportSink(out, pdf=False, inventory=True).write(result)

    by_path = {r.path: r for r in result.all_records()}
    base = "example/AppData"
    a = by_path[f"{base}/thumbcache_256.db!/00000000000000a1"]
    assert a.flags == ("thumbnail",)
    assert [(m.category, m.signal) for m in a.matches] == [("A", "md5")]
    b = by_path[f"{base}/thumbcache_256.db!/00000000000000b2"]
    assert [(m.category, m.signal, m.distance) for m in b.matches] == [("B", "pdq", distance)]
    assert b.pdq is not None
    assert by_path[f"{base}/loose-small-b.jpg"].matches == ()  # a file: the list's distance 2
    assert f"{base}/thumbcache_256.db!/00000000000000c3" not in by_path  # no data: no item
    c = by_path[f"{base}/Thumbs.db!/1"]
    assert (c.md5, c.flags) == (md5(known.image_c), ("thumbnail",))
    assert [m.category for m in c.matches] == ["C"]
    assert by_path[f"{base}/Thumbs.db!/2"].media_type == "image/jpeg"
    assert by_path[f"{base}/caches.zip!/thumbcache_96.db!/00000000000000d4"].flags == ("thumbnail",)
    assert not [p for p in by_path if p.startswith(f"{base}/report.doc!/")]  # OLE, no Catalog
    assert result.errors == []
    inventory = (out / "inventory.csv").read_text(encoding="utf-8")
    assert f"{base}/thumbcache_256.db!/00000000000000b2" in inventory
    assert ",thumbnail,matched," in inventory


def test_thumbnail_settings_are_explicit() -> None:
    config = ScanConfig(KnownHashesFactory(md5=(("0" * 32, Category.A),)))
    assert (config.thumbnail_max_distance, config.thumbnail_quality_floor) == (48, 50)


def test_caches_inside_a_disk_image_are_read_from_it(tmp_path: Path, known: Known) -> None:
    from tests.triage.fixtures import fat_image

    card = fat_image(
        tmp_path / "card.img",
        {
            "Thumbs.db": thumbs_db([known.image_c]),
            "AppData/thumbcache_96.db": thumbcache_file(21, [(0xE5, known.image_a)]),
        },
    )
    result = run_triage([card], tmp_path / "out", known.config())
    matched = {"/".join(r.path.split("/")[-2:]): r for r in result.all_records() if r.matches}
    assert {path: r.flags for path, r in matched.items()} == {
        "Thumbs.db!/1": ("thumbnail",),
        "thumbcache_96.db!/00000000000000e5": ("thumbnail",),
    }
    assert result.errors == []


def test_thumbs_db_items_are_named_after_the_pictures_in_its_catalog(
    tmp_path: Path, known: Known
) -> None:
    pictures = [_thumbnail(photo_jpeg(200 + i, size=128), 96, "JPEG") for i in range(9)]
    pictures.append(known.image_c)  # the tenth: stream "01"
    names = [f"holiday-{i}.jpg" for i in range(1, 10)] + ["clip.avi"]  # a video's thumbnail
    folder = tmp_path / "My Pictures"
    folder.mkdir()
    (folder / "Thumbs.db").write_bytes(thumbs_db(pictures, names))
    out = tmp_path / "out"
    result = run_triage([folder], out, known.config())
    ReportSink(out, pdf=False, inventory=True).write(result)
    paths = {r.path: r for r in result.all_records()}
    assert "Thumbs.db!/1 (holiday-1.jpg)" in paths
    assert "Thumbs.db!/9 (holiday-9.jpg)" in paths
    tenth = paths["Thumbs.db!/01 (clip.avi)"]
    assert [m.category for m in tenth.matches] == ["C"]
    assert tenth.flags == ("thumbnail",)
    assert result.errors == []  # no misleading-extension: a thumbnail's name is not its type
    assert "Thumbs.db!/01 (clip.avi)" in (out / "inventory.csv").read_text(encoding="utf-8")


def test_a_catalog_cut_short_keeps_the_names_it_has() -> None:
    catalog = struct.pack("<HHIII", 16, 7, 2, 96, 96)
    entry = ("a.jpg\0").encode("utf-16-le")
    entry += bytes(-len(entry) % 4)
    catalog += struct.pack("<IIQ", 16 + len(entry), 1, 0) + entry
    catalog += struct.pack("<IIQ", 400, 2, 0)  # says 400 bytes: past the end
    assert catalog_names(catalog) == {"1": "a.jpg"}


def test_a_thumbcache_index_is_hashed_as_a_file_without_error(tmp_path: Path, known: Known) -> None:
    """thumbcache_idx.db (`IMMM`: entry hashes pointing into the thumbcache_*.db files, no
    pictures) is read as a plain file: no error, no items inside."""
    folder = tmp_path / "Explorer"
    folder.mkdir()
    index = b"IMMM" + struct.pack("<IIII", 32, 0, 1024, 1024) + bytes(8192)
    (folder / "thumbcache_idx.db").write_bytes(index)
    result = run_triage([folder], tmp_path / "out", known.config())
    assert result.errors == []
    assert [r.path for r in result.all_records()] == ["thumbcache_idx.db"]
