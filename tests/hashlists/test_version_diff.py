"""VersionDiff pairs old and new entries one to one, whatever the batches and duplicates."""

from __future__ import annotations

from collections import Counter

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from netsafe.hashlists.model import HashEntry
from netsafe.hashlists.version_diff import VersionDiff, _as_int32, content_key, content_keys

POOL = [HashEntry(md5=bytes([n]) * 16, category="A") for n in range(8)]


@settings(max_examples=60, deadline=None)
@given(
    old=st.lists(st.integers(0, 7), max_size=30),
    new=st.lists(st.integers(0, 7), max_size=30),
    batch=st.integers(1, 7),
    gaps=st.lists(st.integers(1, 3), min_size=30, max_size=30),
    old_batch=st.integers(1, 9),
)
def test_pairs_are_the_multiset_intersection(
    old: list[int], new: list[int], batch: int, gaps: list[int], old_batch: int
) -> None:
    # Old ids ascend with gaps (entries removed by earlier versions), read in batches.
    ids = [100 + sum(gaps[: i + 1]) for i in range(len(old))]
    old_pairs = [(ids[i], POOL[n]) for i, n in enumerate(old)]
    diff = VersionDiff(
        [old_pairs[s : s + old_batch] for s in range(0, len(old_pairs), old_batch)],
        expected=len(old) // 2,
    )
    added = []
    for start in range(0, len(new), batch):
        added += diff.new_entries([POOL[n] for n in new[start : start + batch]])
    common = Counter(old) & Counter(new)
    assert diff.kept == sum(common.values())
    assert Counter(added) == Counter(POOL[n] for n in (Counter(new) - common).elements())
    removed = Counter(POOL[old[ids.index(i)]] for i in diff.removed_ids())
    assert removed == Counter(POOL[n] for n in (Counter(old) - common).elements())


def test_content_key_is_the_same_for_equal_entries_and_sees_every_field() -> None:
    entry = HashEntry(md5=b"\x01" * 16, category="A", series="s", source_id="9")
    assert content_key(entry) == content_key(tuple(entry))  # type: ignore[arg-type]
    assert content_key(entry) == content_key(HashEntry(*entry))
    for field in ("category", "series", "source_id"):
        assert content_key(entry._replace(**{field: "other"})) != content_key(entry)
    assert content_key(entry._replace(md5=b"\x02" * 16)) != content_key(entry)
    assert content_keys([entry, tuple(entry)]).tolist() == [content_key(entry)] * 2  # type: ignore[list-item]


@pytest.mark.parametrize("count", [0, 1, 7, (1 << 20) + 3, 3 << 20])
def test_read_order_narrowed_to_int32_in_place_keeps_every_value(count: int) -> None:
    order = np.random.default_rng(count).permutation(count).astype(np.int64)
    expected = order.copy()
    narrowed = _as_int32(order)
    assert narrowed.dtype == np.int32
    assert np.array_equal(narrowed, expected)
