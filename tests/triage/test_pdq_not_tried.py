"""Triage says when PDQ was not tried (an image too plain or too small: quality under the
floor): in the record, findings.csv, summary.json and the report's counts."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import numpy as np
from PIL import Image

from netsafe.reports.triage_reports import ReportSink
from tests.triage.conftest import Known, run_triage


def _flat_png(shade: int) -> bytes:
    pixels = np.full((64, 64, 3), shade, dtype=np.uint8)
    pixels[:, :32] += 8  # two flat halves: PDQ quality 2
    buffer = io.BytesIO()
    Image.fromarray(pixels).save(buffer, "PNG")
    return buffer.getvalue()


def test_plain_images_are_counted_and_named(tmp_path: Path, known: Known) -> None:
    root = tmp_path / "exhibit"
    root.mkdir()
    (root / "flat.png").write_bytes(_flat_png(100))
    (root / "flat2.png").write_bytes(_flat_png(60))
    (root / "photo.jpg").write_bytes(known.near_b)  # a PDQ match, quality well above 50
    out = tmp_path / "out"
    result = run_triage([root], out, known.config())
    ReportSink(out, pdf=False).write(result)

    by_path = {r.path: r for r in result.all_records()}
    assert by_path["flat.png"].pdq_not_tried.startswith("PDQ not tried: quality 2")
    assert by_path["photo.jpg"].pdq_not_tried == ""
    assert by_path["photo.jpg"].matches
    summary = json.loads((out / "summary.json").read_text(encoding="utf-8"))
    assert summary["images_pdq_not_tried"] == 2
    html = (out / "report.html").read_text(encoding="utf-8")
    assert "2 images too plain or too small to match by PDQ" in html
    with (out / "findings.csv").open(encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    assert [row["pdq_not_tried"] for row in rows] == [""]
