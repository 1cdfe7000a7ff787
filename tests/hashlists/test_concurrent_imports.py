"""Two imports of one list at once (issue 16 point 5), as two `netsafe hashlist import`
processes: they run one after the other (revisions 2 and 3, the list holding exactly the
entries of the version it names), and two creating the same new list never end in a raw
IntegrityError."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy import Engine

from netsafe.settings import Settings
from netsafe.store.engine import make_session_factory, unit_of_work
from netsafe.store.repositories.hashlists import SqlHashListRepository
from tests.hashlists.listfiles import make_entries, write_csv

ENTRIES = 20_000


def _start(settings: Settings, file: Path, name: str, version: str) -> subprocess.Popen[str]:
    environment = {
        **os.environ,
        "NETSAFE_ENV": "test",
        "NETSAFE_HOME": str(settings.home),
        "NETSAFE_DATABASE_URL": settings.sqlalchemy_url,
        "NETSAFE_SECRET_KEY": settings.secret_key,
    }
    command = [sys.executable, "-m", "netsafe", "hashlist", "import", str(file)]
    command += ["--name", name, "--version", version, "--format", "csv", "--json"]
    return subprocess.Popen(
        command, env=environment, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    )


def _finish(process: subprocess.Popen[str]) -> tuple[int, str, str]:
    out, err = process.communicate(timeout=300)
    return process.returncode, out, err


def _stored(engine: Engine, name: str) -> tuple[str | None, int, set[bytes]]:
    """The list's version label, revision and the MD5s it holds."""
    with unit_of_work(make_session_factory(engine)) as session:
        repository = SqlHashListRepository(session)
        stored = repository.get(name)
        assert stored is not None
        md5s = {
            entry.md5
            for batch in repository.entries(stored.id)
            for _, entry in batch
            if entry.md5 is not None
        }
        return stored.provenance.version, stored.revision, md5s


@pytest.mark.slow
def test_two_imports_of_one_list_run_one_after_the_other(
    settings: Settings, engine: Engine, tmp_path: Path
) -> None:
    first = write_csv(tmp_path / "v1.csv", make_entries(500, seed=1, pdq=False))
    assert _finish(_start(settings, first, "zebra-list", "v1"))[0] == 0
    versions = {
        "vA": {e.md5 for e in make_entries(ENTRIES, seed=2, pdq=False)},
        "vB": {e.md5 for e in make_entries(ENTRIES, seed=3, pdq=False)},
    }
    files = {
        v: write_csv(tmp_path / f"{v}.csv", make_entries(ENTRIES, seed=s, pdq=False))
        for v, s in (("vA", 2), ("vB", 3))
    }
    running = {v: _start(settings, files[v], "zebra-list", v) for v in files}
    results = {v: _finish(p) for v, p in running.items()}
    revisions = {}
    for version, (code, out, err) in results.items():
        assert code == 0, err
        revisions[version] = int(out.split('"revision": ')[1].split(",")[0])
    assert sorted(revisions.values()) == [2, 3]
    label, revision, md5s = _stored(engine, "zebra-list")
    assert revision == 3
    last = next(v for v, r in revisions.items() if r == 3)
    assert label == last
    assert md5s == versions[last]


@pytest.mark.slow
def test_two_imports_creating_one_new_list_give_no_raw_integrity_error(
    settings: Settings, engine: Engine, tmp_path: Path
) -> None:
    files = [
        write_csv(tmp_path / f"n{seed}.csv", make_entries(ENTRIES // 2, seed=seed, pdq=False))
        for seed in (4, 5)
    ]
    running = [_start(settings, file, "zebra-new", f"n{i}") for i, file in enumerate(files)]
    results = [_finish(p) for p in running]
    for code, _out, err in results:
        assert "IntegrityError" not in err, err
        assert "Traceback" not in err, err
        assert code in (0, 2), err
        if code == 2:
            assert "zebra-new" in err
    assert sum(code == 0 for code, _, _ in results) >= 1
    _label, revision, _md5s = _stored(engine, "zebra-new")
    assert revision == sum(code == 0 for code, _, _ in results)
