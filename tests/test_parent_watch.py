"""Helpers die with their command (issue 16 point 14): `kill -9` of `netsafe hashlist import`
(its reading helper and multiprocessing's resource tracker) and of `netsafe triage` (its fork
server and worker pool) leaves no process behind for more than a few seconds."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from netsafe.hashlists.reading import BACKGROUND_FROM_BYTES

GRACE_SECONDS = 10.0


def _children(pid: int) -> set[int]:
    """Every live descendant of `pid` (from /proc)."""
    parents: dict[int, int] = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        fields = stat.rsplit(")", 1)[1].split()
        if fields[0] != "Z":
            parents[int(entry.name)] = int(fields[1])
    found: set[int] = set()
    frontier = {pid}
    while frontier:
        frontier = {child for child, parent in parents.items() if parent in frontier} - found
        found |= frontier
    return found


def _alive(pid: int) -> bool:
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return False
    return stat.rsplit(")", 1)[1].split()[0] != "Z"


def _kill_and_check(command: list[str], environment: dict[str, str], wanted: int) -> None:
    """Start `command`, wait until it has `wanted` helper processes, SIGKILL it, and check
    that every helper it had is gone within `GRACE_SECONDS`."""
    process = subprocess.Popen(
        command, env=environment, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE
    )
    helpers: set[int] = set()
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and process.poll() is None:
        helpers |= _children(process.pid)
        if len(helpers) >= wanted:
            break
        time.sleep(0.05)
    assert process.poll() is None, "the command ended before its helpers could be seen"
    assert len(helpers) >= wanted, helpers
    time.sleep(0.3)
    helpers |= _children(process.pid)
    os.kill(process.pid, signal.SIGKILL)
    process.wait()
    deadline = time.monotonic() + GRACE_SECONDS
    while time.monotonic() < deadline and any(map(_alive, helpers)):
        time.sleep(0.1)
    left = {pid for pid in helpers if _alive(pid)}
    for pid in left:  # do not leave them running after the test
        os.kill(pid, signal.SIGKILL)
    assert not left, f"still running {GRACE_SECONDS} s after kill -9: {sorted(left)}"


def _environment(home: Path) -> dict[str, str]:
    return {
        **os.environ,
        "NETSAFE_ENV": "test",
        "NETSAFE_HOME": str(home),
        "NETSAFE_DATABASE_URL": f"sqlite:///{home / 'netsafe.db'}",
        "NETSAFE_SECRET_KEY": "test-secret-key-0123456789abcdef",
    }


@pytest.fixture
def environment(tmp_path: Path) -> dict[str, str]:
    home = tmp_path / "home"
    home.mkdir()
    environment = _environment(home)
    subprocess.run([sys.executable, "-m", "netsafe", "db", "upgrade"], env=environment, check=True)
    return environment


@pytest.mark.slow
@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc")
def test_kill_9_of_an_import_leaves_no_helper(tmp_path: Path, environment: dict[str, str]) -> None:
    big = tmp_path / "big.txt"
    line_count = BACKGROUND_FROM_BYTES // 33 * 3  # large enough to use the reading helper
    with big.open("w") as out:
        for number in range(line_count):
            out.write(f"{number:032x}\n")
    command = [sys.executable, "-m", "netsafe", "hashlist", "import", str(big)]
    command += ["--name", "zebra-big", "--format", "plain"]
    # the reading helper and the resource tracker
    _kill_and_check(command, environment, wanted=2)


@pytest.mark.slow
@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc")
def test_kill_9_of_a_triage_leaves_no_pool(tmp_path: Path, environment: dict[str, str]) -> None:
    folder = tmp_path / "exhibit"
    folder.mkdir()
    for number in range(5_000):
        (folder / f"file-{number}.bin").write_bytes(number.to_bytes(4, "big") * 64)
    command = [sys.executable, "-m", "netsafe", "triage", str(folder), "--exhibit", "ZB/1"]
    command += ["--workers", "2", "--out", str(tmp_path / "out")]
    # the fork server and two workers
    _kill_and_check(command, environment, wanted=3)
