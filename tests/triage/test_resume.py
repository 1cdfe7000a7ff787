"""Resumable: a triage killed with SIGKILL mid-run, rerun with --resume, re-scans no finished
file and ends with exactly the results of an uninterrupted run."""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from netsafe.store.engine import make_engine
from netsafe.store.migrate import upgrade
from netsafe.triage.journal import JOURNAL_NAME
from netsafe.triage.plain import unpack
from tests.cli_runner import run_cli
from tests.triage.conftest import Known, import_known_list
from tests.triage.fixtures import photo_jpeg, text_file

REPORTS = ("findings.csv", "errors.csv")


def _journaled(out: Path) -> int:
    try:
        with sqlite3.connect(f"file:{out / JOURNAL_NAME}?mode=ro", uri=True) as db:
            full = int(db.execute("SELECT count(*) FROM results").fetchone()[0])
            plain = sum(len(unpack(data)) for (data,) in db.execute("SELECT data FROM plain"))
            return full + plain
    except sqlite3.Error:
        return 0


@pytest.fixture
def sqlite_env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The journal, not the database, makes a triage resumable: one backend is enough here."""
    url = f"sqlite:///{tmp_path / 'netsafe.db'}"
    engine = make_engine(url)
    upgrade(engine)
    engine.dispose()
    monkeypatch.setenv("NETSAFE_ENV", "test")
    monkeypatch.setenv("NETSAFE_HOME", str(tmp_path / "home"))
    monkeypatch.setenv("NETSAFE_DATABASE_URL", url)
    monkeypatch.setenv("NETSAFE_SECRET_KEY", "test-secret-key-0123456789abcdef")
    monkeypatch.delenv("NETSAFE_DASK_SCHEDULER", raising=False)


@pytest.mark.slow
@pytest.mark.usefixtures("sqlite_env")
def test_sigkill_then_resume_rescans_nothing_finished_and_ends_identical(
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    known: Known,
) -> None:
    import_known_list(tmp_path, capsys, monkeypatch, known)
    exhibit = tmp_path / "exhibit"
    for n in range(1600):
        folder = exhibit / f"d{n // 200:02d}"
        folder.mkdir(parents=True, exist_ok=True)
        data = photo_jpeg(n, size=96) if n % 2 else text_file(n, 3000)
        (folder / f"f{n:04d}.{'jpg' if n % 2 else 'txt'}").write_bytes(data)
    (exhibit / "d05" / "known-a.jpg").write_bytes(known.image_a)
    (exhibit / "d07" / "known-c.jpg").write_bytes(known.image_c)
    (exhibit / "d07" / "cut.jpg").write_bytes(known.image_a[:1500])
    total = 1603

    reference = tmp_path / "reference"
    common = ["triage", str(exhibit), "--exhibit", "SWP/R/1", "--no-pdf", "--json"]
    done = run_cli(capsys, monkeypatch, *common, "--out", str(reference), "--workers", "0")
    assert done.exit_code == 1, done.stderr  # cut.jpg: one item could not be read

    out = tmp_path / "killed"
    slowed = Path(__file__).with_name("slowed_triage.py")  # the real CLI, its journal slowed
    command = [sys.executable, str(slowed), *common, "--out", str(out), "--workers", "1"]
    process = subprocess.Popen(
        command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=os.environ.copy()
    )
    try:
        deadline = time.monotonic() + 240
        while _journaled(out) < 200 and process.poll() is None and time.monotonic() < deadline:
            time.sleep(0.05)
        assert process.poll() is None, "the triage finished before it could be killed"
        process.send_signal(signal.SIGKILL)
        process.wait(timeout=30)
    finally:
        if process.poll() is None:
            process.kill()
    assert process.returncode == -signal.SIGKILL
    finished = _journaled(out)
    assert 200 <= finished < total
    assert not (out / "summary.json").exists()

    resumed = run_cli(capsys, monkeypatch, *common, "--out", str(out), "--workers", "0", "--resume")
    assert resumed.exit_code == 1, resumed.stderr  # its one item in error, as the full run
    summary = resumed.json()
    assert summary["scanned_this_run"] == total - finished  # nothing finished was re-hashed
    assert summary["resumed"] is True
    assert summary["files_scanned"] == total
    expected = done.json()
    for key in ("counts_by_category", "files_scanned", "bytes_scanned", "items_in_error",
                "warnings", "files_matched", "findings"):  # fmt: skip
        assert summary[key] == expected[key], key
    for name in REPORTS:
        assert (out / name).read_text() == (reference / name).read_text(), name
    assert expected["counts_by_category"]["A"] == 1
    assert expected["items_in_error"] == 1
