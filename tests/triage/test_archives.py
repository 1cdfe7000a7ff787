"""Archives of every kind libarchive reads, nested, and the limits that stop archive bombs."""

from __future__ import annotations

import bz2
import gzip
import lzma
import random
import zipfile
from pathlib import Path

from netsafe.triage.limits import ArchiveLimits
from tests.triage.conftest import Known, errors_of, run_triage
from tests.triage.fixtures import seven_zip, tar_bytes, text_file, zip_bytes


def _matched(result: object) -> dict[str, str]:
    return {r.path: r.matches[0].category for r in result.records if r.matches}  # type: ignore[attr-defined]


def test_members_of_every_archive_kind_are_matched(tmp_path: Path, known: Known) -> None:
    root = tmp_path / "exhibit"
    root.mkdir()
    (root / "a.zip").write_bytes(zip_bytes({"dir/a.jpg": known.image_a, "n.txt": b"x"}))
    (root / "b.tar.gz").write_bytes(tar_bytes({"c.jpg": known.image_c}, "w:gz"))
    (root / "c.tar.bz2").write_bytes(tar_bytes({"c.jpg": known.image_c}, "w:bz2"))
    (root / "d.tar.xz").write_bytes(tar_bytes({"near.jpg": known.near_b}, "w:xz"))
    (root / "e.tar").write_bytes(tar_bytes({"a.jpg": known.image_a}, "w"))
    seven_zip(root / "f.7z", {"deep/a.jpg": known.image_a})
    (root / "g.jpg.gz").write_bytes(gzip.compress(known.image_a))
    (root / "h.jpg.bz2").write_bytes(bz2.compress(known.image_c))
    (root / "i.jpg.xz").write_bytes(lzma.compress(known.near_b))
    (root / "stored.zip").write_bytes(zip_bytes({"a.jpg": known.image_a}, zipfile.ZIP_STORED))
    result = run_triage([root], tmp_path / "out", known.config())
    assert _matched(result) == {
        "a.zip!/dir/a.jpg": "A",
        "b.tar.gz!/c.jpg": "C",
        "c.tar.bz2!/c.jpg": "C",
        "d.tar.xz!/near.jpg": "B",
        "e.tar!/a.jpg": "A",
        "f.7z!/deep/a.jpg": "A",
        "g.jpg.gz!/g.jpg": "A",
        "h.jpg.bz2!/h.jpg": "C",
        "i.jpg.xz!/i.jpg": "B",
        "stored.zip!/a.jpg": "A",
    }
    assert result.errors == []
    # the archives themselves are hashed too, and nothing was extracted to disk
    assert {r.path for r in result.records} >= {"a.zip", "f.7z", "g.jpg.gz"}
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == ["journal.sqlite"]


def test_nesting_is_followed_to_the_configured_depth(tmp_path: Path, known: Known) -> None:
    level3 = zip_bytes({"a.jpg": known.image_a})
    level2 = tar_bytes({"level3.zip": level3}, "w:gz")
    level1 = zip_bytes({"level2.tgz": level2})
    (tmp_path / "nested.zip").write_bytes(level1)
    deep = run_triage([tmp_path / "nested.zip"], tmp_path / "deep", known.config())
    assert _matched(deep) == {"nested.zip!/level2.tgz!/level3.zip!/a.jpg": "A"}
    shallow = run_triage(
        [tmp_path / "nested.zip"], tmp_path / "shallow", known.config(ArchiveLimits(max_depth=2))
    )
    assert _matched(shallow) == {}
    assert "nested.zip!/level2.tgz!/level3.zip" in {r.path for r in shallow.records}


