"""ExactIndex: digest → entry ids, incremental, persisted."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest

from netsafe.categories import Category
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
