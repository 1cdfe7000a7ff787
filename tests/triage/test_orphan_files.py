"""Orphan files (issue 14 point 3): an inode no directory names any more (TSK lists it under
`$OrphanFiles`, and pytsk3 gives its entry without metadata) is read by its inode address,
matched and flagged deleted; The Sleuth Kit's `fls` and `icat` are the reference."""

from __future__ import annotations

import hashlib
import shutil
import subprocess
from pathlib import Path

import pytest

from tests.triage.conftest import Known, run_triage
from tests.triage.fixtures import ext_image


def _debugfs(image: Path, command: str) -> None:
    subprocess.run(["debugfs", "-w", "-R", command, str(image)], check=True, capture_output=True)


def test_an_orphan_inode_is_read_matched_and_flagged_deleted(tmp_path: Path, known: Known) -> None:
    if shutil.which("fls") is None or shutil.which("debugfs") is None:
        pytest.skip("needs sleuthkit and e2fsprogs")
    image = ext_image(tmp_path / "card.img", {"keep.txt": b"keep", "pics/a.jpg": known.image_c})
    _debugfs(image, "rm /pics/a.jpg")  # the inode is freed, its name left in the folder …
    _debugfs(image, "link /keep.txt /pics/k.jpg")  # … until a new entry takes the name's place
    listing = subprocess.run(["fls", "-r", "-p", str(image)], capture_output=True, text=True)
    orphan = next(line for line in listing.stdout.splitlines() if "OrphanFile-" in line)
    inode = orphan.split("*")[1].split(":")[0].strip()
    icat = subprocess.run(["icat", str(image), inode], capture_output=True, check=True).stdout
    assert hashlib.md5(icat).hexdigest() == hashlib.md5(known.image_c).hexdigest()

    result = run_triage([image], tmp_path / "out", known.config())
    path = f"/$OrphanFiles/OrphanFile-{inode}"
    record = next(r for r in result.all_records() if r.path == path)
    assert record.deleted
    assert record.md5 == hashlib.md5(icat).hexdigest()
    assert [m.category for m in record.matches] == ["C"]
    assert "/pics/a.jpg" not in {r.path for r in result.all_records()}
