"""ExactIndex: digest → entry ids, incremental, persisted."""

from __future__ import annotations

import hashlib
from pathlib import Path

import numpy as np
import pytest

from netsafe.categories import Category
from netsafe.matching.big_arrays import mapping_of
from netsafe.matching.exact_index import ExactIndex
from netsafe.matching.match import Match


def md5(number: int) -> str:
    return hashlib.md5(str(number).encode()).hexdigest()


def test_lookup_add_remove_and_persist(tmp_path: Path) -> None:
    index = ExactIndex("md5")
    index.add(range(60_000), [md5(n) for n in range(60_000)])  # bulk: sorted arrays
    index.add([70_000, 70_001], [md5(1), md5(2).upper()])  # small: pending, then merged on save
    assert index.lookup(md5(1)) == [1, 70_000]
    assert index.lookup(md5(59_999)) == [59_999]
    assert index.lookup(md5(-1)) == []
    assert index.lookup_many([md5(2), md5(3), md5(-5)]) == [[2, 70_001], [3], []]
    assert index.remove([1, 70_001, 123_456]) == 2
    assert index.lookup(md5(1)) == [70_000]
    assert len(index) == 60_000
    index.save(tmp_path / "md5")
    loaded = ExactIndex.load(tmp_path / "md5")
    assert loaded.signal == "md5"
    assert len(loaded) == 60_000
    assert loaded.lookup(md5(2)) == [2]
    assert loaded.lookup(md5(1)) == [70_000]


def test_every_signal_and_bad_input(tmp_path: Path) -> None:
    for signal, function in (("sha1", hashlib.sha1), ("sha256", hashlib.sha256)):
        index = ExactIndex(signal)
        index.add([9], [function(b"x").hexdigest()])
        assert index.lookup(function(b"x").hexdigest()) == [9]
        with pytest.raises(ValueError, match=signal):
            index.lookup("abc")
    with pytest.raises(ValueError, match="no exact index"):
        ExactIndex("pdq")
    with pytest.raises(ValueError, match="not a NetSafe index"):
        ExactIndex.load(tmp_path)


def test_match_is_a_typed_value() -> None:
    match = Match("CAID sample", 12, Category.B, "pdq", 7)
    assert not match.exact
    assert Match("x", 1, Category.A, "md5", 0).exact
    assert match == Match("CAID sample", 12, Category.B, "pdq", 7)


def test_contains_many_answers_like_lookup_many() -> None:
    """Vectorised membership: a shared 8-byte prefix is not enough, pending additions count."""
    index = ExactIndex("md5")
    index.add(range(60_000), [md5(n) for n in range(60_000)])
    index.add([70_000], [md5(-7)])  # pending, not merged yet
    twin = md5(5)[:16] + "0" * 16  # the first 8 bytes of a known digest, then different
    queries = [md5(5), twin, md5(-7), md5(-8), md5(59_999)]
    assert index.contains_many(queries).tolist() == [True, False, True, False, True]
    assert index.contains_many(queries).tolist() == [bool(i) for i in index.lookup_many(queries)]
    assert ExactIndex("sha1").contains_many([]).tolist() == []


def test_a_few_digests_answer_as_many() -> None:
    """One file's lookup (a few digests, read one by one) answers as the vector path does,
    pending additions and bad hex included."""
    index = ExactIndex("md5")
    index.add(range(60_000), [md5(n) for n in range(60_000)])
    index.add([70_000], [md5(5).upper()])
    few = [md5(5), md5(-1), f" {md5(7).upper()} "]
    assert index.lookup_many(few) == [[5, 70_000], [], [7]]
    assert index.lookup_many(few * 3) == [[5, 70_000], [], [7]] * 3  # over FEW: vectorised
    with pytest.raises(ValueError, match="position 1"):
        index.lookup_many([md5(1), "zebra-test-term"])


def test_a_loaded_index_is_memory_mapped_and_changes_stay_in_memory(tmp_path: Path) -> None:
    """Server workers share the saved arrays (one copy in the page cache); adding and removing
    after loading make new arrays, and the saved files answer as they did."""
    index = ExactIndex("sha1")
    index.add(range(60_000), [hashlib.sha1(str(n).encode()).hexdigest() for n in range(60_000)])
    index.save(tmp_path / "sha1")
    loaded = ExactIndex.load(tmp_path / "sha1")
    arrays = (loaded._keys, loaded._rows, loaded._ids)
    assert all(mapping_of(array) is not None for array in arrays)
    assert loaded.warm() == sum(len(mapping_of(a)) for a in arrays)  # type: ignore[arg-type]
    digest = hashlib.sha1(b"7").hexdigest()
    assert loaded.lookup(digest) == [7]
    assert loaded.remove([7, 8]) == 2
    loaded.add(range(100_000, 160_000), [hashlib.sha1(b"x" + bytes(n)).hexdigest()
                                         for n in range(60_000)])  # fmt: skip
    assert loaded.lookup(digest) == []
    assert len(loaded) == 119_998
    again = ExactIndex.load(tmp_path / "sha1")
    assert (again.lookup(digest), len(again)) == ([7], 60_000)
    in_memory = ExactIndex.load(tmp_path / "sha1", mmap=False)
    assert mapping_of(in_memory._rows) is None
    assert in_memory.lookup(digest) == [7]


def test_an_index_saved_without_its_keys_loads_and_damage_is_named(tmp_path: Path) -> None:
    index = ExactIndex("md5")
    index.add(range(1000), [md5(n) for n in range(1000)])
    index.save(tmp_path / "md5")
    (tmp_path / "md5" / "keys.npy").unlink()  # as saved before the keys were
    assert ExactIndex.load(tmp_path / "md5").lookup(md5(999)) == [999]
    np.save(tmp_path / "md5" / "keys.npy", np.zeros(999, np.uint64))
    with pytest.raises(ValueError, match="damaged index \\(keys"):
        ExactIndex.load(tmp_path / "md5")
    empty = ExactIndex("sha256")
    empty.save(tmp_path / "sha256")
    assert ExactIndex.load(tmp_path / "sha256").lookup("ab" * 32) == []
