"""The cost of a random read on this machine, and what it bounds the PDQ index to at 100M (#20).

Two parts, both printed with the load average:

1. `reads`: one random 32-byte read (a row of 4 uint64 compared with a query, as the index's
   verification loop does) from an array of S GB in 2 MB pages (`big_arrays.zeros`, madvise as
   the index's arrays), with independent reads in flight (a numba loop prefetching 16 reads
   ahead, like the kernel), on one core, then on both cores at once (two threads, one array);
   and the latency of one read when each depends on the last (pointer chasing), for comparison.
2. `model`: for every layout of m tables of w bits whose tables fit the 8 GB bound beside the
   hashes and ids at N hashes, the radius allocation (sum(r_i + 1) >= 32, a table may be left
   out) with the fewest random reads per query, counted from the realistic set's bucket sizes
   for sampled queries (half near copies, half fresh, as profile_pdq_index.py): bucket-offset
   probes + non-empty buckets (a row number read) + candidates (a 32-byte row read). With
   part 1's costs that gives a ceiling on queries/s on two cores (reads only: no arithmetic,
   no Python, each array's reads costed as if alone, so the real index can only be slower).

    python benchmarks/measure_random_reads.py reads [SIZES_GB=0.35,1,3.2,7.7]
    python benchmarks/measure_random_reads.py model N ONE_CORE_NS TWO_CORES_NS

`model` reads the realistic set through profile_pdq_index.cached_realistic (benchmarks/.data);
ONE_CORE_NS and TWO_CORES_NS are "size_gb:ns,..." (a core's ns a read by array size, from
`reads`, one core reading, and both): the first checks the model against profile_pdq_index.py
(one thread), the second gives the ceiling on two cores.
"""

from __future__ import annotations

import math
import os
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import numba
import numpy as np
import numpy.typing as npt

from netsafe.matching import big_arrays
from netsafe.matching.hamming_kernels import distance, flat, prefetch
from netsafe.matching.mih_kernels import _substring

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
READS = 4_000_000
AHEAD = 16
ROUNDS = 5
TOP = 15  # layouts printed
DISTANCE = 31
ROW_BITS = 27  # a row number at 100M hashes, packed (mih_kernels.py)
#: The index beside its tables: hashes (32 B) + uint32 ids, and the 0.24 GB the 100M run's
#: peak RSS measured above the index (7.92 GB peak, 7.68 GB index).
FIXED_BYTES_PER_HASH = 36
PEAK_OVERHEAD = 0.24e9
BOUND = 8e9


@numba.njit(nogil=True, cache=True)
def _fill(words):  # type: ignore[no-untyped-def]
    state = np.uint64(0x9E3779B97F4A7C15)
    for i in range(words.shape[0]):  # splitmix64
        state += np.uint64(0x9E3779B97F4A7C15)
        z = state
        z = (z ^ (z >> np.uint64(30))) * np.uint64(0xBF58476D1CE4E5B9)
        z = (z ^ (z >> np.uint64(27))) * np.uint64(0x94D049BB133111EB)
        words[i] = z ^ (z >> np.uint64(31))


@numba.njit(nogil=True, cache=True)
def _independent(words, rows, ahead):  # type: ignore[no-untyped-def]
    """Rows read in the given order, each compared with a query; prefetched `ahead` early."""
    near = 0
    n = rows.shape[0]
    for i in range(n):
        if i + ahead < n:
            prefetch(words, 4 * rows[i + ahead])
        near += distance(words, rows[i], 1, 2, 3, 4) <= DISTANCE
    return near


