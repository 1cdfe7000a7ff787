"""Multi-index hashing tables over a fixed set of 256-bit hashes (the static part of PdqIndex).

Disjoint substrings of ~log2(n) bits are taken from the 256 bits (10M hashes: 11 of 23 bits). By
the (generalised) pigeonhole principle, two hashes within distance d agree on at least one
substring i up to t_i bits whenever sum(t_i + 1) ≥ d + 1. So for each substring we enumerate
the keys within t_i bits of the query's (277 keys for t=2 over 23 bits), look each up in a
direct-address table of bucket offsets into a permutation sorted by that substring, and verify
every candidate with a full 256-bit XOR + popcount. No hash within d can be missed: recall is
exact by construction, whatever the data.

Everything is flat numpy arrays, so lookups are vectorised over a batch of queries, and the
tables load from disk memory-mapped.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from functools import cache
from itertools import combinations
from pathlib import Path
from typing import Literal

import numpy as np
import numpy.typing as npt

from netsafe.matching.hamming import hamming

Words = npt.NDArray[np.uint64]
Keys = npt.NDArray[np.uint32]

#: Widest substring: 23-bit tables take half the memory of 24-bit ones (32 MB each) for ~10% more
#: candidates at 10M hashes. The pigeonhole argument only needs disjoint substrings (distance over
#: them ≤ full distance), so a few of the 256 bits may stay outside them.
MAX_WIDTH = 23
MIN_WIDTH = 10
#: Relative cost of verifying one candidate compared with one bucket probe.
CANDIDATE_COST = 2.0


def widths_for(count: int) -> tuple[int, ...]:
    """Substring widths for `count` hashes: about log2(count) bits each (≤ 1 hash a bucket), as
    many substrings as fit in 256 bits (10M: 11 × 23 bits; 100,000: 15 × 17 bits)."""
    width = min(MAX_WIDTH, max(MIN_WIDTH, math.ceil(math.log2(max(count, 2)))))
    return (width,) * (256 // width)


def substring_keys(words: Words, widths: tuple[int, ...], part: int) -> Keys:
    """Bits [start, start + width) of each 256-bit row (4 native uint64 words, LSB first)."""
    start = sum(widths[:part])
    width = widths[part]
    word, shift = divmod(start, 64)
    mask = np.uint64((1 << width) - 1)
    low = words[:, word] >> np.uint64(shift)
    if shift + width > 64:
        low = low | (words[:, word + 1] << np.uint64(64 - shift))
    return (low & mask).astype(np.uint32)


@cache
def flip_masks(width: int, radius: int) -> Keys:
    """Every `width`-bit mask with at most `radius` bits set (0 first)."""
    masks = [0]
    for count in range(1, radius + 1):
        masks.extend(sum(1 << bit for bit in bits) for bits in combinations(range(width), count))
    return np.asarray(masks, dtype=np.uint32)


def _probes(width: int, radius: int) -> int:
    return sum(math.comb(width, k) for k in range(radius + 1)) if radius >= 0 else 0


@cache
def radii(max_distance: int, count: int, widths: tuple[int, ...]) -> tuple[tuple[int, ...], float]:
    """Per-substring search radii whose (radius + 1) sum to max_distance + 1, chosen greedily by
    the expected cost for `count` hashes; and that cost per query (compare with a full scan)."""
    chosen = [-1] * len(widths)

    def cost(part: int, radius: int) -> float:
        probes = _probes(widths[part], radius)
        return probes * (1 + CANDIDATE_COST * count / (1 << widths[part]))

    for _ in range(max_distance + 1):
        best = min(
            range(len(widths)),
            key=lambda part: cost(part, chosen[part] + 1) - cost(part, chosen[part]),
        )
        chosen[best] += 1
    total = sum(cost(part, radius) for part, radius in enumerate(chosen))
    return tuple(chosen), total


@dataclass
class SubstringTable:
    """Rows sorted by one substring: `perm` lists row numbers, `starts[key]:starts[key+1]`
    is the slice of `perm` whose substring equals `key`."""

    starts: npt.NDArray[np.int32]
    perm: npt.NDArray[np.int32]

    def bounds(self) -> npt.NDArray[np.int64]:
        """starts[k] and starts[k + 1] as one little-endian int64 per k (a strided view, no
        copy): one random read per probed bucket instead of two."""
        starts = np.ascontiguousarray(self.starts, dtype="<i4")
        return np.ndarray(shape=(len(starts) - 1,), dtype="<i8", buffer=starts, strides=(4,))

    @classmethod
    def build(cls, words: Words, widths: tuple[int, ...], part: int) -> SubstringTable:
        if len(words) >= 1 << 31:
            raise ValueError("a PDQ index holds at most 2**31 - 1 hashes")
        keys = substring_keys(words, widths, part)
        counts = np.bincount(keys, minlength=1 << widths[part])
        starts = np.zeros(len(counts) + 1, dtype=np.int32)
        np.cumsum(counts, out=starts[1:], dtype=np.int32)
        del counts
        perm = np.argsort(keys).astype(np.int32)
        return cls(starts, perm)


class MultiIndex:
    """The substring tables of a fixed array of hashes; `candidates` answers range queries."""

    def __init__(self, words: Words, widths: tuple[int, ...], tables: list[SubstringTable]) -> None:
        self.words = words
        self.widths = widths
        self.tables = tables

    @classmethod
    def build(cls, words: Words) -> MultiIndex:
        widths = widths_for(len(words))
        tables = [SubstringTable.build(words, widths, part) for part in range(len(widths))]
        return cls(words, widths, tables)

    def __len__(self) -> int:
        return len(self.words)

    def search(
        self, queries: Words, max_distance: int
    ) -> tuple[npt.NDArray[np.int64], npt.NDArray[np.int64], npt.NDArray[np.int32]]:
        """(query number, row, distance) of every row within `max_distance` of each query."""
        chosen, cost = radii(max_distance, len(self.words), self.widths)
        if cost * 1.5 >= len(self.words):
            return scan(self.words, queries, max_distance)
        found: list[tuple[npt.NDArray[np.int64], npt.NDArray[np.int32], npt.NDArray[np.int16]]]
        found = []
        for part, radius in enumerate(chosen):
            if radius >= 0:
                found.append(self._probe(queries, part, radius, max_distance))
        which = np.concatenate([item[0] for item in found])
        rows = np.concatenate([item[1] for item in found])
        distances = np.concatenate([item[2] for item in found]).astype(np.int32)
        # a row close in several substrings is found several times: keep one
        pair = which * len(self.words) + rows
        _, first = np.unique(pair, return_index=True)
        return which[first], rows[first].astype(np.int64), distances[first]

    def _probe(
        self, queries: Words, part: int, radius: int, max_distance: int
    ) -> tuple[npt.NDArray[np.int64], npt.NDArray[np.int32], npt.NDArray[np.int16]]:
        """Candidates whose substring `part` is within `radius` bits, verified in full."""
        table = self.tables[part]
        masks = flip_masks(self.widths[part], radius)
        keys = (substring_keys(queries, self.widths, part)[:, None] ^ masks[None, :]).ravel()
        bounds = table.bounds()[keys]  # starts[key] in the low half, starts[key + 1] in the high
        low = bounds.astype(np.int32)
        counts = (bounds >> 32).astype(np.int32) - low
        hit = np.flatnonzero(counts)
        counts = counts[hit]
        total = int(counts.sum())
        if total == 0:
            return np.empty(0, np.int64), np.empty(0, np.int32), np.empty(0, np.int16)
        # positions low[h] .. low[h] + counts[h] - 1 for every hit bucket h, in one array
        ends = np.cumsum(counts)
        positions = np.arange(total, dtype=np.int32)
        positions += np.repeat(low[hit] - (ends - counts), counts)
        rows = table.perm[positions]
        which = np.repeat((hit // len(masks)).astype(np.int32), counts)
        distances = hamming(np.take(self.words, rows, axis=0), np.take(queries, which, axis=0))
        near = np.flatnonzero(distances <= max_distance)
        return which[near].astype(np.int64), rows[near], distances[near]

    def save(self, folder: Path, prefix: str) -> None:
        for part, table in enumerate(self.tables):
            np.save(folder / f"{prefix}starts-{part}.npy", table.starts)
            np.save(folder / f"{prefix}perm-{part}.npy", table.perm)

    @classmethod
    def load(
        cls, words: Words, widths: tuple[int, ...], folder: Path, prefix: str, *, mmap: bool
    ) -> MultiIndex:
        mode: Literal["r"] | None = "r" if mmap else None
        tables = [
            SubstringTable(
                np.load(folder / f"{prefix}starts-{part}.npy", mmap_mode=mode),
                np.load(folder / f"{prefix}perm-{part}.npy", mmap_mode=mode),
            )
            for part in range(len(widths))
        ]
        for part, table in enumerate(tables):
            if len(table.starts) != (1 << widths[part]) + 1 or len(table.perm) != len(words):
                raise ValueError(f"{folder}: damaged index table {part}")
        return cls(words, widths, tables)


def scan(
    words: Words, queries: Words, max_distance: int, block: int = 1 << 18
) -> tuple[npt.NDArray[np.int64], npt.NDArray[np.int64], npt.NDArray[np.int32]]:
    """Brute force: every query against every row, in blocks (for small sets and large d)."""
    found_q: list[npt.NDArray[np.int64]] = []
    found_r: list[npt.NDArray[np.int64]] = []
    found_d: list[npt.NDArray[np.int32]] = []
    for start in range(0, len(words), block):
        chunk = words[start : start + block]
        for number, query in enumerate(queries):
            distances = hamming(chunk, query[None, :])
            hit = np.flatnonzero(distances <= max_distance)
            if len(hit):
                found_q.append(np.full(len(hit), number, dtype=np.int64))
                found_r.append(hit.astype(np.int64) + start)
                found_d.append(distances[hit].astype(np.int32))
    if not found_q:
        return np.empty(0, np.int64), np.empty(0, np.int64), np.empty(0, np.int32)
    return np.concatenate(found_q), np.concatenate(found_r), np.concatenate(found_d)
