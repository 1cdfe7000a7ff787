"""Every command that prints a table prints it, through a pipe or into a file, as plain lines: a
header, then one line per row, cells separated by tabs, never wrapped and without box drawing,
so `cut -f` and `sort -t` read them. (Captured output is not a terminal, like a pipe.)"""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from PIL import Image
from sqlalchemy import Engine

from netsafe.platform.agencies import ensure_agencies
from netsafe.settings import Settings
from netsafe.store.engine import make_session_factory, unit_of_work
from netsafe.store.repositories.agencies import SqlAgencyRepository
from tests.cli_runner import run_cli

BOX = set("│┃─━┏┓┗┛┡┩└┘╇╈┼")
LONG = "a folder whose name is long enough to wrap any eighty-column line" * 2


@pytest.fixture
def cli(monkeypatch: pytest.MonkeyPatch, settings: Settings, engine: Engine) -> pytest.MonkeyPatch:
    monkeypatch.setenv("NETSAFE_HOME", str(settings.home))
    monkeypatch.setenv("NETSAFE_DATABASE_URL", settings.sqlalchemy_url)
    monkeypatch.setenv("NETSAFE_ENV", "test")
    monkeypatch.setenv("NETSAFE_SECRET_KEY", settings.secret_key)
    with unit_of_work(make_session_factory(engine)) as session:
        ensure_agencies(SqlAgencyRepository(session))
    return monkeypatch


def _table(stdout: str, header: list[str]) -> list[list[str]]:
    """The rows of the table whose header line is `header` (tab-separated)."""
    assert not BOX & set(stdout), stdout
    lines = stdout.splitlines()
    start = lines.index("\t".join(header))
    rows = []
    for line in lines[start + 1 :]:
        cells = line.split("\t")
        if len(cells) != len(header):
            break
        rows.append(cells)
    return rows


def test_hash_and_match_tables(
    cli: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    folder = tmp_path / LONG
    folder.mkdir()
    picture = folder / "shape 01 all.png"
    Image.new("RGB", (64, 48), (40, 90, 160)).save(picture)
    listing = tmp_path / "list.txt"
    hashed = run_cli(capsys, cli, "hash", str(picture))
    extras = hashed.stdout.splitlines()[0].split("\t")[8:-1]  # signals registered beside PDQ
    header = ["path", "size", "type", "md5", "sha1", "sha256", "pdq", "quality", *extras, "error"]
    (row,) = _table(hashed.stdout, header)
    assert row[0] == str(picture)
    assert row[2] == "image/png"
    listing.write_text(row[3] + "\n", encoding="utf-8")
    imported = run_cli(capsys, cli, "hashlist", "import", str(listing), "--name", "pipe-test")
    assert imported.exit_code == 0, imported.stderr
    matched = run_cli(capsys, cli, "match", str(picture))
    header = ["path", "result", "list", "entry", "category", "signal", "distance"]
    (match,) = _table(matched.stdout, header)
    assert match[:3] == [str(picture), "match", "pipe-test"]
    listed = run_cli(capsys, cli, "hashlist", "list")
    header = ["name", "action", "entries", "revision", "format", "source", "version"]
    header += ["vpdq_max_distance", "vpdq_quality_floor", "vpdq_query_match"]
    header += ["vpdq_compared_match"]
    assert _table(listed.stdout, header) == [
        ["pipe-test", "alert", "1", "1", "plain", "", "", "31", "50", "0.8", "0"]
    ]


def test_user_list_tables(cli: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    cli.setattr("sys.stdin", io.StringIO("correct horse battery staple\n"))
    created = run_cli(
        capsys,
        cli,
        "user",
        "create",
        "investigator.pipe",
        "--agency",
        "gwent",
        "--role",
        "investigator",
        "--password-stdin",
    )
    assert created.exit_code == 0, created.stderr
    listed = run_cli(capsys, cli, "user", "list")
    header = ["username", "agency", "role", "TOTP", "state", "last login"]
    assert _table(listed.stdout, header) == [
        ["investigator.pipe", "gwent", "investigator", "no", "active", "never"]
    ]


def test_stats_and_prevention_tables(
    cli: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    stats = run_cli(capsys, cli, "stats", "--from", "2017-03-01", "--to", "2017-03-31")
    assert stats.exit_code == 0, stats.stderr
    assert stats.stdout.splitlines()[0].startswith("Operation NetSafe — all forces")
    rows = _table(stats.stdout, ["figure", "value", "previous", "change"])
    assert rows
    assert stats.stdout.rstrip("\n").splitlines()[-1].startswith("compared with")
    aggregates = run_cli(capsys, cli, "prevention", "export", "--aggregate")
    assert aggregates.exit_code == 0, aggregates.stderr
    rows = _table(aggregates.stdout, ["figure", "value"])
    assert ["contacts: total", "0"] in rows or ["contacts: total", "<5"] in rows
