"""`netsafe triage` end to end: import a list, triage an E01 and folders, read the reports and the
stored run; bad usage exits 2. Matching here goes through the real hash-list index."""

from __future__ import annotations

import csv
import getpass
import json
from pathlib import Path

import pytest
from sqlalchemy import Engine

from netsafe.settings import Settings
from netsafe.store.engine import make_session_factory
from netsafe.store.repositories.triage import SqlTriageRepository
from tests.cli_runner import run_cli
from tests.triage.conftest import Known, import_known_list
from tests.triage.fixtures import e01_image, fat_image, mbr_disk, photo_jpeg


@pytest.mark.slow
def test_examiner_walkthrough_import_a_list_triage_an_e01_read_the_report(
    tmp_path: Path,
    cli_env: Settings,
    engine: Engine,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    known: Known,
) -> None:
    import_known_list(tmp_path, capsys, monkeypatch, known)
    raw = fat_image(
        tmp_path / "phone.img",
        {"DCIM/a.jpg": known.image_a, "DCIM/b.jpg": known.near_b, "old.jpg": known.image_c},
        delete=("old.jpg",),
    )
    e01 = e01_image(raw, tmp_path / "phone")
    out = tmp_path / "report"
    args = ["triage", str(e01), "--exhibit", "SWP/AB/1", "--case", "OP-NS/1", "--out", str(out)]
    done = run_cli(capsys, monkeypatch, *args, "--workers", "0", "--json")
    assert done.exit_code == 0, done.stderr
    summary = done.json()
    assert summary["counts_by_category"]["A"] == 1
    assert summary["counts_by_category"]["B"] == 1
    assert summary["counts_by_category"]["C"] == 1
    assert summary["deleted_files_scanned"] == 1
    assert summary["sources"][0]["verification"]["verified"] is True
    assert summary["lists"][0]["name"] == "known-test"
    assert summary["out"] == str(out.resolve())
    assert {p.name for p in out.iterdir()} >= {
        "summary.json", "findings.csv", "errors.csv", "report.html", "report.pdf",
        "case-export.vics.json", "journal.sqlite",
    }  # fmt: skip
    assert json.loads((out / "summary.json").read_text())["files_matched"] == 3

    with make_session_factory(engine)() as session:
        run = SqlTriageRepository(session).latest_run("SWP/AB/1")
        assert run is not None
        assert run.files_matched == 3
        findings = SqlTriageRepository(session).findings(run.id)
    assert sorted((f.category, f.list_name, f.deleted) for f in findings) == [
        ("A", "known-test", False),
        ("B", "known-test", False),
        ("C", "known-test", True),
    ]

    again = run_cli(capsys, monkeypatch, *args, "--workers", "0")
    assert again.exit_code == 2
    assert "--resume" in again.stderr
    resumed = run_cli(capsys, monkeypatch, *args, "--workers", "0", "--resume", "--json")
    assert resumed.exit_code == 0, resumed.stderr
    assert resumed.json()["scanned_this_run"] == 0
    assert resumed.json()["counts_by_category"] == summary["counts_by_category"]


