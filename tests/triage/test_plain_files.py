"""Plain files take the lean path (one read, the chosen digests, a batch lookup) and come out
exactly as the full scan would have them; anything else (images, archives, empty files, names
that mislead, files a list knows) still gets the full scan."""

from __future__ import annotations

import gzip
import io
import random
from pathlib import Path

import pytest
from PIL import Image

from netsafe.triage.items import FileRecord
from netsafe.triage.plain import PlainFiles, pack, unpack
from netsafe.triage.result import TriageResult
from netsafe.triage.runners import ProcessPoolRunner
from netsafe.triage.scan_config import ScanConfig
from tests.triage.conftest import Known, run_triage
from tests.triage.fixtures import tar_bytes, text_file, zip_bytes

MB = 1 << 20


def _png() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (16, 16), (10, 200, 30)).save(buffer, "PNG")
    return buffer.getvalue()


def _exhibit(root: Path, known: Known) -> Path:
    """Files at every edge of the lean path: sizes around its buffer, look-alike signatures,
    misleading names, archives, images, and files the lists know."""
    rng = random.Random(5)
    files = {
        "empty.txt": b"",
        "one-byte.txt": b"x",
        "head-511.bin": rng.randbytes(511),
        "head-512.bin": rng.randbytes(512),
        "exactly-1mb.bin": rng.randbytes(MB),
        "1mb-and-1.bin": rng.randbytes(MB + 1),
        "three-mb.bin": rng.randbytes(3 * MB + 7),
        "notes/plain.txt": text_file(3),
        "notes/deep/other.log": text_file(4, size=70_000),
        "looks-like-bmp.dat": b"BM" + rng.randbytes(3000),  # Pillow's BMP signature: full scan
        "looks-like-heif.dat": b"\x00\x00\x00\x18ftypzzzz" + rng.randbytes(900),
        "looks-like-tar.dat": rng.randbytes(257) + b"ustar" + rng.randbytes(600),
        "photo.dat": known.image_c,  # an image named like something else
        "picture.png": _png(),
        "not-a-picture.jpg": text_file(8),  # named like an image, is not one
        "bundle.zip": zip_bytes({"inner.txt": text_file(9), "inner.jpg": known.image_a}),
        "bundle.tar.gz": tar_bytes({"a.txt": text_file(10)}),
        "compressed.gz": gzip.compress(text_file(11)),
        "system.bin": known.system_file,  # on the ignore list
        "unlisted.bin": text_file(12),
    }
    for name, data in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
    return root


def _everything(result: TriageResult) -> tuple[object, ...]:
    summary = result.summary()
    for volatile in ("started_at", "finished_at", "duration_seconds", "cpu_seconds", "runner"):
        summary.pop(volatile)
    return (result.all_records(), result.errors, summary)


@pytest.mark.parametrize("hashes", [("md5",), ("md5", "sha1", "sha256")])  # the lists know MD5s
def test_the_lean_path_gives_exactly_what_the_full_scan_gives(
    tmp_path: Path, known: Known, hashes: tuple[str, ...]
) -> None:
    exhibit = _exhibit(tmp_path / "exhibit", known)
    lean = ScanConfig(known.factory, "known", hashes=hashes)
    full = ScanConfig(known.factory, "known", hashes=hashes, plain_files=False)
    fast = run_triage([exhibit], tmp_path / "lean", lean)
    slow = run_triage([exhibit], tmp_path / "full", full)
    assert _everything(fast) == _everything(slow)
    assert len(slow.plain) == 0
    plain = set(fast.plain.paths)
    assert plain == {
        "head-511.bin", "head-512.bin", "exactly-1mb.bin", "1mb-and-1.bin", "three-mb.bin",
        "notes/plain.txt", "notes/deep/other.log", "looks-like-heif.dat",
        "one-byte.txt", "unlisted.bin",
    }  # fmt: skip
    full_scan = {r.path for r in fast.records}
    assert {"empty.txt", "photo.dat", "picture.png", "not-a-picture.jpg", "bundle.zip",
            "looks-like-tar.dat", "looks-like-bmp.dat", "compressed.gz",
            "system.bin"} <= full_scan  # fmt: skip
    assert fast.summary()["bytes_scanned"] == sum(
        p.stat().st_size for p in exhibit.rglob("*") if p.is_file()
    )


def test_a_file_a_list_knows_leaves_the_lean_path_with_all_three_hashes(
    tmp_path: Path, known: Known
) -> None:
    """The lists know a non-image's MD5 (alert) and another's (ignore): the batch lookup sends
    both to the full scan, which matches, ignores and completes them as before."""
    exhibit = tmp_path / "exhibit"
    exhibit.mkdir()
    (exhibit / "listed.txt").write_bytes(text_file(21))
    (exhibit / "system.bin").write_bytes(known.system_file)
    (exhibit / "other.txt").write_bytes(text_file(22))
    from dataclasses import replace

    from netsafe.categories import Category
    from tests.triage.conftest import md5

    factory = replace(known.factory, md5=((md5(text_file(21)), Category.B),))
    result = run_triage([exhibit], tmp_path / "out", ScanConfig(factory, "listed"))
    records = {r.path: r for r in result.records}
    assert set(records) == {"listed.txt", "system.bin"}
    assert [m.category for m in records["listed.txt"].matches] == ["B"]
    assert all(
        (records["listed.txt"].md5, records["listed.txt"].sha1, records["listed.txt"].sha256)
    )
    assert records["system.bin"].ignored
    assert result.plain.paths == ["other.txt"]
    assert result.summary()["files_scanned"] == 3


@pytest.mark.slow
def test_plain_files_cross_processes_and_are_the_same_in_a_pool(
    tmp_path: Path, known: Known
) -> None:
    exhibit = _exhibit(tmp_path / "exhibit", known)
    config = ScanConfig(known.factory, "known", hashes=("sha1",))
    inline = run_triage([exhibit], tmp_path / "inline", config)
    runner = ProcessPoolRunner(2)
    try:
        pooled = run_triage([exhibit], tmp_path / "pool", config, runner=runner)
    finally:
        runner.close()
    assert _everything(pooled) == _everything(inline)


def test_plain_files_pack_select_and_join() -> None:
    one = PlainFiles(
        ["0:a", "0:b"], ["s", "s"], ["a", "b"], [1, 2], sha1=b"\x01" * 20 + b"\x02" * 20
    )
    two = PlainFiles(["0:c"], ["s"], ["c"], [3], sha1=b"\x03" * 20, md5=b"\x04" * 16)
    assert unpack(pack(one)) == one
    joined = PlainFiles.concat([one, PlainFiles(), two])
    assert joined.keys == ["0:a", "0:b", "0:c"]
    assert joined.sha1 == b"\x01" * 20 + b"\x02" * 20 + b"\x03" * 20
    assert joined.md5 == b""  # not every part has it
    assert joined.total_bytes == 6
    picked = joined.select([2, 0])
    assert picked.paths == ["c", "a"]
    assert picked.sha1 == b"\x03" * 20 + b"\x01" * 20
    assert list(picked.records()) == [
        FileRecord("s", "c", 3, "", "03" * 20, ""),
        FileRecord("s", "a", 1, "", "01" * 20, ""),
    ]
