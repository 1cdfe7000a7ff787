"""`netsafe hashlist ...` and `netsafe match`: JSON output, exit codes, atomic failed imports."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest

from netsafe.settings import Settings
from tests.cli_runner import CliResult, run_cli
from tests.hashlists.listfiles import (
    make_entries,
    nsrl_entries,
    write_csv,
    write_nsrl_legacy,
    write_vics,
)

Cli = Callable[..., CliResult]


@pytest.fixture
def cli(monkeypatch: pytest.MonkeyPatch, settings: Settings, capsys: pytest.CaptureFixture[str]):  # type: ignore[no-untyped-def]
    monkeypatch.setenv("NETSAFE_HOME", str(settings.home))
    monkeypatch.setenv("NETSAFE_DATABASE_URL", settings.sqlalchemy_url)
    monkeypatch.setenv("NETSAFE_ENV", "test")
    monkeypatch.setenv("NETSAFE_SECRET_KEY", settings.secret_key)

    def run(*args: str) -> CliResult:
        return run_cli(capsys, monkeypatch, *args)

    return run


def test_import_list_show_export_delete(cli: Cli, tmp_path: Path) -> None:
    entries = make_entries(120)
    vics_file = write_vics(tmp_path / "caid.json", entries)
    imported = cli("hashlist", "import", str(vics_file), "--name", "caid", "--source", "CAID",
                   "--version", "2026.10", "--released", "2026-10-01", "--max-distance", "20",
                   "--json")  # fmt: skip
    assert imported.exit_code == 0, imported.stderr
    result = imported.json()
    assert (result["entries"], result["added"], result["removed"], result["format"]) == (
        120,
        120,
        0,
        "vics",
    )
    assert result["index"]["entries_added"] == 120

    listed = cli("hashlist", "list", "--json").json()
    assert [(hl["name"], hl["entries"], hl["action"], hl["max_distance"]) for hl in listed] == [
        ("caid", 120, "alert", 20)
    ]
    shown = cli("hashlist", "show", "caid", "--json").json()
    assert (shown["source"], shown["version"], shown["released"]) == (
        "CAID",
        "2026.10",
        "2026-10-01",
    )
    assert sum(shown["categories"].values()) == 120

    for export_format, name in (
        ("vics", "out.json"),
        ("vics-cases", "cases.json"),
        ("csv", "out.csv"),
    ):
        out = cli(
            "hashlist",
            "export",
            "caid",
            "--format",
            export_format,
            "-o",
            str(tmp_path / name),
            "--json",
        )
        assert out.exit_code == 0, out.stderr
        assert out.json()["entries"] == 120
        again = cli("hashlist", "import", str(tmp_path / name), "--name", "caid", "--json").json()
        assert (again["added"], again["removed"], again["replaced"]) == (0, 0, True)
    assert json.loads((tmp_path / "cases.json").read_text())["@odata.context"].endswith("#Cases")
    shown = cli("hashlist", "show", "caid", "--json").json()
    assert (shown["source"], shown["max_distance"], shown["revision"]) == ("CAID", 20, 4)

    deleted = cli("hashlist", "delete", "caid", "--json")
    assert deleted.json()["index"]["entries_removed"] == 120
    assert cli("hashlist", "list", "--json").json() == []
    assert cli("hashlist", "show", "caid").exit_code == 2
    assert (
        cli("hashlist", "export", "caid", "--format", "csv", "-o", str(tmp_path / "x")).exit_code
        == 2
    )
    assert cli("hashlist", "delete", "caid").exit_code == 2


def test_new_version_reports_added_removed(cli: Cli, tmp_path: Path) -> None:
    entries = make_entries(100)
    cli("hashlist", "import", str(write_csv(tmp_path / "v1.csv", entries)), "--name", "x")
    v2 = write_csv(tmp_path / "v2.csv", entries[10:] + make_entries(5, seed=9))
    result = cli("hashlist", "import", str(v2), "--name", "x", "--format", "csv", "--json").json()
    assert (result["revision"], result["added"], result["removed"], result["entries"]) == (
        2,
        5,
        10,
        95,
    )
    human = cli("hashlist", "import", str(v2), "--name", "x")
    assert "0 added, 0 removed" in human.stdout


def test_bad_file_exits_2_and_changes_nothing(cli: Cli, tmp_path: Path) -> None:
    entries = make_entries(50)
    cli("hashlist", "import", str(write_vics(tmp_path / "v1.json", entries)), "--name", "caid")
    bad = write_vics(tmp_path / "v2.json", make_entries(50, seed=4))
    bad.write_bytes(bad.read_bytes().replace(b'"Category": 3', b'"Category": 17', 1))
    failed = cli("hashlist", "import", str(bad), "--name", "caid", "--json")
    assert failed.exit_code == 2
    message = " ".join(failed.stderr.split())  # rich wraps long lines
    assert "v2.json, entry 7 (MediaID 7), field Category: unknown category 17: copy" in message
    assert '17 = "..." to its numeric table' in message
    assert failed.stdout == ""
    shown = cli("hashlist", "show", "caid", "--json").json()
    assert (shown["revision"], shown["entries"]) == (1, 50)

    skipped = cli("hashlist", "import", str(bad), "--name", "caid", "--skip-invalid", "--json")
    assert skipped.exit_code == 0
    data = skipped.json()
    assert data["skipped"] == 1
    [(reason, count)] = data["reasons"].items()
    assert reason.startswith("Category: unknown category 17: copy the category map")
    assert count == 1
    assert data["entries"] == 49
    human = cli("hashlist", "import", str(bad), "--name", "caid", "--skip-invalid")
    assert "skipped 1 invalid entries" in human.stdout

    assert cli("hashlist", "import", str(tmp_path / "missing.json"), "--name", "m").exit_code == 2
    bad_map = tmp_path / "map.toml"
    bad_map.write_text('[numeric]\n1 = "Q"\n')
    mapped = cli("hashlist", "import", str(bad), "--name", "y", "--category-map", str(bad_map))
    assert mapped.exit_code == 2
    assert "category map" in " ".join(mapped.stderr.split())


def test_match_files_against_lists(cli: Cli, tmp_path: Path) -> None:
    import hashlib

    known = tmp_path / "known.bin"
    known.write_bytes(b"zebra-test-term benign bytes")
    good = tmp_path / "system.dll"
    good.write_bytes(b"known good program file")
    other = tmp_path / "other.bin"
    other.write_bytes(b"nothing known")
    md5 = hashlib.md5(known.read_bytes()).hexdigest()
    (tmp_path / "list.csv").write_text(f"MD5,Category\n{md5.upper()},B\n")
    cli("hashlist", "import", str(tmp_path / "list.csv"), "--name", "caid")
    nsrl = nsrl_entries(3)
    nsrl[0] = nsrl[0]._replace(sha1=hashlib.sha1(good.read_bytes()).digest())
    imported = cli(
        "hashlist",
        "import",
        str(write_nsrl_legacy(tmp_path / "NSRLFile.txt", nsrl)),
        "--name",
        "nsrl",
        "--json",
    )
    assert imported.json()["format"] == "nsrl"
    assert cli("hashlist", "show", "nsrl", "--json").json()["action"] == "ignore"

    result = cli("match", str(known), str(good), str(other), "--json")
    assert result.exit_code == 0, result.stderr
    by_path = {Path(r["path"]).name: r for r in result.json()}
    assert by_path["known.bin"]["matches"] == [
        {"list": "caid", "entry_id": by_path["known.bin"]["matches"][0]["entry_id"],
         "category": "B", "signal": "md5", "distance": 0}
    ]  # fmt: skip
    assert by_path["system.dll"]["ignored"] is True
    assert by_path["system.dll"]["ignored_by"] == ["nsrl"]
    assert by_path["other.bin"] == {**by_path["other.bin"], "ignored": False, "matches": []}
    human = cli("match", str(known), str(good), "--max-distance", "10")
    assert "1 matched, 1 ignored" in human.stdout


def test_match_says_when_pdq_was_not_tried(cli: Cli, tmp_path: Path) -> None:
    import io

    import numpy as np
    from PIL import Image

    def png(pixels: np.ndarray) -> bytes:
        buffer = io.BytesIO()
        Image.fromarray(pixels.astype(np.uint8)).save(buffer, "PNG")
        return buffer.getvalue()

    rng = np.random.default_rng(4)
    listed = png(rng.integers(0, 255, (64, 64, 3)))
    plain = np.full((64, 64, 3), 120)
    plain[:, :32] += 8  # two flat halves: PDQ quality 2
    (tmp_path / "listed.png").write_bytes(listed)
    (tmp_path / "plain.png").write_bytes(png(plain))
    listed_pdq = cli("hash", str(tmp_path / "listed.png"), "--json").json()[0]["pdq"]
    (tmp_path / "list.csv").write_text(f"PDQ,Category\n{listed_pdq},B\n")
    cli("hashlist", "import", str(tmp_path / "list.csv"), "--name", "caid")

    result = cli("match", str(tmp_path / "plain.png"), str(tmp_path / "listed.png"), "--json")
    by_path = {Path(r["path"]).name: r for r in result.json()}
    assert by_path["plain.png"]["matches"] == []
    assert by_path["plain.png"]["pdq_quality"] < 50
    assert by_path["plain.png"]["pdq_not_tried"] == (
        f"PDQ not tried: quality {by_path['plain.png']['pdq_quality']} is under every alert "
        "list's floor (50): too plain or too small"
    )
    assert by_path["listed.png"]["pdq_not_tried"] is None
    assert by_path["listed.png"]["matches"][0]["signal"] == "pdq"
    human = cli("match", str(tmp_path / "plain.png"), str(tmp_path / "listed.png"))
    assert "1 images too plain or too small to match by PDQ" in human.stdout
    assert "no match" in human.stdout


def test_list_shows_each_lists_vpdq_thresholds(cli: Cli, tmp_path: Path) -> None:
    """`hashlist list` (table and JSON) shows each list's vPDQ thresholds: frame distance,
    frame quality floor, query share and compared share (Meta's by default)."""
    listing = tmp_path / "list.txt"
    listing.write_text("md5:" + "ab" * 16 + "\n", encoding="utf-8")
    assert cli("hashlist", "import", str(listing), "--name", "defaults").exit_code == 0
    tuned = cli("hashlist", "import", str(listing), "--name", "tuned",
                "--vpdq-max-distance", "20", "--vpdq-quality-floor", "70",
                "--vpdq-query-match", "0.9", "--vpdq-compared-match", "0.25")  # fmt: skip
    assert tuned.exit_code == 0, tuned.stderr
    listed = {hl["name"]: hl["vpdq"] for hl in cli("hashlist", "list", "--json").json()}
    assert listed == {
        "defaults": {
            "max_distance": 31,
            "quality_floor": 50,
            "query_match": 0.8,
            "compared_match": 0.0,
        },
        "tuned": {
            "max_distance": 20,
            "quality_floor": 70,
            "query_match": 0.9,
            "compared_match": 0.25,
        },
    }
    lines = [line.split("\t") for line in cli("hashlist", "list").stdout.splitlines()]
    header, rows = lines[0], {row[0]: dict(zip(lines[0], row, strict=True)) for row in lines[1:]}
    assert header[-4:] == [
        "vpdq_max_distance",
        "vpdq_quality_floor",
        "vpdq_query_match",
        "vpdq_compared_match",
    ]
    assert [rows["tuned"][column] for column in header[-4:]] == ["20", "70", "0.9", "0.25"]
    assert [rows["defaults"][column] for column in header[-4:]] == ["31", "50", "0.8", "0"]
