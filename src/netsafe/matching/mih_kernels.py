"""Compiled (numba) kernels of the multi-index tables: building them and searching them.

The tables' row numbers are bit-packed: each takes ceil(log2(n)) bits (27 at 100M hashes, 24 at
10M), not 32, so the 11 tables of a 100M index take 3.7 GB, not 4.4 GB. Entry `i` of the
packed array starts at bit `i * bits` of a flat uint64 array (little-endian bit order) and may
straddle two words; the array has one spare word at the end so a read never runs past it.

Why compiled: a query against millions of hashes probes thousands of buckets and verifies
thousands of candidates, nearly every one a random read from main memory. Here each query runs
as four tight loops (bucket keys, bucket bounds, candidate rows, verification) whose loads are
independent of each other and prefetched a few iterations ahead, so the CPU keeps many cache
misses in flight at once. The kernels release the GIL: threads search batches in parallel over
one copy of the (possibly memory-mapped) arrays.
"""

from __future__ import annotations

import numba
import numpy as np
import numpy.typing as npt

from netsafe.matching.hamming import Found
from netsafe.matching.hamming_kernels import PREFETCH, distance, flat, prefetch

Words = npt.NDArray[np.uint64]
Packed = npt.NDArray[np.uint64]
Starts = npt.NDArray[np.int32]

#: Rows ahead whose bucket the table build prefetches (at 3M hashes, loaded machine: 16 rows
#: ahead 1.2-1.3 s a table, 64 ahead 0.7-0.9 s, none 2.4-2.7 s).
AHEAD = 64


def _get_py(packed: Packed, index: int, bits: int) -> int:
    """Packed entry `index` (`bits` bits each)."""
    offset = np.uint64(index) * np.uint64(bits)
    word = offset >> np.uint64(6)
    shift = offset & np.uint64(63)
    value = packed[word] >> shift
    if shift + np.uint64(bits) > np.uint64(64):
        value |= packed[word + np.uint64(1)] << (np.uint64(64) - shift)
    return np.int64(value & ((np.uint64(1) << np.uint64(bits)) - np.uint64(1)))  # type: ignore[return-value]


def _put_py(packed: Packed, index: int, bits: int, value: int) -> None:
    """Store `value` as packed entry `index` (its bits must still be zero)."""
    offset = np.uint64(index) * np.uint64(bits)
    word = offset >> np.uint64(6)
    shift = offset & np.uint64(63)
    item = np.uint64(value)
    packed[word] |= item << shift
    if shift + np.uint64(bits) > np.uint64(64):
        packed[word + np.uint64(1)] |= item >> (np.uint64(64) - shift)


def _substring_py(words: Words, row: int, start: int, width: int) -> int:
    """Bits [start, start + width) of row `row` of flat `words` (4 uint64 a row, LSB first)."""
    word, shift = start // 64, np.uint64(start % 64)
    low = words[4 * row + word] >> shift
    if shift + np.uint64(width) > np.uint64(64):
        low |= words[4 * row + word + 1] << (np.uint64(64) - shift)
    return np.int64(low & ((np.uint64(1) << np.uint64(width)) - np.uint64(1)))  # type: ignore[return-value]


def _fill_table(
    words: Words, start: int, width: int, starts: Starts, packed: Packed, base: int, bits: int
) -> None:
    """One table: `starts` (2**width + 1) gets the bucket offsets of substring [start, +width),
    and packed entries base..base+n the row numbers grouped by that substring, in row order
    within a bucket (a stable argsort, by counting sort: O(n), no per-row temporary).

    Both passes read the rows in order but write at random (a bucket counter, then an entry):
    the key of a row a few rows ahead is computed early and its target prefetched, so many
    cache misses are in flight at once (see AHEAD).
    """
    rows = words.shape[0] // 4
    starts[:] = 0
    for row in range(rows):
        if row + AHEAD < rows:
            prefetch(starts, _substring(words, row + AHEAD, start, width) + 1)
        starts[_substring(words, row, start, width) + 1] += 1
    for key in range(1, starts.shape[0]):
        starts[key] += starts[key - 1]
    cursor = starts[:-1].copy()
    for row in range(rows):
        if row + 2 * AHEAD < rows:
            prefetch(cursor, _substring(words, row + 2 * AHEAD, start, width))
        if row + AHEAD < rows:
            ahead = base + cursor[_substring(words, row + AHEAD, start, width)]
            prefetch(packed, (ahead * bits) >> 6)
        key = _substring(words, row, start, width)
        _put(packed, base + cursor[key], bits, row)
        cursor[key] += 1


