"""Multi-index hashing tables over a fixed set of 256-bit hashes (the static part of PdqIndex).

Disjoint substrings of ~log2(n) bits are taken from the 256 bits (10M hashes: 11 of 23 bits). By
the (generalised) pigeonhole principle, two hashes within distance d agree on at least one
substring i up to t_i bits whenever sum(t_i + 1) ≥ d + 1. So for each substring we enumerate
the keys within t_i bits of the query's (277 keys for t=2 over 23 bits), look each up in a
direct-address table of bucket offsets into a permutation sorted by that substring, and verify
every candidate with a full 256-bit XOR + popcount. No hash within d can be missed: recall is
exact by construction, whatever the data.

The tables are two flat 2-D numpy arrays that load from disk memory-mapped; the search itself
is a compiled kernel (hamming_kernels.py) that threads run in parallel without the GIL.
"""

from __future__ import annotations

import math
from functools import cache
from itertools import combinations
from pathlib import Path
from typing import Literal

import numpy as np
import numpy.typing as npt

from netsafe.matching.hamming import Found

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
    low = words[:, word] >> np.uint64(shift)  # one n-word temporary, then in place
    if shift + width > 64:
        high = words[:, word + 1] << np.uint64(64 - shift)
        low |= high
        del high
    low &= mask
    return low.astype(np.uint32)


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


def scan(words: Words, queries: Words, max_distance: int) -> Found:
    """Brute force (compiled): every query against every row. The kernels are imported on first
    search: numba takes ~0.3 s to import, which commands that never search don't pay."""
    from netsafe.matching.hamming_kernels import scan as compiled_scan

    return compiled_scan(words, queries, max_distance)


class MultiIndex:
    """The substring tables of a fixed array of hashes; `search` answers range queries.

    Table `part` is row `part` of two 2-D arrays: `perm[part]` lists row numbers sorted by that
    substring, and `perm[part][starts[part][key]:starts[part][key + 1]]` are the rows whose
    substring equals `key`. All substrings have the same width.
    """

    def __init__(
        self,
        words: Words,
        widths: tuple[int, ...],
        starts: npt.NDArray[np.int32],
        perm: npt.NDArray[np.int32],
    ) -> None:
        if len(set(widths)) != 1:
            raise ValueError(f"substring widths must be equal, got {widths}")
        self.words = words
        self.widths = widths
        self.starts = starts
        self.perm = perm

    @classmethod
    def build(cls, words: Words) -> MultiIndex:
        if len(words) >= 1 << 31:
            raise ValueError("a PDQ index holds at most 2**31 - 1 hashes")
        widths = widths_for(len(words))
        starts = np.zeros((len(widths), (1 << widths[0]) + 1), dtype=np.int32)
        perm = np.empty((len(widths), len(words)), dtype=np.int32)
        from netsafe.matching.hamming_kernels import bucket_order

        for part in range(len(widths)):
            keys = substring_keys(words, widths, part)
            np.cumsum(np.bincount(keys, minlength=1 << widths[part]), out=starts[part, 1:])
            bucket_order(keys, starts[part], perm[part])  # = stable argsort, O(n), no int64
            del keys  # not alive while the next table's keys are made
        return cls(words, widths, starts, perm)

    def __len__(self) -> int:
        return len(self.words)

    def search(self, queries: Words, max_distance: int) -> Found:
        """(query number, row, distance) of every row within `max_distance` of each query."""
        chosen, cost = radii(max_distance, len(self.words), self.widths)
        if cost * 1.5 >= len(self.words):
            return scan(self.words, queries, max_distance)
        width = self.widths[0]
        masks = flip_masks(width, max(chosen)).astype(np.int64)
        counts = np.array([_probes(width, radius) for radius in range(max(chosen) + 1)])
        from netsafe.matching.hamming_kernels import table_search

        return table_search(
            self.words,
            self.starts,
            self.perm,
            width,
            np.asarray(chosen, dtype=np.int64),
            masks,
            counts.astype(np.int64),
            queries,
            max_distance,
        )

    def save(self, folder: Path, prefix: str) -> None:
        np.save(folder / f"{prefix}starts.npy", self.starts)
        np.save(folder / f"{prefix}perm.npy", self.perm)

    @classmethod
    def load(
        cls, words: Words, widths: tuple[int, ...], folder: Path, prefix: str, *, mmap: bool
    ) -> MultiIndex:
        mode: Literal["r"] | None = "r" if mmap else None
        starts = np.load(folder / f"{prefix}starts.npy", mmap_mode=mode)
        perm = np.load(folder / f"{prefix}perm.npy", mmap_mode=mode)
        if (
            not widths
            or starts.shape != (len(widths), (1 << widths[0]) + 1)
            or perm.shape != (len(widths), len(words))
            or starts.dtype != np.int32
            or perm.dtype != np.int32
        ):
            raise ValueError(f"{folder}: damaged index tables")
        return cls(words, widths, starts, perm)
