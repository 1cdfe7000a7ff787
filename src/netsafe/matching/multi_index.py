"""Multi-index hashing tables over a fixed set of 256-bit hashes (the static part of PdqIndex).

Disjoint substrings of ~log2(n) bits are taken from the 256 bits (10M hashes: 11 of 23 bits). By
the (generalised) pigeonhole principle, two hashes within distance d agree on at least one
substring i up to t_i bits whenever sum(t_i + 1) ≥ d + 1. So for each substring we enumerate
the keys within t_i bits of the query's (277 keys for t=2 over 23 bits), look each up in a
direct-address table of bucket offsets into a permutation sorted by that substring, and verify
every candidate with a full 256-bit XOR + popcount. No hash within d can be missed: recall is
exact by construction, whatever the data.

The tables are two flat numpy arrays (bucket offsets, bit-packed row numbers) that load from
disk memory-mapped; building and searching them are compiled kernels (mih_kernels.py) that
threads run in parallel without the GIL.
"""

from __future__ import annotations

import math
from functools import cache
from itertools import combinations
from pathlib import Path
from typing import Literal

import numpy as np
import numpy.typing as npt

from netsafe.matching import big_arrays
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


def row_bits(count: int) -> int:
    """Bits a row number of a `count`-row array takes (at least 1): 27 at 100M, 24 at 10M."""
    return max(1, (count - 1).bit_length())


def packed_words(entries: int, bits: int) -> int:
    """uint64 words holding `entries` packed values of `bits` bits, plus a spare word (a read
    of the last entry may load the word after it)."""
    return (entries * bits + 63) // 64 + 1


@cache
def flip_masks(width: int, radius: int) -> Keys:
    """Every `width`-bit mask with at most `radius` bits set (0 first)."""
    masks = [0]
    for count in range(1, radius + 1):
        masks.extend(sum(1 << bit for bit in bits) for bits in combinations(range(width), count))
    return np.asarray(masks, dtype=np.uint32)


@cache
def _probe_masks(width: int, radius: int) -> tuple[npt.NDArray[np.int64], npt.NDArray[np.int64]]:
    """The search kernel's masks (`flip_masks` as int64) and how many of them lie within each
    radius 0..`radius`; made once (a one-video search calls the kernel per query: ~13 µs).
    Shared between calls: never written."""
    masks = flip_masks(width, radius).astype(np.int64)
    counts = np.array([_probes(width, r) for r in range(radius + 1)], dtype=np.int64)
    return masks, counts


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

    Table `part`'s bucket offsets are row `part` of `starts`; its row numbers, sorted by that
    substring, are packed entries `part * n` to `part * n + n` of `packed` (`bits` bits each,
    mih_kernels.py): the rows whose substring equals `key` are entries
    `part * n + starts[part][key]` up to `part * n + starts[part][key + 1]`. All substrings
    have the same width.
    """

    def __init__(
        self,
        words: Words,
        widths: tuple[int, ...],
        starts: npt.NDArray[np.int32],
        packed: npt.NDArray[np.uint64],
    ) -> None:
        if len(set(widths)) != 1:
            raise ValueError(f"substring widths must be equal, got {widths}")
        self.words = words
        self.widths = widths
        self.starts = starts
        self.packed = packed
        self.bits = row_bits(len(words))

    @classmethod
    def build(cls, words: Words, *, threads: int = 1) -> MultiIndex:
        """The tables of `words` ((n, 4) uint64, C-contiguous), built by `threads` threads."""
        if len(words) >= 1 << 31:
            raise ValueError("a PDQ index holds at most 2**31 - 1 hashes")
        from netsafe.matching.mih_kernels import fill_table

        widths = widths_for(len(words))
        bits = row_bits(len(words))
        starts = big_arrays.zeros((len(widths), (1 << widths[0]) + 1), np.int32)
        packed = big_arrays.zeros(packed_words(len(widths) * len(words), bits), np.uint64)

        # a table's first and last words of `packed` may hold its neighbours' bits: threads
        # build every other table at a time, so no two of them write the same word
        def fill(part: int) -> None:
            fill_table(
                words, sum(widths[:part]), widths[part], starts[part], packed,
                part * len(words), bits,
            )  # fmt: skip

        if threads > 1:
            from concurrent.futures import ThreadPoolExecutor

            for parity in (0, 1):  # neighbouring tables never run at the same time
                with ThreadPoolExecutor(threads) as pool:
                    list(pool.map(fill, range(parity, len(widths), 2)))
        else:
            for part in range(len(widths)):
                fill(part)
        return cls(words, widths, starts, packed)

    def __len__(self) -> int:
        return len(self.words)

    def search(self, queries: Words, max_distance: int) -> Found:
        """(query number, row, distance) of every row within `max_distance` of each query."""
        chosen, cost = radii(max_distance, len(self.words), self.widths)
        if cost * 1.5 >= len(self.words):
            return scan(self.words, queries, max_distance)
        width = self.widths[0]
        masks, counts = _probe_masks(width, max(chosen))
        from netsafe.matching.mih_kernels import table_search

        return table_search(
            self.words,
            self.starts,
            self.packed,
            self.bits,
            width,
            np.asarray(chosen, dtype=np.int64),
            masks,
            counts,
            queries,
            max_distance,
        )

    def save(self, folder: Path, prefix: str) -> None:
        np.save(folder / f"{prefix}starts.npy", self.starts)
        np.save(folder / f"{prefix}packed.npy", self.packed)

    @classmethod
    def load(
        cls, words: Words, widths: tuple[int, ...], folder: Path, prefix: str, *, mmap: bool
    ) -> MultiIndex:
        mode: Literal["r"] | None = "r" if mmap else None
        starts = np.load(folder / f"{prefix}starts.npy", mmap_mode=mode)
        packed = np.load(folder / f"{prefix}packed.npy", mmap_mode=mode)
        bits = row_bits(len(words))
        if (
            not widths
            or starts.shape != (len(widths), (1 << widths[0]) + 1)
            or packed.shape != (packed_words(len(widths) * len(words), bits),)
            or starts.dtype != np.int32
            or packed.dtype != np.uint64
        ):
            raise ValueError(f"{folder}: damaged index tables")
        return cls(words, widths, starts, packed)
