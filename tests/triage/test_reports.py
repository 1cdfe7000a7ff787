"""The reports of a triage: summary.json, findings.csv, errors.csv, report.html, report.pdf and
the VICS 2.0 case export (read back with the hash-list VICS reader)."""

from __future__ import annotations

import csv
import json
import subprocess
from pathlib import Path

import pytest

from netsafe.hashlists.category_map import CategoryMap
from netsafe.hashlists.formats import vics
from netsafe.hashlists.model import HashEntry
from netsafe.reports.triage_reports import ReportSink
from netsafe.triage.result import TriageResult
from tests.triage.conftest import Known, md5, run_triage
from tests.triage.fixtures import e01_image, fat_image, png_bomb, zip_bytes


@pytest.fixture(scope="module")
def reported(tmp_path_factory: pytest.TempPathFactory, known: Known) -> tuple[TriageResult, Path]:
    folder = tmp_path_factory.mktemp("reported")
    fat = fat_image(
        folder / "card.img",
        {"a.jpg": known.image_a, "b.jpg": known.near_b, "x.jpg": known.image_c},
        delete=("x.jpg",),
    )
    e01 = e01_image(fat, folder / "card")
    loose = folder / "loose"
    loose.mkdir()
    (loose / "again-a.jpg").write_bytes(known.image_a)
    (loose / "pics.zip").write_bytes(zip_bytes({"c.jpg": known.image_c}))
    (loose / "bomb.png").write_bytes(png_bomb())
    (loose / "sys.dat").write_bytes(known.system_file)
    out = folder / "out"
    result = run_triage([e01, loose], out, known.config(), examiner="DC 4521 Example")
    ReportSink(out).write(result)
    return result, out


def test_summary_json(reported: tuple[TriageResult, Path]) -> None:
    result, out = reported
    summary = json.loads((out / "summary.json").read_text(encoding="utf-8"))
    assert summary["exhibit"] == "TEST/EX/1"
    assert summary["case"] == "TEST-CASE"
    assert summary["counts_by_category"] == {
        "A": 2,
        "B": 1,
        "C": 2,
        "non-indecent": 0,
        "ignorable": 0,
        "ungraded": 0,
    }
    assert summary["files_matched"] == 5
    assert summary["files_ignored"] == 1
    assert summary["deleted_files_scanned"] == 1
    assert summary["items_in_error"] == 1
    assert summary["files_scanned"] == len(result.all_records())
    assert summary["bytes_scanned"] > 0
    assert summary["duration_seconds"] >= 0
    assert summary["tool"]["name"] == "netsafe"
    e01, loose = summary["sources"]
    assert e01["kind"] == "e01"
    assert e01["verification"]["verified"] is True
    assert e01["verification"]["stored_md5"] == e01["verification"]["computed_md5"]
    assert loose["kind"] == "directory"
    assert loose["verification"] is None


