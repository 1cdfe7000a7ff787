"""Triage finds known videos by vPDQ: in a folder and inside an archive, with each match's
shares in the findings, the report and the VICS case export; every video's vPDQ in the
inventory; a corrupt video is an error row."""

from __future__ import annotations

import csv
import json
import zipfile
from pathlib import Path

import pytest

from netsafe.settings import Settings
from tests.cli_runner import run_cli

pytestmark = pytest.mark.timeout(600)


def test_triage_matches_copies_of_a_listed_video(
    tmp_path: Path,
    cli_env: Settings,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    original: Path,
    variants: dict[str, Path],
    unrelated: Path,
) -> None:
    hashed = run_cli(capsys, monkeypatch, "hash", str(original), "--json")
    listed = hashed.json()[0]["vpdq"]
    listing = tmp_path / "videos.csv"
    listing.write_text("vpdq,category\n" + '"' + listed.replace('"', '""') + '",A\n')
    imported = run_cli(
        capsys, monkeypatch, "hashlist", "import", str(listing), "--name", "known-videos",
        "--vpdq-query-match", "0.85",
    )  # fmt: skip
    assert imported.exit_code == 0, imported.stderr

    device = tmp_path / "device"
    device.mkdir()
    (device / "clip.dat").write_bytes(variants["resized"].read_bytes())  # named to mislead
    (device / "other.mp4").write_bytes(unrelated.read_bytes())
    (device / "broken.mp4").write_bytes(original.read_bytes()[:3000])
    (device / "notes.txt").write_text("zebra-test-term\n", encoding="utf-8")
    with zipfile.ZipFile(device / "backup.zip", "w") as archive:
        archive.write(variants["re-encoded"], "DCIM/copy.avi")
    out = tmp_path / "report"
    done = run_cli(
        capsys, monkeypatch, "triage", str(device), "--exhibit", "SWP/V/1", "--out", str(out),
        "--workers", "0", "--no-pdf", "--inventory", "--json",
    )  # fmt: skip
    assert done.exit_code == 1, done.stderr  # broken.mp4 was not read: said by the exit code
    assert "SWP/V/1: 1 item could not be read" in done.stderr
    summary = done.json()
    assert summary["files_matched"] == 2

    with (out / "findings.csv").open(encoding="utf-8") as handle:
        findings = list(csv.DictReader(handle))
    by_name = {Path(row["path"]).name: row for row in findings}
    assert set(by_name) == {"clip.dat", "copy.avi"}
    for row in by_name.values():
        assert row["signal"] == "vpdq"
        assert row["vpdq"].startswith('["')
        scores = dict(part.split("=") for part in row["scores"].split(";"))
        assert float(scores["query_match"]) >= 0.9
        assert 0 < float(scores["compared_match"]) <= 1
        # the list's own thresholds, applied and reported
        assert (float(scores["min_query_match"]), float(scores["frame_max_distance"])) == (0.85, 31)
    with (out / "errors.csv").open(encoding="utf-8") as handle:
        errors = {Path(row["path"]).name: row["kind"] for row in csv.DictReader(handle)}
    assert errors.get("broken.mp4") == "corrupt-video"
    report = (out / "report.html").read_text(encoding="utf-8")
    assert "vpdq" in report.lower()
    assert "query_match" in report or "query match" in report.lower()
    export = json.loads((out / "case-export.vics.json").read_text(encoding="utf-8"))
    assert sorted(_vpdq_values(export)) == sorted(row["vpdq"] for row in by_name.values())
    with (out / "inventory.csv").open(encoding="utf-8") as handle:
        inventory = {Path(row["path"]).name: row for row in csv.DictReader(handle)}
    assert inventory["clip.dat"]["vpdq"] == by_name["clip.dat"]["vpdq"]
    assert inventory["other.mp4"]["status"] == "no-match"
    assert inventory["other.mp4"]["vpdq"].startswith('["')  # unmatched videos too
    assert inventory["notes.txt"]["vpdq"] == inventory["broken.mp4"]["vpdq"] == ""
    assert inventory["broken.mp4"]["errors"] == "corrupt-video"


def _vpdq_values(node: object) -> list[str]:
    """Every `AlternativeHashes` value named vPDQ anywhere in a VICS document."""
    if isinstance(node, list):
        return [value for item in node for value in _vpdq_values(item)]
    if not isinstance(node, dict):
        return []
    found = [str(node["HashValue"]) for _ in [0] if node.get("HashName") == "vPDQ"]
    return found + [value for item in node.values() for value in _vpdq_values(item)]