@numba.njit(nogil=True, cache=True)
def _dependent(words, count, row):  # type: ignore[no-untyped-def]
    """Each row number taken from the row read before (no two reads in flight), mixed with
    the step number so that the chase never falls into a short cycle."""
    rows = np.uint64(words.shape[0] // 4)
    at = np.uint64(row)
    for step in range(count):
        at = (words[np.int64(at) * 4] ^ (np.uint64(step) * np.uint64(0x9E3779B97F4A7C15))) % rows
    return np.int64(at)


def _rate(words: npt.NDArray[np.uint64], threads: int, ahead: int = AHEAD) -> float:
    """ns per read per core, `threads` cores reading at once, prefetching `ahead` reads early."""
    rng = np.random.default_rng(threads)
    streams = [rng.integers(0, len(words) // 4, READS) for _ in range(threads)]
    _independent(words, streams[0][:1000], ahead)
    started = time.perf_counter()
    with ThreadPoolExecutor(threads) as pool:
        list(pool.map(lambda rows: _independent(words, rows, ahead), streams))
    return (time.perf_counter() - started) * 1e9 / READS


def reads(sizes: list[float]) -> None:
    print(f"random 32-byte reads, {READS:,} a core, prefetch {AHEAD} ahead; load {load()}")
    for size in sizes:
        words = big_arrays.zeros(int(size * 1e9) // 32 * 4, np.uint64)
        _fill(words)
        huge = huge_pages_gb()
        one = sorted(_rate(words, 1) for _ in range(ROUNDS))
        two = sorted(_rate(words, 2) for _ in range(ROUNDS))
        others = {a: min(_rate(words, 1, a) for _ in range(2)) for a in (0, 8, 32, 64)}
        _dependent(words, 1000, 0)
        started = time.perf_counter()
        _dependent(words, 1_000_000, 0)
        chased = (time.perf_counter() - started) * 1e3
        print(
            f"  {size:g} GB ({huge:.2f} GB in 2 MB pages): 1 core {_spread(one)} ns a read; "
            f"2 cores {_spread(two)} ns a read a core ({2e3 / two[0]:.0f}M reads/s together at "
            f"best); one at a time (dependent) {chased:.0f} ns; 1 core prefetching "
            + ", ".join(f"{a} ahead {ns:.1f}" for a, ns in others.items())
            + f" ns; load {load()}",
            flush=True,
        )
        del words


def _spread(values: list[float]) -> str:
    """Best / median / worst of sorted rounds."""
    return f"{values[0]:.1f} / {values[len(values) // 2]:.1f} / {values[-1]:.1f}"


@numba.njit(nogil=True, cache=True)
def _histogram(words, start, width):  # type: ignore[no-untyped-def]
    counts = np.zeros(1 << width, np.int32)
    for row in range(words.shape[0] // 4):
        counts[_substring(words, row, start, width)] += 1
    return counts


@numba.njit(nogil=True, cache=True)
def _probe_counts(counts, queries, start, width, masks, levels):  # type: ignore[no-untyped-def]
    """Per query and radius r (masks[:levels[r]]): non-empty buckets and candidates."""
    out = np.zeros((queries.shape[0], levels.shape[0], 2), np.int64)
    for q in range(queries.shape[0]):
        key = _substring(queries[q], 0, start, width)
        filled = 0
        found = 0
        m = 0
        for r in range(levels.shape[0]):
            while m < levels[r]:
                size = counts[key ^ masks[m]]
                filled += size != 0
                found += size
                m += 1
            out[q, r, 0] = filled
            out[q, r, 1] = found
    return out


def table_bytes(count: int, tables: int, width: int) -> float:
    """Bucket offsets (int32, 2**w + 1 a table) and packed row numbers of `tables` tables."""
    return tables * ((1 << width) + 1) * 4 + tables * count * ROW_BITS / 8


def layouts(count: int) -> list[tuple[int, int]]:
    """(tables, width) whose index fits the bound beside hashes, ids and the measured overhead,
    with enough radius to reach distance 31 without a table probing over 40,000 keys."""
    found = []
    for width in range(19, 28):
        for tables in range(1, 256 // width + 1):
            index = count * FIXED_BYTES_PER_HASH + table_bytes(count, tables, width)
            if index + PEAK_OVERHEAD <= BOUND and tables * (max_radius(width) + 1) >= DISTANCE + 1:
                found.append((tables, width))
    return found


def probes(width: int, radius: int) -> int:
    return sum(math.comb(width, k) for k in range(radius + 1))


def max_radius(width: int) -> int:
    radius = 0
    while probes(width, radius + 1) <= 40_000:
        radius += 1
    return radius


def best_allocation(costs: npt.NDArray[np.float64]) -> tuple[float, list[int]]:
    """Fewest total cost over tables (costs[t, r + 1] for radius r, r = -1: left out) with
    sum(r_t + 1) >= DISTANCE + 1: a knapsack over the tables."""
    need = DISTANCE + 1
    best: dict[int, tuple[float, list[int]]] = {0: (0.0, [])}
    for table in costs:
        step: dict[int, tuple[float, list[int]]] = {}
        for have, (cost, chosen) in best.items():
            for level, extra in enumerate(table):  # level = radius + 1
                got = min(need, have + level)
                total = cost + extra
                if got not in step or total < step[got][0]:
                    step[got] = (total, [*chosen, level - 1])
        best = step
    return best.get(need, (math.inf, []))


def model(count: int, one_core: dict[float, float], two_cores: dict[float, float]) -> None:
    from profile_pdq_index import cached_realistic, queries_for

    hashes = cached_realistic(count)
    queries = queries_for(hashes, 400)
    words = flat(hashes.view(np.uint64))
    qwords = np.ascontiguousarray(queries.view(np.uint64).reshape(-1, 4))
    print(f"{count:,} realistic hashes, 400 queries (half near copies); load {load()}")
    # per width and table: mean (probes, non-empty buckets, candidates) at radius -1..max
    counted: dict[tuple[int, int], npt.NDArray[np.float64]] = {}
    found = layouts(count)
    for width in sorted({w for _, w in found}):
        radius = max_radius(width)
        masks = np.array([m for r in range(radius + 1) for m in _masks(width, r)], np.int64)
        levels = np.array([probes(width, r) for r in range(radius + 1)], np.int64)
        for part in range(max(t for t, w in found if w == width)):
            histogram = _histogram(words, part * width, width)
            got = _probe_counts(histogram, qwords, part * width, width, masks, levels)
            table = np.zeros((radius + 2, 3))
            table[1:, 0] = levels
            table[1:, 1:] = got.mean(axis=0)
            counted[width, part] = table
    results = []
    for tables, width in found:
        offsets = tables * ((1 << width) + 1) * 4
        arrays = (offsets, count * tables * ROW_BITS / 8, count * 32)
        per_read = [
            np.array([_ns(costs, size) for size in arrays]) for costs in (one_core, two_cores)
        ]
        parts = [counted[width, part] for part in range(tables)]
        fewest, _ = best_allocation(np.array([p.sum(axis=1) for p in parts]))
        spent, radii = best_allocation(np.array([p @ per_read[1] for p in parts]))
        kinds = sum(p[r + 1] for p, r in zip(parts, radii, strict=True))
        alone = sum(float(p[r + 1] @ per_read[0]) for p, r in zip(parts, radii, strict=True))
        size = (count * FIXED_BYTES_PER_HASH + table_bytes(count, tables, width)) / 1e9
        results.append((spent, (
            f"  {tables:2d} x {width} bits ({size:.2f} GB): fewest reads {fewest:,.0f}; "
            f"cheapest radii {radii}: {kinds[0]:,.0f} probes + {kinds[1]:,.0f} row-number reads + "
            f"{kinds[2]:,.0f} candidates; reads alone {alone / 1e3:,.0f} us a query on one core "
            f"({1e9 / alone:,.0f} per CPU s), {spent / 1e3:,.0f} us with both cores busy "
            f"-> ceiling {2e9 / spent:,.0f} queries/s on 2 cores"
        )))  # fmt: skip
    print(f"layouts within {BOUND / 1e9:.0f} GB at {count:,} hashes, cheapest first; load {load()}")
    for _, line in sorted(results)[:TOP]:
        print(line)


def _ns(costs: dict[float, float], size: float) -> float:
    """ns a read from an array of `size` bytes: the nearest measured size at or below it."""
    fits = [s for s in costs if s <= size / 1e9] or [min(costs)]
    return costs[max(fits)]


def _masks(width: int, radius: int) -> list[int]:
    from itertools import combinations

    return [sum(1 << b for b in bits) for bits in combinations(range(width), radius)]


def huge_pages_gb() -> float:
    for line in Path("/proc/self/smaps_rollup").read_text().splitlines():
        if line.startswith("AnonHugePages:"):
            return int(line.split()[1]) / 1e6
    return 0.0


def load() -> str:
    return f"{os.getloadavg()[0]:.1f}"


def _costs(arg: str) -> dict[float, float]:
    """ "size_gb:ns,..." as a dict."""
    return {float(k): float(v) for k, v in (p.split(":") for p in arg.split(","))}


def main() -> None:
    what = sys.argv[1] if len(sys.argv) > 1 else "reads"
    if what == "reads":
        arg = sys.argv[2] if len(sys.argv) > 2 else "0.35,1,3.2,7.7"
        reads([float(s) for s in arg.split(",")])
    elif what == "model":
        count = int(sys.argv[2]) if len(sys.argv) > 2 else 100_000_000
        one, two = (_costs(sys.argv[i]) for i in (3, 4))
        model(count, one, two)
    else:
        raise SystemExit(f"unknown part {what!r}: reads or model")


if __name__ == "__main__":
    main()