def test_findings_csv_one_row_per_match(known: Known, reported: tuple[TriageResult, Path]) -> None:
    _result, out = reported
    with (out / "findings.csv").open(encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    assert [r["category"] for r in rows] == ["A", "A", "B", "C", "C"]  # most serious first
    by_path = {r["path"].rsplit("/", 1)[-1]: r for r in rows}
    assert by_path["a.jpg"]["md5"] == md5(known.image_a)
    assert by_path["a.jpg"]["signal"] == "md5"
    assert by_path["a.jpg"]["list"] == "test-list"
    assert by_path["b.jpg"]["signal"] == "pdq"
    assert 0 < int(by_path["b.jpg"]["distance"]) <= 31
    deleted = [r for r in rows if r["deleted"] == "yes"]
    assert len(deleted) == 1
    assert deleted[0]["category"] == "C"
    assert [r["category"] for r in rows if r["path"] == "pics.zip!/c.jpg"] == ["C"]
    assert set(rows[0]) == {
        "source", "path", "size", "md5", "sha1", "sha256", "pdq", "list", "entry_id",
        "category", "signal", "distance", "deleted", "pdq_not_tried", "carved",
        "vpdq", "scores",  # a column per signal without its own, then the match's scores
    }  # fmt: skip


def test_errors_csv(reported: tuple[TriageResult, Path]) -> None:
    _result, out = reported
    with (out / "errors.csv").open(encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    assert [(r["path"], r["kind"], r["severity"]) for r in rows] == [
        ("bomb.png", "decompression-bomb", "error")
    ]


def test_html_and_pdf_reports_counts_first_then_findings_and_no_image_content(
    reported: tuple[TriageResult, Path],
) -> None:
    _result, out = reported
    html = (out / "report.html").read_text(encoding="utf-8")
    assert "TEST/EX/1" in html
    assert html.index("Matched files by category") < html.index("Findings (5)")
    assert "stored MD5 matches the media" in html
    assert "<img" not in html
    assert "data:image" not in html
    pdf = out / "report.pdf"
    assert pdf.read_bytes().startswith(b"%PDF")
    text = subprocess.run(
        ["pdftotext", str(pdf), "-"], check=True, capture_output=True, text=True
    ).stdout
    assert "Device triage report" in text
    assert text.index("Matched files by category") < text.index("Findings (5)")
    images = subprocess.run(
        ["pdfimages", "-list", str(pdf)], check=True, capture_output=True, text=True
    ).stdout
    assert len(images.strip().splitlines()) == 2  # the header lines only: no image in the PDF


def test_vics_case_export_reads_back(known: Known, reported: tuple[TriageResult, Path]) -> None:
    _result, out = reported
    path = out / "case-export.vics.json"
    document = json.loads(path.read_text(encoding="utf-8"))
    assert document["@odata.context"].endswith("#Cases")
    assert document["value"][0]["CaseNumber"] == "TEST-CASE"
    entries = [HashEntry(*row) for row in vics.read(path, CategoryMap.load(), sink=_Strict())]
    categories = sorted(e.category for e in entries)
    assert categories == ["A", "B", "C"]  # one Media per distinct matched content
    by_md5 = {e.md5.hex(): e for e in entries if e.md5}
    assert "found at" in (by_md5[md5(known.image_a)].comments or "")


class _Strict:
    """An entry sink that fails the test on any rejected entry."""

    def invalid(self, where: str, error: Exception) -> None:
        raise AssertionError(f"VICS entry rejected at {where}: {error}")


def test_pdf_gives_each_hash_its_own_unbroken_monospace_column(
    reported: tuple[TriageResult, Path], tmp_path: Path
) -> None:
    result, out = reported
    pdf = out / "report.pdf"
    layout = subprocess.run(
        ["pdftotext", "-layout", str(pdf), "-"], check=True, capture_output=True, text=True
    ).stdout
    lines = layout.splitlines()
    for finding in result.findings():
        for value in (finding.md5, finding.sha1):
            holding = [line for line in lines if value in line]
            assert holding, f"{value} is broken across lines or missing"
    md5_line = next(line for line in lines if result.findings()[0].md5 in line)
    assert result.findings()[0].sha1 in md5_line  # side by side: a column each, one row
    fonts = subprocess.run(
        ["pdffonts", str(pdf)], check=True, capture_output=True, text=True
    ).stdout
    assert "DejaVu-Sans-Mono" in fonts
    subprocess.run(
        ["pdftoppm", "-png", "-r", "60", "-f", "1", "-l", "1", str(pdf), str(tmp_path / "page")],
        check=True,
    )
    assert (tmp_path / "page-1.png").stat().st_size > 0


def test_report_names_the_examiner_and_gives_times_to_the_second_with_their_zone(
    reported: tuple[TriageResult, Path],
) -> None:
    import re

    result, out = reported
    assert result.summary()["examiner"] == "DC 4521 Example"
    html = (out / "report.html").read_text(encoding="utf-8")
    assert "examiner <strong>DC 4521 Example</strong>" in html
    times = re.findall(r"\d{4}-\d\d-\d\d \d\d:\d\d:\d\d UTC", html)
    assert len(times) >= 2
    assert times[0] == result.started_at.strftime("%Y-%m-%d %H:%M:%S UTC")


def test_a_zip_source_is_reported_as_a_zip(tmp_path: Path, known: Known) -> None:
    archive = tmp_path / "seized.zip"
    archive.write_bytes(zip_bytes({"a.jpg": known.image_a, "b/readme.txt": b"benign"}))
    out = tmp_path / "out"
    result = run_triage([archive], out, known.config())
    ReportSink(out, pdf=False).write(result)
    [source] = result.summary()["sources"]
    assert source["kind"] == "zip"
    assert source["files"] == 1
    assert result.matched_files() == 1
    assert "<td>zip</td>" in (out / "report.html").read_text(encoding="utf-8")


@pytest.mark.parametrize(
    ("name", "kind"),
    [("seized.tar", "tar"), ("seized.tar.gz", "gzip"), ("thumbcache_256.db", "thumbcache"),
     ("notes.txt", "file")],
)  # fmt: skip
def test_each_container_source_reports_its_kind(
    tmp_path: Path, known: Known, name: str, kind: str
) -> None:
    import io
    import tarfile

    from tests.triage.thumbnail_caches import thumbcache_file

    source = tmp_path / name
    if name.startswith("seized"):
        with tarfile.open(source, "w:gz" if name.endswith(".gz") else "w") as archive:
            member = tarfile.TarInfo("a.jpg")
            member.size = len(known.image_a)
            archive.addfile(member, io.BytesIO(known.image_a))
    elif name.startswith("thumbcache"):
        source.write_bytes(thumbcache_file(32, [(0xA1, known.image_a)]))
    else:
        source.write_bytes(b"benign text")
    out = tmp_path / "out"
    result = run_triage([source], out, known.config())
    ReportSink(out, pdf=False).write(result)
    [summary] = result.summary()["sources"]
    assert summary["kind"] == kind
    assert result.matched_files() == (0 if kind == "file" else 1)
    assert f"<td>{kind}</td>" in (out / "report.html").read_text(encoding="utf-8")
