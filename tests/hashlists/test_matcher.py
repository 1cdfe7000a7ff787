"""ListMatcher and the on-disk index: exact and PDQ matches, ignore lists, incremental sync."""

from __future__ import annotations

import random
from pathlib import Path

import numpy as np
import pytest
from PIL import Image
from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker

from netsafe.categories import Category
from netsafe.hashlists.entry_catalog import EntryCatalog
from netsafe.hashlists.index_sync import (
    IndexChanges,
    ListIndex,
    apply_changes,
    load_matcher,
    sync_index,
)
from netsafe.hashlists.matcher import EXACT_SIGNALS, ListMatcher
from netsafe.hashlists.model import HashEntry, ListAction, ListSettings
from netsafe.matching.big_arrays import mapping_of
from netsafe.matching.exact_index import ExactIndex
from netsafe.signals.fingerprint import fingerprint_file
from netsafe.store.engine import make_session_factory, unit_of_work
from netsafe.store.repositories.hashlists import SqlHashListRepository
from tests.hashlists.listfiles import make_entries
from tests.hashlists.test_import_storage import run_import


def flip_bits(raw: bytes, count: int, seed: int = 0) -> bytes:
    value = bytearray(raw)
    for bit in random.Random(seed).sample(range(256), count):
        value[bit // 8] ^= 1 << (bit % 8)
    return bytes(value)


def picture(path: Path, seed: int) -> Path:
    """A benign, seeded, detailed test picture (smoothed noise), saved as PNG."""
    rng = np.random.default_rng(seed)
    small = rng.integers(0, 256, size=(24, 32, 3), dtype=np.uint8)
    Image.fromarray(small).resize((320, 240), Image.Resampling.BICUBIC).save(path)
    return path


@pytest.fixture
def factory(engine: Engine) -> sessionmaker[Session]:
    return make_session_factory(engine)


def matcher_for(factory: sessionmaker[Session], folder: Path) -> ListMatcher:
    with unit_of_work(factory) as session:
        return load_matcher(folder, SqlHashListRepository(session))


def sync(factory: sessionmaker[Session], folder: Path) -> IndexChanges:
    with unit_of_work(factory) as session:
        return sync_index(folder, SqlHashListRepository(session))


def test_exact_and_pdq_matches_honour_each_list(
    factory: sessionmaker[Session], tmp_path: Path
) -> None:
    base = bytes(range(32))
    strict = [HashEntry(md5=b"\x11" * 16, category="A", source_id="1"),
              HashEntry(pdq=base, category="B", source_id="2")]  # fmt: skip
    loose = [HashEntry(pdq=flip_bits(base, 25, seed=1), category="C", source_id="9")]
    run_import(factory, "strict", strict, max_distance=10)
    run_import(factory, "loose", loose, max_distance=40, quality_floor=80)
    matcher = matcher_for(factory, tmp_path / "index")

    exact = matcher.match_hashes(md5=("11" * 16).upper())
    assert [(m.list_name, m.category, m.signal, m.distance) for m in exact.matches] == [
        ("strict", Category.A, "md5", 0)
    ]
    near = matcher.match_hashes(pdq=flip_bits(base, 5, seed=2).hex())
    found = {(m.list_name, m.category) for m in near.matches}
    assert ("strict", Category.B) in found
    assert ("loose", Category.C) in found  # 25 + 5 bits apart at most 30 <= 40
    far = matcher.match_hashes(pdq=flip_bits(base, 20, seed=3).hex())
    assert "strict" not in {m.list_name for m in far.matches}  # 20 > 10
    low_quality = matcher.match_hashes(pdq=flip_bits(base, 5, seed=2).hex(), pdq_quality=60)
    assert {m.list_name for m in low_quality.matches} == {"strict"}  # loose wants quality 80
    assert low_quality.pdq_not_tried == (
        "PDQ not tried: quality 60 is under the floor of loose (80): too plain or too small"
    )
    too_low = matcher.match_hashes(pdq=base.hex(), pdq_quality=49)
    assert too_low.matches == []  # under the default floor of 50
    assert too_low.pdq_not_tried.startswith("PDQ not tried: quality 49 is under every alert")
    assert too_low.as_json()["pdq_not_tried"] == too_low.pdq_not_tried
    assert near.pdq_not_tried == ""  # no quality given: matched as if sufficient
    assert matcher.match_hashes(pdq=base.hex(), pdq_quality=90).pdq_not_tried == ""
    override = matcher.match_hashes(pdq=flip_bits(base, 20, seed=3).hex(), max_distance=0)
    assert override.matches == []
    assert matcher.match_hashes(md5="ab" * 16).matches == []
    with pytest.raises(ValueError, match="md5"):
        matcher.match_hashes(md5="xyz")


def test_ignore_lists_are_checked_first(factory: sessionmaker[Session], tmp_path: Path) -> None:
    known = HashEntry(md5=b"\x22" * 16, sha1=b"\x33" * 20, category="ignorable")
    run_import(factory, "nsrl", [known], action=ListAction.IGNORE)
    run_import(factory, "caid", [HashEntry(sha1=b"\x33" * 20, category="A")])
    matcher = matcher_for(factory, tmp_path / "index")
    outcome = matcher.match_hashes(sha1="33" * 20)
    assert outcome.ignored
    assert outcome.ignored_by == ("nsrl",)
    assert outcome.matches == []
    assert not matcher.match_hashes(md5="44" * 16).ignored


def test_match_a_file_and_its_rotation_with_dihedral_hashes(
    factory: sessionmaker[Session], tmp_path: Path
) -> None:
    original = fingerprint_file(picture(tmp_path / "original.png", seed=5))
    assert original.pdq is not None
    assert (original.pdq_quality or 0) >= 50
    run_import(factory, "pictures", [HashEntry(pdq=bytes.fromhex(original.pdq), category="C")])
    with Image.open(tmp_path / "original.png") as image:
        image.transpose(Image.Transpose.ROTATE_90).save(tmp_path / "rotated.png")
    matcher = matcher_for(factory, tmp_path / "index")

    same = matcher.match(original)
    assert [(m.signal, m.distance) for m in same.matches] == [("pdq", 0)]
    rotated = fingerprint_file(tmp_path / "rotated.png")
    assert matcher.match(rotated).matches == []
    rotated_all = fingerprint_file(tmp_path / "rotated.png", dihedral=True)
    matches = matcher.match(rotated_all).matches
    assert len(matches) == 1
    assert matches[0].distance <= 31
    exact = matcher.match(fingerprint_file(tmp_path / "rotated.png"))
    assert not exact.ignored


def test_index_follows_versions_incrementally(
    factory: sessionmaker[Session], tmp_path: Path
) -> None:
    folder = tmp_path / "index"
    first = make_entries(400, seed=1)
    run_import(factory, "caid", first)
    changes = sync(factory, folder)
    assert (changes.lists_added, changes.entries_added) == (["caid"], 400)
    assert sync(factory, folder).changed is False  # already in step: nothing to do

    second = [*first[:350], *make_entries(30, seed=2)]
    report = run_import(factory, "caid", second)
    changes = sync(factory, folder)
    assert changes.lists_updated == ["caid"]
    assert (changes.entries_added, changes.entries_removed) == (report.added, report.removed)
    assert (report.added, report.removed) == (30, 50)

    index = ListIndex.load(folder)
    assert len(index.catalog) == 380
    matcher = index.matcher()
    gone, kept, new = first[399], first[0], second[-1]
    assert matcher.match_hashes(md5=gone.md5.hex()).matches == []  # type: ignore[union-attr]
    assert len(matcher.match_hashes(md5=kept.md5.hex()).matches) == 1  # type: ignore[union-attr]
    assert matcher.match_hashes(md5=new.md5.hex()).matches[0].category == Category(new.category)  # type: ignore[union-attr]

    with unit_of_work(factory) as session:
        repository = SqlHashListRepository(session)
        repository.delete(repository.get("caid").id)  # type: ignore[union-attr]
    changes = sync(factory, folder)
    assert (changes.lists_removed, changes.entries_removed) == (["caid"], 380)
    assert len(ListIndex.load(folder).catalog) == 0


def test_a_loaded_catalog_is_memory_mapped_and_changes_stay_in_memory(
    factory: sessionmaker[Session], tmp_path: Path
) -> None:
    """Server workers share the saved catalog and exact indexes (one copy in the page cache); a
    worker applying a new list version changes its own arrays, never the saved files."""
    folder = tmp_path / "index"
    first = make_entries(120, seed=3)
    run_import(factory, "caid", first)
    sync(factory, folder)
    index = ListIndex.load(folder)
    catalog = index.catalog
    assert all(
        mapping_of(array) is not None
        for array in (catalog.ids, catalog.list_ids, catalog.categories)
    )
    exact = [index.exact[signal] for signal in EXACT_SIGNALS]
    assert all(
        mapping_of(array) is not None
        for held in exact
        for array in (held._keys, held._rows, held._ids)
    )
    run_import(factory, "caid", [*first[:100], *make_entries(10, seed=4)])
    with unit_of_work(factory) as session:
        changes = apply_changes(index, SqlHashListRepository(session))
    assert (changes.entries_added, changes.entries_removed) == (10, 20)
    assert len(index.catalog) == 110
    gone = first[119].md5.hex()  # type: ignore[union-attr]
    assert index.matcher().match_hashes(md5=gone).matches == []
    assert len(EntryCatalog.load(folder)) == 120  # the saved catalog as it was
    assert ExactIndex.load(folder / "md5").lookup(gone) != []  # and the saved md5 index
    assert len(sync(factory, folder).lists_updated) == 1
    assert len(EntryCatalog.load(folder)) == 110


def test_damaged_index_is_rebuilt(factory: sessionmaker[Session], tmp_path: Path) -> None:
    folder = tmp_path / "index"
    run_import(factory, "caid", make_entries(50))
    sync(factory, folder)
    (folder / "catalog-ids.npy").write_bytes(b"damaged")
    changes = sync(factory, folder)
    assert changes.entries_added == 50
    assert len(matcher_for(factory, folder)) == 50


def test_settings_travel_with_the_index(factory: sessionmaker[Session], tmp_path: Path) -> None:
    run_import(factory, "caid", make_entries(5), max_distance=12, quality_floor=70)
    matcher = matcher_for(factory, tmp_path / "index")
    (held,) = matcher.lists.values()
    assert (held.name, held.max_distance, held.quality_floor, held.entries) == ("caid", 12, 70, 5)
    assert ListSettings().max_distance == 31


def test_match_many_gives_each_file_the_outcome_of_match(
    factory: sessionmaker[Session], tmp_path: Path
) -> None:
    from netsafe.signals.fingerprint import FileFingerprint

    base = bytes(range(32))
    alert = [HashEntry(md5=b"\x11" * 16, category="A", source_id="1"),
             HashEntry(pdq=base, category="B", source_id="2"),
             HashEntry(sha256=b"\x44" * 32, category="C", source_id="3")]  # fmt: skip
    loose = [HashEntry(pdq=flip_bits(base, 25, seed=1), category="C", source_id="9")]
    run_import(factory, "strict", alert, max_distance=10)
    run_import(factory, "loose", loose, max_distance=40, quality_floor=80)
    run_import(factory, "nsrl", [HashEntry(sha1=b"\x33" * 20)], action=ListAction.IGNORE)
    matcher = matcher_for(factory, tmp_path / "index")

    def fp(
        md5: bytes, sha1: bytes, sha256: bytes, pdq: bytes | None, quality: int
    ) -> FileFingerprint:
        return FileFingerprint("f", 1, md5.hex(), sha1.hex(), sha256.hex(), None,
                               pdq.hex() if pdq else None, quality if pdq else None)  # fmt: skip

    near = flip_bits(base, 5, seed=2)
    files = [
        fp(b"\x11" * 16, b"\x01" * 20, b"\x02" * 32, None, 0),  # md5 alert
        fp(b"\x11" * 16, b"\x33" * 20, b"\x02" * 32, near, 90),  # known-good wins
        fp(b"\x05" * 16, b"\x01" * 20, b"\x02" * 32, near, 90),  # PDQ in both lists
        fp(b"\x05" * 16, b"\x01" * 20, b"\x44" * 32, near, 60),  # sha256; PDQ under loose floor
        fp(b"\x05" * 16, b"\x01" * 20, b"\x02" * 32, flip_bits(base, 20, seed=3), 90),  # too far
        fp(b"\x05" * 16, b"\x01" * 20, b"\x02" * 32, base, 10),  # quality too low for any
        FileFingerprint("gone", 0, "", "", "", None, None, None, (), "unreadable"),
    ]
    one_by_one = [matcher.match(f) for f in files]
    assert matcher.match_many(files) == one_by_one
    assert matcher.match_many(files, max_distance=0) == [
        matcher.match(f, max_distance=0) for f in files
    ]
    assert [o.ignored for o in one_by_one] == [False, True, False, False, False, False, False]
    assert [len(o.matches) for o in one_by_one] == [1, 0, 2, 2, 0, 0, 0]
    assert matcher.match_many([]) == []


def test_known_digests_says_which_raw_digests_any_list_holds(
    factory: sessionmaker[Session], tmp_path: Path
) -> None:
    """Alert and ignore lists both count: triage scans such a file in full."""
    run_import(factory, "caid", [HashEntry(md5=b"\x11" * 16, sha1=b"\x12" * 20, category="A")])
    run_import(factory, "nsrl", [HashEntry(sha1=b"\x33" * 20)], action=ListAction.IGNORE)
    matcher = matcher_for(factory, tmp_path / "index")
    sha1s = b"\x12" * 20 + b"\x00" * 20 + b"\x33" * 20
    assert matcher.known_digests("sha1", sha1s) == [True, False, True]
    assert matcher.known_digests("md5", b"\x11" * 16 + b"\x12" * 16) == [True, False]
    assert matcher.known_digests("sha256", b"") == []
