"""Hostile and broken files: decompression bombs, truncated images, 0-byte files, misleading
names. Each becomes a row in errors.csv; the triage finishes; nothing is written outside --out."""

from __future__ import annotations

import csv
from pathlib import Path

from netsafe.reports.triage_reports import ReportSink
from tests.triage.conftest import Known, run_triage
from tests.triage.fixtures import png_bomb, text_file


def test_each_hostile_file_is_a_row_in_errors_csv_and_the_rest_still_matches(
    tmp_path: Path, known: Known
) -> None:
    root = tmp_path / "exhibit"
    root.mkdir()
    (root / "bomb.png").write_bytes(png_bomb())
    (root / "cut.jpg").write_bytes(known.image_a[: len(known.image_a) // 2])
    (root / "empty.jpg").write_bytes(b"")
    (root / "empty.bin").write_bytes(b"")
    (root / "holiday.txt").write_bytes(known.image_a)  # an image named as text
    (root / "notes.jpg").write_bytes(text_file(9))  # text named as an image
    (root / "fine.jpg").write_bytes(known.image_c)
    out = tmp_path / "out"
    before = sorted(tmp_path.rglob("*"))
    result = run_triage([root], out, known.config())
    ReportSink(out, pdf=False).write(result)
    after = sorted(p for p in tmp_path.rglob("*") if p != out and out not in p.parents)
    assert after == before  # nothing written outside --out

    with (out / "errors.csv").open(encoding="utf-8") as handle:
        rows = {(r["path"], r["kind"]): r for r in csv.DictReader(handle)}
    assert set(rows) == {
        ("bomb.png", "decompression-bomb"),
        ("cut.jpg", "corrupt-image"),
        ("empty.bin", "empty-file"),
        ("empty.jpg", "empty-file"),
        ("empty.jpg", "misleading-extension"),
        ("holiday.txt", "misleading-extension"),
        ("notes.jpg", "misleading-extension"),
    }
    assert "pixels exceeds the limit" in rows[("bomb.png", "decompression-bomb")]["reason"]
    assert rows[("cut.jpg", "corrupt-image")]["severity"] == "error"
    assert rows[("holiday.txt", "misleading-extension")]["severity"] == "warning"

    matched = {r.path: r.matches[0].category for r in result.records if r.matches}
    assert matched == {"holiday.txt": "A", "fine.jpg": "C"}  # content, not the name, decides
    hashed = {r.path: r for r in result.all_records()}
    assert hashed["bomb.png"].sha256  # cryptographic hashes even when the image is refused
    assert hashed["cut.jpg"].md5
    assert hashed["empty.bin"].md5 == "d41d8cd98f00b204e9800998ecf8427e"
    assert result.items_in_error == 2
    assert result.warnings == 5
