"""Compiled (numba) kernels for PDQ range search: multi-index probing and brute-force scans.

Why compiled: a query against 10M hashes probes ~2,800 buckets and verifies ~3,300 candidates,
nearly every one a random read from main memory. In numpy each step is a separate pass with
temporaries; here each query runs as four tight loops (bucket keys, bucket bounds, candidate
rows, verification) whose loads are independent of each other, so the CPU keeps many cache
misses in flight at once. The kernels release the GIL: threads search batches in parallel over
one copy of the (possibly memory-mapped) arrays.

Compiled on first use and cached beside this module (numba `cache=True`).
"""

from __future__ import annotations

import typing as t

import numba
import numpy as np
import numpy.typing as npt
from numba.core import types
from numba.extending import intrinsic

from netsafe.matching.hamming import Found

Words = npt.NDArray[np.uint64]


def _popcount64_typing(typingctx: t.Any, value: t.Any) -> t.Any:
    """numba intrinsic: the number of set bits of a uint64 (LLVM ctpop, one POPCNT)."""
    signature = types.uint64(types.uint64)

    def codegen(context: t.Any, builder: t.Any, sig: t.Any, args: t.Any) -> t.Any:
        return builder.ctpop(args[0])

    return signature, codegen


popcount64 = t.cast(t.Callable[[np.uint64], int], intrinsic(_popcount64_typing))


def _distance_py(words: Words, row: int, q0: int, q1: int, q2: int, q3: int) -> int:
    distance: int = (
        popcount64(words[row, 0] ^ q0)
        + popcount64(words[row, 1] ^ q1)
        + popcount64(words[row, 2] ^ q2)
        + popcount64(words[row, 3] ^ q3)
    )
    return distance


def _table_search(
    words: Words,
    starts: npt.NDArray[np.int32],
    perm: npt.NDArray[np.int32],
    width: int,
    radii: npt.NDArray[np.int64],
    masks: npt.NDArray[np.int64],
    mask_counts: npt.NDArray[np.int64],
    queries: Words,
    max_distance: int,
) -> Found:
    """Multi-index search: for each substring `part` with radius r >= 0, the buckets whose key is
    within r bits of the query's (`masks[:mask_counts[r]]`), then each candidate in full."""
    parts = starts.shape[0]
    key_mask = np.uint64((1 << width) - 1)
    probes = 0
    for part in range(parts):
        if radii[part] >= 0:
            probes += mask_counts[radii[part]]
    keys = np.empty(probes, np.int64)
    key_parts = np.empty(probes, np.int64)
    lows = np.empty(probes, np.int32)
    counts = np.empty(probes, np.int32)
    rows = np.empty(1 << 14, np.int32)
    found_q: list[int] = []
    found_r: list[int] = []
    found_d: list[int] = []
    for q in range(queries.shape[0]):
        # 1. the bucket keys to probe
        p = 0
        for part in range(parts):
            radius = radii[part]
            if radius < 0:
                continue
            start = part * width
            word, shift = start // 64, start % 64
            low = queries[q, word] >> np.uint64(shift)
            if shift + width > 64:
                low = low | (queries[q, word + 1] << np.uint64(64 - shift))
            key = np.int64(low & key_mask)
            for m in range(mask_counts[radius]):
                keys[p] = key ^ masks[m]
                key_parts[p] = part
                p += 1
        # 2. their bounds in the sorted permutation (independent random reads)
        total = 0
        for i in range(probes):
            first = starts[key_parts[i], keys[i]]
            count = starts[key_parts[i], keys[i] + 1] - first
            lows[i] = first
            counts[i] = count
            total += count
        if total > rows.shape[0]:
            rows = np.empty(2 * total, np.int32)
        # 3. the candidate rows
        n = 0
        for i in range(probes):
            part = key_parts[i]
            first = lows[i]
            for j in range(counts[i]):
                rows[n] = perm[part, first + j]
                n += 1
        # 4. verification; a row near in several substrings is kept once
        q0, q1, q2, q3 = queries[q, 0], queries[q, 1], queries[q, 2], queries[q, 3]
        mine = len(found_r)
        for i in range(n):
            row = rows[i]
            distance = _distance(words, row, q0, q1, q2, q3)
            if distance <= max_distance:
                seen = False
                for k in range(mine, len(found_r)):
                    if found_r[k] == row:
                        seen = True
                        break
                if not seen:
                    found_q.append(q)
                    found_r.append(row)
                    found_d.append(distance)
    return (
        np.array(found_q, dtype=np.int64),
        np.array(found_r, dtype=np.int64),
        np.array(found_d, dtype=np.int32),
    )


def _scan(words: Words, queries: Words, max_distance: int) -> Found:
    """Brute force: every query against every row."""
    found_q: list[int] = []
    found_r: list[int] = []
    found_d: list[int] = []
    for q in range(queries.shape[0]):
        q0, q1, q2, q3 = queries[q, 0], queries[q, 1], queries[q, 2], queries[q, 3]
        for row in range(words.shape[0]):
            distance = _distance(words, row, q0, q1, q2, q3)
            if distance <= max_distance:
                found_q.append(q)
                found_r.append(row)
                found_d.append(distance)
    return (
        np.array(found_q, dtype=np.int64),
        np.array(found_r, dtype=np.int64),
        np.array(found_d, dtype=np.int32),
    )


_compile = numba.njit(nogil=True, cache=True)
_distance = _compile(_distance_py)
_table_search_compiled = _compile(_table_search)
_scan_compiled = _compile(_scan)


def table_search(
    words: Words,
    starts: npt.NDArray[np.int32],
    perm: npt.NDArray[np.int32],
    width: int,
    radii: npt.NDArray[np.int64],
    masks: npt.NDArray[np.int64],
    mask_counts: npt.NDArray[np.int64],
    queries: Words,
    max_distance: int,
) -> Found:
    """(query number, row, distance) of every row within `max_distance`: see `_table_search`."""
    return _table_search_compiled(
        np.asarray(words),
        np.asarray(starts),
        np.asarray(perm),
        width,
        radii,
        masks,
        mask_counts,
        np.ascontiguousarray(queries),
        max_distance,
    )


def scan(words: Words, queries: Words, max_distance: int) -> Found:
    """(query number, row, distance) of every row within `max_distance`, by brute force."""
    if not len(words) or not len(queries):
        return np.empty(0, np.int64), np.empty(0, np.int64), np.empty(0, np.int32)
    return _scan_compiled(np.asarray(words), np.ascontiguousarray(queries), max_distance)