def _table_search(
    words: Words,
    starts: Starts,
    packed: Packed,
    bits: int,
    width: int,
    radii: npt.NDArray[np.int64],
    masks: npt.NDArray[np.int64],
    mask_counts: npt.NDArray[np.int64],
    queries: Words,
    max_distance: int,
    ahead: int,
) -> Found:
    """Multi-index search: for each substring `part` with radius r >= 0, the buckets whose key is
    within r bits of the query's (`masks[:mask_counts[r]]`), then each candidate in full.

    `words` and `starts` come flat: 4 uint64 a row; the parts' bucket offsets one table after
    another ((2**width + 1) each). Packed entry `part * n + i` is table `part`'s i-th row.
    Each loop prefetches what it will need `ahead` iterations later.
    """
    parts = radii.shape[0]
    table = (1 << width) + 1
    count_rows = words.shape[0] // 4
    probes = 0
    for part in range(parts):
        if radii[part] >= 0:
            probes += mask_counts[radii[part]]
    keys = np.empty(probes, np.int64)
    entry_base = np.empty(probes, np.int64)
    lows = np.empty(probes, np.int64)
    counts = np.empty(probes, np.int64)
    hit = np.empty(probes, np.int64)
    rows = np.empty(1 << 14, np.int64)
    found_q: list[int] = []
    found_r: list[int] = []
    found_d: list[int] = []
    for q in range(queries.shape[0]):
        # 1. the bucket keys to probe (as positions in `starts`)
        p = 0
        for part in range(parts):
            radius = radii[part]
            if radius < 0:
                continue
            key = _substring(queries[q], 0, part * width, width)
            for m in range(mask_counts[radius]):
                keys[p] = part * table + (key ^ masks[m])
                entry_base[p] = part * count_rows
                p += 1
        # 2. their bounds; the non-empty ones listed without a branch
        total = 0
        filled = 0
        for i in range(probes):
            if i + ahead < probes:
                prefetch(starts, keys[i + ahead])
            first = starts[keys[i]]
            count = starts[keys[i] + 1] - first
            lows[i] = entry_base[i] + first
            counts[i] = count
            total += count
            hit[filled] = i
            filled += count != 0
        if total > rows.shape[0]:
            rows = np.empty(2 * total, np.int64)
        # 3. the candidate rows: each bucket's first, then the rest of the larger buckets
        for k in range(filled):
            if k + ahead < filled:
                prefetch(packed, (lows[hit[k + ahead]] * bits) >> 6)
            rows[k] = _get(packed, lows[hit[k]], bits)
        n = filled
        for k in range(filled):
            i = hit[k]
            for j in range(1, counts[i]):
                rows[n] = _get(packed, lows[i] + j, bits)
                n += 1
        # 4. verification; a row near in several substrings is kept once
        q0, q1, q2, q3 = queries[q, 0], queries[q, 1], queries[q, 2], queries[q, 3]
        mine = len(found_r)
        for i in range(n):
            if i + ahead < n:
                prefetch(words, 4 * rows[i + ahead])
            near = distance(words, rows[i], q0, q1, q2, q3)
            if near <= max_distance:
                seen = False
                for k in range(mine, len(found_r)):
                    if found_r[k] == rows[i]:
                        seen = True
                        break
                if not seen:
                    found_q.append(q)
                    found_r.append(rows[i])
                    found_d.append(near)
    return (
        np.array(found_q, dtype=np.int64),
        np.array(found_r, dtype=np.int64),
        np.array(found_d, dtype=np.int32),
    )


_compile = numba.njit(nogil=True, cache=True)
_get = _compile(_get_py)
_put = _compile(_put_py)
_substring = _compile(_substring_py)
_fill_table_compiled = _compile(_fill_table)
_table_search_compiled = _compile(_table_search)


def fill_table(
    words: Words, start: int, width: int, starts: Starts, packed: Packed, base: int, bits: int
) -> None:
    """Build one table in place: see `_fill_table`. `words` is (n, 4) C-contiguous."""
    if not (starts.flags.c_contiguous and packed.flags.c_contiguous):
        raise ValueError("table arrays must be C-contiguous")
    _fill_table_compiled(flat(words), start, width, starts, packed, base, bits)


def unpack(packed: Packed, first: int, count: int, bits: int) -> npt.NDArray[np.int64]:
    """Packed entries first..first+count as int64 (for tests and reports)."""
    return np.array([_get(packed, first + i, bits) for i in range(count)], np.int64)


def table_search(
    words: Words,
    starts: Starts,
    packed: Packed,
    bits: int,
    width: int,
    radii: npt.NDArray[np.int64],
    masks: npt.NDArray[np.int64],
    mask_counts: npt.NDArray[np.int64],
    queries: Words,
    max_distance: int,
    ahead: int = PREFETCH,
) -> Found:
    """(query number, row, distance) of every row within `max_distance`: see `_table_search`."""
    return _table_search_compiled(
        flat(words),
        flat(starts),
        packed,
        bits,
        width,
        radii,
        masks,
        mask_counts,
        np.ascontiguousarray(queries),
        max_distance,
        ahead,
    )
