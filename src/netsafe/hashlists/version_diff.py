"""Which entries of a new list version are new, and which of the old version are gone.

Each entry gets a 64-bit content key (the hash of all its fields). The old version's keys are kept
in a sorted numpy array with the order they were read in (13 bytes an entry, 16 while sorting: 10
million take ~160 MB at most; ids are kept as runs of consecutive ids); each batch of the new
version is checked against them with `searchsorted`. Equal entries are paired one to one (a key
that appears twice in the old version pairs with at most two in the new), so an entry that did
not change keeps its id, and the index only applies what really changed.
"""

from __future__ import annotations

import sys
from collections.abc import Iterable, Sequence
from typing import Any

import numpy as np
import numpy.typing as npt

from netsafe.hashlists.model import EntryRow, HashEntry

Keys = npt.NDArray[np.uint64]
Ids = npt.NDArray[np.int64]


def content_key(entry: EntryRow) -> int:
    """A 64-bit key of every field of `entry`: Python's hash of the tuple.

    Texts and hash values are hashed with SipHash under a key drawn at random per process, so
    the keys of one import (old and new entries alike, all computed in the importing process) can
    be compared, and nobody can craft a list whose entries collide.
    """
    return hash(tuple(entry)) & 0xFFFF_FFFF_FFFF_FFFF


def content_keys(entries: Sequence[EntryRow]) -> Keys:
    """`content_key` of each entry, as an array (named tuples hash as plain ones)."""
    hashes = np.fromiter(map(hash, entries), dtype=np.int64, count=len(entries))
    return hashes.view(np.uint64)


class VersionDiff:
    """Pairs the entries of a new version with those of the old one, batch by batch."""

    def __init__(self, old: Iterable[Sequence[tuple[int, HashEntry]]], expected: int = 0) -> None:
        """Read the old version's (id, entry) batches, in id order.

        Memory, for n old entries: the keys (8n bytes, allocated once from `expected`, the old
        entry count), the ids as runs of consecutive ids (a few entries for lists imported in
        one go; at most 16n bytes), and while sorting an int64 order (8n) that is then kept as
        int32 (4n) in the same memory. 10 million old entries peak near 160 MB and keep 130 MB.
        """
        keys: Keys = np.empty(expected, dtype=np.uint64)
        runs = _IdRuns()
        filled = 0
        for batch in old:
            if filled + len(batch) > len(keys):  # more than expected: grow
                grow = max(len(batch), len(keys) // 2)
                keys = np.concatenate([keys, np.empty(grow, dtype=np.uint64)])
            keys[filled : filled + len(batch)] = content_keys([entry for _, entry in batch])
            runs.add(filled, np.fromiter((i for i, _ in batch), dtype=np.int64, count=len(batch)))
            filled += len(batch)
        keys = keys[:filled]
        # `order[slot]` is the read position (so the id) of the slot-th smallest key. Sorting
        # the keys in place gives the same array as keys[order], without a second copy; the
        # introsort needs no buffer (equal keys are equal entries: their order does not matter).
        order = np.argsort(keys, kind="quicksort")
        keys.sort()
        self._keys: Keys = keys
        self._order = _as_int32(order) if filled < 2**31 else order
        del order
        self._ids = runs.finish(filled)
        self._paired = np.zeros(filled, dtype=bool)

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
            starts, ends = left[found], right[found]
            # Rank of each found entry among the batch's entries with the same key.
            order = np.argsort(starts, kind="stable")
            sorted_starts = starts[order]
            first = np.r_[True, sorted_starts[1:] != sorted_starts[:-1]]
            group_begin = np.maximum.accumulate(np.where(first, np.arange(len(order)), 0))
            rank = np.empty(len(order), dtype=np.int64)
            rank[order] = np.arange(len(order)) - group_begin
            # Slots of a group of equal old keys are paired from its first one on, so the number
            # already paired is the group's first unpaired slot minus its start.
            taken = self._paired[starts].astype(np.int64)
            for index in np.flatnonzero(ends - starts > 1).tolist():  # duplicate keys: rare
                group = self._paired[starts[index] : ends[index]]
                taken[index] = int(np.argmin(group)) if not group.all() else len(group)
            slot = starts + taken + rank
            pairs = slot < ends
            self._paired[slot[pairs]] = True
            is_new[found[pairs]] = False
        return [entry for entry, new in zip(entries, is_new.tolist(), strict=True) if new]

    def removed_ids(self) -> list[int]:
        """Ids of old entries no entry of the new version was paired with."""
        positions = self._order[~self._paired]
        return sorted(self._ids.at(positions).tolist())

    @property
    def kept(self) -> int:
        """How many old entries were paired (unchanged)."""
        return int(self._paired.sum())


def _as_int32(order: Ids) -> npt.NDArray[np.int32]:
    """`order` (values under 2**31) as int32 in the same memory: each value's low word is moved
    down in place, chunk by chunk, and the freed half is given back (no second array)."""
    count = len(order)
    words = order.view(np.int32)
    low = 0 if sys.byteorder == "little" else 1
    step = 1 << 20
    for start in range(0, count, step):
        stop = min(start + step, count)
        # Later chunks read from 2 * start on, beyond everything written so far.
        words[start:stop] = words[2 * start + low : 2 * stop : 2]
    del words
    order.resize((count + 1) // 2, refcheck=False)
    return order.view(np.int32)[:count]


class _IdRuns:
    """Ids by read position, kept as runs of consecutive ids (start position, first id)."""

    def __init__(self) -> None:
        self._positions: list[npt.NDArray[np.int64]] = []
        self._firsts: list[Ids] = []
        self._next_id: int | None = None  # the id that would continue the last run

    def add(self, position: int, ids: Ids) -> None:
        """Record `ids`, read from `position` on."""
        if not len(ids):
            return
        breaks = np.flatnonzero(np.diff(ids) != 1) + 1
        if self._next_id is None or int(ids[0]) != self._next_id:
            breaks = np.r_[0, breaks]
        self._positions.append((breaks + position).astype(np.int64))
        self._firsts.append(ids[breaks])
        self._next_id = int(ids[-1]) + 1

    def finish(self, count: int) -> _IdLookup:
        positions = np.concatenate(self._positions) if self._positions else np.empty(0, np.int64)
        firsts = np.concatenate(self._firsts) if self._firsts else np.empty(0, np.int64)
        self._positions, self._firsts = [], []
        return _IdLookup(positions, firsts)


class _IdLookup:
    """The id at each read position, from runs of consecutive ids."""

    def __init__(self, positions: npt.NDArray[np.int64], firsts: Ids) -> None:
        self._positions = positions
        self._firsts = firsts

    def at(self, positions: npt.NDArray[np.integer[Any]]) -> Ids:
        run = np.searchsorted(self._positions, positions, side="right") - 1
        return self._firsts[run] + (positions - self._positions[run])