def test_zip_bomb_by_expansion_ratio_is_stopped_and_reported(tmp_path: Path, known: Known) -> None:
    root = tmp_path / "exhibit"
    root.mkdir()
    bomb = zip_bytes({"zeros.bin": bytes(200 * 1024 * 1024), "after.jpg": known.image_a})
    assert len(bomb) < 300_000  # ~1000:1
    (root / "bomb.zip").write_bytes(bomb)
    (root / "fine.jpg").write_bytes(known.image_c)
    result = run_triage([root], tmp_path / "out", known.config())
    errors = {e.path: e for e in result.errors}
    assert errors["bomb.zip!/zeros.bin"].kind == "archive-bomb"
    assert "expansion ratio" in errors["bomb.zip!/zeros.bin"].reason
    assert _matched(result) == {"fine.jpg": "C"}  # the triage finished
    assert "bomb.zip" in {r.path for r in result.records}


def test_nested_zip_bomb_is_stopped_by_the_total_size_limit(tmp_path: Path, known: Known) -> None:
    layer = zip_bytes({"z.bin": bytes(8 * 1024 * 1024)})
    for depth in range(2):
        layer = zip_bytes({f"{depth}-{i}.zip": layer for i in range(8)})
    (tmp_path / "42.zip").write_bytes(layer)
    limits = ArchiveLimits(max_depth=5, max_total_bytes=64 * 1024 * 1024, max_ratio=10_000)
    result = run_triage([tmp_path / "42.zip"], tmp_path / "out", known.config(limits))
    kinds = {e.kind for e in result.errors}
    assert kinds == {"archive-bomb"}
    assert any("bytes expanded from one file" in e.reason for e in result.errors)


def test_member_names_that_climb_out_or_are_absolute_are_reported_and_scanned_in_place(
    tmp_path: Path, known: Known
) -> None:
    root = tmp_path / "exhibit"
    root.mkdir()
    (root / "evil.zip").write_bytes(
        zip_bytes({"../../escape.jpg": known.image_a, "/etc/abs.jpg": known.image_c})
    )
    (root / "evil.tar").write_bytes(tar_bytes({"../../../tmp/x.jpg": known.image_a}, "w"))
    out = tmp_path / "out"
    before = sorted(p for p in tmp_path.rglob("*"))
    result = run_triage([root], out, known.config())
    assert errors_of(result) == {
        "evil.tar!/../../../tmp/x.jpg": "unsafe-member-name",
        "evil.zip!/../../escape.jpg": "unsafe-member-name",
        "evil.zip!//etc/abs.jpg": "unsafe-member-name",
    }
    assert _matched(result) == {
        "evil.tar!/../../../tmp/x.jpg": "A",
        "evil.zip!/../../escape.jpg": "A",
        "evil.zip!//etc/abs.jpg": "C",
    }
    after = sorted(p for p in tmp_path.rglob("*") if out not in p.parents and p != out)
    assert after == before  # nothing written outside --out
    assert not Path("/tmp/x.jpg").exists()
    assert not (tmp_path.parent / "escape.jpg").exists()


def test_truncated_and_corrupt_archives_are_errors(tmp_path: Path, known: Known) -> None:
    root = tmp_path / "exhibit"
    root.mkdir()
    noise = random.Random(5).randbytes(60_000)  # incompressible: the cut falls inside it
    whole = zip_bytes({"a.jpg": known.image_a, "noise.bin": noise})
    (root / "truncated.zip").write_bytes(whole[: len(whole) // 2])
    (root / "garbage.7z").write_bytes(b"7z\xbc\xaf\x27\x1c" + bytes(range(256)) * 4)
    tgz = tar_bytes({"c.jpg": known.image_c, "pad.txt": text_file(2, 100_000)}, "w:gz")
    (root / "cut.tgz").write_bytes(tgz[: len(tgz) - 200])
    (root / "after.jpg").write_bytes(known.image_a)
    result = run_triage([root], tmp_path / "out", known.config())
    kinds = errors_of(result)
    assert kinds["garbage.7z"] == "corrupt-archive"
    assert any(p.startswith("truncated.zip") and k == "corrupt-archive" for p, k in kinds.items())
    assert any(p.startswith("cut.tgz") and k == "corrupt-archive" for p, k in kinds.items())
    matched = _matched(result)
    assert matched["after.jpg"] == "A"
    assert matched["truncated.zip!/a.jpg"] == "A"  # what was readable before the cut counts
