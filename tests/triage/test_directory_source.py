"""A directory tree as a source: every file found once, links kept inside the tree, loops and
special files reported (and never opened)."""

from __future__ import annotations

import os
from pathlib import Path

from netsafe.triage.items import FileItem, ItemError
from netsafe.triage.sources.directory import DirectorySource
from tests.triage.conftest import Known, errors_of, run_triage


def _walk(root: Path) -> tuple[list[FileItem], list[ItemError]]:
    found = list(DirectorySource(root, 0).items())
    return (
        [f for f in found if isinstance(f, FileItem)],
        [f for f in found if isinstance(f, ItemError)],
    )


def test_every_file_once_in_a_stable_order(tmp_path: Path) -> None:
    for name in ("b/2.txt", "a/1.txt", "a/sub/3.txt", "top.txt"):
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text(name)
    items, errors = _walk(tmp_path)
    assert [i.path for i in items] == ["a/1.txt", "a/sub/3.txt", "b/2.txt", "top.txt"]
    assert [i.key for i in items] == [f"0:{i.path}" for i in items]
    assert errors == []


def test_symlink_loops_and_links_out_of_the_tree_are_reported_not_followed(tmp_path: Path) -> None:
    root = tmp_path / "exhibit"
    (root / "photos").mkdir(parents=True)
    (root / "photos" / "a.txt").write_text("a")
    (tmp_path / "outside.txt").write_text("secret of another exhibit")
    (root / "photos" / "back-to-root").symlink_to("..")  # a loop inside the tree
    (root / "photos" / "loop-self").symlink_to(root / "photos" / "loop-self")  # ELOOP
    (root / "outside-link").symlink_to(tmp_path / "outside.txt")
    (root / "outside-dir").symlink_to(tmp_path)
    (root / "dangling").symlink_to(root / "missing")
    (root / "inside-link.txt").symlink_to(root / "photos" / "a.txt")
    items, errors = _walk(root)
    kinds = {e.path: e.kind for e in errors}
    assert kinds == {
        "dangling": "dangling-symlink",
        "outside-dir": "symlink-outside",
        "outside-link": "symlink-outside",
        "photos/back-to-root": "symlink-loop",
        "photos/loop-self": "symlink-loop",
    }
    assert [i.path for i in items] == ["inside-link.txt", "photos/a.txt"]


def test_fifo_and_vanished_files_are_errors_and_the_triage_finishes(
    tmp_path: Path, known: Known
) -> None:
    """Tests run as root, so chmod 000 cannot make a file unreadable: a FIFO (never opened,
    which would block) and a file deleted between listing and reading stand in for it."""
    root = tmp_path / "exhibit"
    root.mkdir()
    os.mkfifo(root / "pipe")
    (root / "gone.jpg").write_bytes(known.image_a)
    (root / "kept.jpg").write_bytes(known.image_a)
    (root / "swapped.jpg").write_bytes(known.image_a)
    source = DirectorySource(root, 0)
    items = [i for i in source.items() if isinstance(i, FileItem)]
    (root / "gone.jpg").unlink()  # removed mid-scan
    (root / "swapped.jpg").unlink()  # replaced by a FIFO mid-scan: must not block the worker
    os.mkfifo(root / "swapped.jpg")
    from netsafe.triage.scan import Scanner

    scanner = Scanner(known.config(), known.factory())
    results = {i.path: scanner.scan(i) for i in items}
    assert results["gone.jpg"].records == []
    assert results["gone.jpg"].errors[0].kind == "unreadable"
    assert "vanished" in results["gone.jpg"].errors[0].reason
    assert results["swapped.jpg"].records == []
    assert "no longer a regular file" in results["swapped.jpg"].errors[0].reason
    assert results["kept.jpg"].records[0].matches[0].category == "A"
    result = run_triage([root], tmp_path / "out", known.config())
    assert errors_of(result) == {"pipe": "not-a-file", "swapped.jpg": "not-a-file"}
    assert [r.path for r in result.records] == ["kept.jpg"]


def test_a_single_file_is_a_source(tmp_path: Path, known: Known) -> None:
    (tmp_path / "one.jpg").write_bytes(known.image_c)
    result = run_triage([tmp_path / "one.jpg"], tmp_path / "out", known.config())
    assert [(r.path, r.matches[0].category) for r in result.records] == [("one.jpg", "C")]
