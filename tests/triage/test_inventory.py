"""inventory.csv: one row per item, the hashes computed, flags and status, streamed from the
journal (memory flat however many rows)."""

from __future__ import annotations

import csv
import dataclasses
import tracemalloc
from pathlib import Path

import pytest

from netsafe.reports.triage_inventory import inventory_columns, write_inventory
from netsafe.reports.triage_reports import ReportSink
from netsafe.triage.journal import Journal
from netsafe.triage.plain import PlainFiles, pack
from tests.triage.conftest import Known, md5, run_triage
from tests.triage.fixtures import fat_image, text_file, zip_bytes


def _rows(out: Path) -> list[dict[str, str]]:
    with (out / "inventory.csv").open(encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def test_one_row_per_item_with_its_hashes_flags_and_status(tmp_path: Path, known: Known) -> None:
    root = tmp_path / "exhibit"
    root.mkdir()
    (root / "a.jpg").write_bytes(known.image_a)
    (root / "sys.dat").write_bytes(known.system_file)
    (root / "cut.jpg").write_bytes(known.image_a[:900])
    (root / "pics.zip").write_bytes(zip_bytes({"c.jpg": known.image_c, "n.txt": text_file(3)}))
    for number in range(20):
        (root / f"note{number}.txt").write_bytes(text_file(100 + number))
    card = fat_image(tmp_path / "card.img", {"old.jpg": known.image_c}, delete=("old.jpg",))
    out = tmp_path / "out"
    config = dataclasses.replace(known.config(), hashes=("md5",))
    result = run_triage([root, card], out, config)
    ReportSink(out, pdf=False, inventory=True).write(result)

    rows = _rows(out)
    assert tuple(rows[0]) == inventory_columns()
    by_path = {row["path"]: row for row in rows}
    assert len(rows) == len(by_path) == result.files_scanned
    assert by_path["a.jpg"]["status"] == "matched"
    assert by_path["a.jpg"]["md5"] == md5(known.image_a)
    assert by_path["a.jpg"]["media_type"] == "image/jpeg"
    assert by_path["a.jpg"]["pdq"]
    assert int(by_path["a.jpg"]["pdq_quality"]) >= 50
    assert by_path["sys.dat"]["status"] == "known-good"
    assert by_path["cut.jpg"]["errors"] == "corrupt-image"
    assert by_path["pics.zip!/c.jpg"]["status"] == "matched"
    assert by_path["pics.zip!/n.txt"]["sha256"]  # archive members get all three hashes
    plain = by_path["note7.txt"]
    assert (plain["status"], plain["sha1"], plain["sha256"]) == ("no-match", "", "")
    assert plain["md5"] == md5(text_file(107))
    deleted = [row for row in rows if row["flags"] == "deleted"]
    assert [row["path"].rsplit("/", 1)[-1][1:] for row in deleted] == ["ld.jpg"]  # FAT: ?ld.jpg
    assert deleted[0]["source"].endswith("card.img")


@pytest.mark.slow
def test_inventory_streams_from_the_journal_in_flat_memory(tmp_path: Path) -> None:
    batches, per_batch = 200, 1000
    journal = Journal(tmp_path, {"exhibit": "T"}, resume=False)
    for batch in range(batches):
        keys = [f"k{batch}-{i}" for i in range(per_batch)]
        plain = PlainFiles(
            keys,
            ["/evidence"] * per_batch,
            [f"folder{batch}/file-{i:06d}.dat" for i in range(per_batch)],
            list(range(per_batch)),
            md5=bytes(16) * per_batch,
        )
        journal.record_plain(pack(plain), per_batch)
    journal.close()
    tracemalloc.start()
    write_inventory(tmp_path)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    size = (tmp_path / "inventory.csv").stat().st_size
    with (tmp_path / "inventory.csv").open(encoding="utf-8") as handle:
        count = sum(1 for _ in handle) - 1
    assert count == batches * per_batch
    assert size > 15_000_000
    assert peak < 4_000_000, peak  # one batch at a time, not the 200,000 rows


def test_flags_of_carved_and_thumbnail_items() -> None:
    from netsafe.reports.triage_inventory import inventory_rows
    from netsafe.triage.items import FileRecord, ItemError, ItemResult

    carved = FileRecord("/disk.E01", "/p1/$unallocated@0x1000.jpg", 10, "a", "b", "c", carved=True)
    thumb = FileRecord("/d", "/t.db!/0011", 5, "a", "b", "c", deleted=True, flags=("thumbnail",))
    unread = ItemError("/d", "/gone.bin", "unreadable", "file vanished")
    rows = list(inventory_rows([ItemResult("k", [carved, thumb], [unread])]))
    columns = inventory_columns().index("flags"), inventory_columns().index("status")
    assert [(row[1], row[columns[0]], row[columns[1]]) for row in rows] == [
        ("/p1/$unallocated@0x1000.jpg", "carved", "no-match"),
        ("/t.db!/0011", "deleted thumbnail", "no-match"),
        ("/gone.bin", "", "unread"),
    ]
    assert rows[2][-1] == "unreadable"
