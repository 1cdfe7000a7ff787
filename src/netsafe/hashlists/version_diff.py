"""Which entries of a new list version are new, and which of the old version are gone.

Each entry gets a 64-bit content key (BLAKE2b of every field). The old version's keys are kept
in sorted numpy arrays (21 bytes an entry, 32 while sorting: 10 million take ~320 MB at most);
each batch of the new version is checked against them with `searchsorted`. Equal entries are
paired one to one (a key that appears twice in the old version pairs with at most two in the new),
so an entry that did not change keeps its id, and the index only applies what really changed.
"""

from __future__ import annotations

import hashlib
import pickle
from collections.abc import Iterable, Sequence

import numpy as np
import numpy.typing as npt

from netsafe.hashlists.model import EntryRow, HashEntry

Keys = npt.NDArray[np.uint64]
Ids = npt.NDArray[np.int64]


def content_key(entry: EntryRow) -> int:
    """A stable 64-bit key of every field of `entry` (the same in every process and run)."""
    data = pickle.dumps(tuple(entry), protocol=5)
    return int.from_bytes(hashlib.blake2b(data, digest_size=8).digest(), "little")


def content_keys(entries: Sequence[EntryRow]) -> Keys:
    """`content_key` of each entry, as an array."""
    return np.fromiter((content_key(e) for e in entries), dtype=np.uint64, count=len(entries))


class VersionDiff:
    """Pairs the entries of a new version with those of the old one, batch by batch."""

    def __init__(self, old: Iterable[Sequence[tuple[int, HashEntry]]], expected: int = 0) -> None:
        """Read the old version's (id, entry) batches; `expected` (its entry count) lets the
        arrays be allocated once, so the peak stays near 32 bytes an old entry."""
        keys: Keys = np.empty(expected, dtype=np.uint64)
        ids: Ids = np.empty(expected, dtype=np.int64)
        filled = 0
        for batch in old:
            if filled + len(batch) > len(keys):  # more than expected: grow
                grow = max(len(batch), len(keys) // 2)
                keys = np.concatenate([keys, np.empty(grow, dtype=np.uint64)])
                ids = np.concatenate([ids, np.empty(grow, dtype=np.int64)])
            keys[filled : filled + len(batch)] = content_keys([entry for _, entry in batch])
            ids[filled : filled + len(batch)] = [i for i, _ in batch]
            filled += len(batch)
        keys, ids = keys[:filled], ids[:filled]
        order = np.argsort(keys, kind="stable")
        self._ids: Ids = ids[order]
        del ids
        self._keys: Keys = keys[order]
        del keys, order
        self._paired = np.zeros(filled, dtype=bool)
        # Per group of equal keys (indexed by the group's first position): how many are paired.
        self._group_paired = np.zeros(filled, dtype=np.int32)

    def __len__(self) -> int:
        return len(self._keys)

    def new_entries(self, entries: Sequence[EntryRow]) -> list[EntryRow]:
        """The entries of this batch not in the old version (those that are, get paired)."""
        if not len(self._keys):
            return list(entries)
        keys = content_keys(entries)
        left = np.searchsorted(self._keys, keys, side="left")
        right = np.searchsorted(self._keys, keys, side="right")
        found = np.flatnonzero(right > left)
        is_new = np.ones(len(entries), dtype=bool)
        if len(found):
            starts = left[found]
            # Rank of each found entry among the batch's entries with the same key.
            order = np.argsort(starts, kind="stable")
            sorted_starts = starts[order]
            first = np.r_[True, sorted_starts[1:] != sorted_starts[:-1]]
            group_begin = np.maximum.accumulate(np.where(first, np.arange(len(order)), 0))
            rank = np.empty(len(order), dtype=np.int64)
            rank[order] = np.arange(len(order)) - group_begin
            slot = starts + self._group_paired[starts] + rank
            pairs = slot < right[found]
            self._paired[slot[pairs]] = True
            np.add.at(self._group_paired, starts[pairs], 1)
            is_new[found[pairs]] = False
        return [entry for entry, new in zip(entries, is_new.tolist(), strict=True) if new]

    def removed_ids(self) -> list[int]:
        """Ids of old entries no entry of the new version was paired with."""
        return sorted(self._ids[~self._paired].tolist())

    @property
    def kept(self) -> int:
        """How many old entries were paired (unchanged)."""
        return int(self._paired.sum())