@pytest.mark.slow
def test_several_exhibits_in_one_command_on_the_process_pool(
    tmp_path: Path,
    cli_env: Settings,
    engine: Engine,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    known: Known,
) -> None:
    import_known_list(tmp_path, capsys, monkeypatch, known)
    first, second = tmp_path / "laptop", tmp_path / "usb"
    first.mkdir()
    second.mkdir()
    (first / "a.jpg").write_bytes(known.image_a)
    (second / "c.jpg").write_bytes(known.image_c)
    (second / "other.jpg").write_bytes(photo_jpeg(5))
    done = run_cli(
        capsys, monkeypatch, "triage", str(first), str(second),
        "--exhibit", "GWP/1", "--exhibit", "GWP/2", "--out", str(tmp_path / "out"),
        "--workers", "2", "--no-pdf", "--json",
    )  # fmt: skip
    assert done.exit_code == 0, done.stderr
    one, two = done.json()
    assert (one["exhibit"], one["files_matched"], one["counts_by_category"]["A"]) == ("GWP/1", 1, 1)
    assert (two["exhibit"], two["files_matched"], two["counts_by_category"]["C"]) == ("GWP/2", 1, 1)
    assert one["runner"] == "process pool of 2"
    assert (tmp_path / "out" / "GWP_1" / "findings.csv").exists()
    assert (tmp_path / "out" / "GWP_2" / "findings.csv").exists()


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["missing-folder", "--exhibit", "X/1"], "no such file"),
        (["{tmp}", "{tmp}", "--exhibit", "A", "--exhibit", "B", "--exhibit", "C"], "once per"),
        (["{tmp}", "--exhibit", " "], "reference is empty"),
    ],
)
def test_bad_usage_exits_2(
    args: list[str],
    message: str,
    tmp_path: Path,
    cli_env: Settings,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.chdir(tmp_path)
    filled = [a.replace("{tmp}", str(tmp_path)) for a in args]
    done = run_cli(capsys, monkeypatch, "triage", *filled, "--workers", "0")
    assert done.exit_code == 2
    assert message in done.stderr


def test_hashes_auto_follows_the_lists_and_an_explicit_choice_must_cover_them(
    tmp_path: Path,
    cli_env: Settings,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    known: Known,
) -> None:
    import_known_list(tmp_path, capsys, monkeypatch, known)  # MD5 entries and one PDQ entry
    folder = tmp_path / "folder"
    folder.mkdir()
    (folder / "a.jpg").write_bytes(known.image_a)
    (folder / "notes.txt").write_bytes(b"benign generated notes\n" * 50)
    args = ["triage", str(folder), "--exhibit", "SWP/HASH/1", "--workers", "0", "--json"]
    done = run_cli(capsys, monkeypatch, *args, "--out", str(tmp_path / "auto"))
    assert done.exit_code == 0, done.stderr
    summary = done.json()
    assert summary["hashes"]["every_file"] == ["md5"]
    assert summary["files_matched"] == 1
    assert not (tmp_path / "auto" / "inventory.csv").exists()  # only when asked for
    assert summary["examiner"] == getpass.getuser()  # no --examiner: the user running it
    refused = run_cli(
        capsys, monkeypatch, *args, "--hashes", "sha256", "--out", str(tmp_path / "x")
    )
    assert refused.exit_code == 2
    assert "would miss list entries that carry only md5" in refused.stderr
    every = run_cli(capsys, monkeypatch, *args, "--hashes", "all", "--out", str(tmp_path / "all"))
    assert every.exit_code == 0, every.stderr
    assert every.json()["hashes"]["every_file"] == ["md5", "sha1", "sha256"]
    with (tmp_path / "all" / "inventory.csv").open(encoding="utf-8") as handle:
        rows = {row["path"]: row for row in csv.DictReader(handle)}  # --hashes all implies it
    assert rows["notes.txt"]["sha256"]
    assert rows["a.jpg"]["status"] == "matched"
    asked = run_cli(
        capsys, monkeypatch, *args, "--inventory", "--examiner", "DC 9 Example",
        "--out", str(tmp_path / "inv"),
    )  # fmt: skip
    assert asked.exit_code == 0, asked.stderr
    assert asked.json()["examiner"] == "DC 9 Example"
    with (tmp_path / "inv" / "inventory.csv").open(encoding="utf-8") as handle:
        rows = {row["path"]: row for row in csv.DictReader(handle)}
    assert (rows["notes.txt"]["md5"] != "", rows["notes.txt"]["sha256"]) == (True, "")


@pytest.mark.slow
def test_carving_on_the_process_pool_and_no_carve(
    tmp_path: Path,
    cli_env: Settings,
    engine: Engine,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    known: Known,
) -> None:
    """A picture left only in unpartitioned space is carved by the pool's workers, matched,
    stored flagged carved; `--no-carve` leaves it."""
    import_known_list(tmp_path, capsys, monkeypatch, known)
    volume = fat_image(tmp_path / "card.img", {"notes.txt": b"zebra-test-term"})
    disk = mbr_disk(tmp_path / "disk.dd", [(volume, 0x06)])
    with disk.open("r+b") as handle:
        handle.seek(64 * 512)
        handle.write(known.image_c)
    common = ["triage", str(disk), "--no-pdf", "--workers", "2", "--json"]
    done = run_cli(
        capsys, monkeypatch, *common, "--exhibit", "CARVE/1", "--out", str(tmp_path / "on")
    )
    assert done.exit_code == 0, done.stderr
    assert done.json()["carved_files_scanned"] == 1
    assert done.json()["counts_by_category"]["C"] == 1
    with make_session_factory(engine)() as session:
        run = SqlTriageRepository(session).latest_run("CARVE/1")
        assert run is not None
        findings = SqlTriageRepository(session).findings(run.id)
    assert [(f.path, f.carved) for f in findings] == [("/$unpartitioned@0x8000.jpg", True)]
    with (tmp_path / "on" / "findings.csv").open(encoding="utf-8") as handle:
        assert [row["carved"] for row in csv.DictReader(handle)] == ["yes"]
    off = run_cli(
        capsys, monkeypatch, *common, "--no-carve", "--exhibit", "CARVE/2",
        "--out", str(tmp_path / "off"),
    )  # fmt: skip
    assert off.exit_code == 0, off.stderr
    assert off.json()["carved_files_scanned"] == 0
    assert off.json()["counts_by_category"]["C"] == 0
