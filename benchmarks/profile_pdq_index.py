"""Where a PDQ index query's time goes, on the realistic set (issue #20): per query, the bucket
probes, the non-empty buckets, the candidates gathered and how many are distinct, the matches;
and the search's rate on one thread and on two (queries/s wall and per CPU second). The data
set is generated once and kept in benchmarks/.data (pdq-realistic-<count>.npy, 32 bytes a
hash), so runs at 10M and 30M compare layouts on the same hashes.

    python benchmarks/profile_pdq_index.py 10000000 [queries]
"""

from __future__ import annotations

import os
import sys
import time
from pathlib import Path

import numba
import numpy as np
import numpy.typing as npt

from netsafe.matching.hamming_kernels import distance
from netsafe.matching.mih_kernels import _get, _substring

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
DISTANCE = 31


def cached_realistic(count: int) -> npt.NDArray[np.uint8]:
    """The realistic set's first `count` hashes, in 2 MB pages (as the benchmark holds them)."""
    from netsafe.matching import big_arrays
    from pdq_datasets import realistic

    out = big_arrays.zeros((count, 32), np.uint8)
    for kept in sorted(HERE.glob(".data/pdq-realistic-*.npy")):
        stored = np.load(kept, mmap_mode="r")
        if len(stored) >= count:  # generated in chunks of 1M: a prefix is the smaller set
            out[:] = stored[:count]
            return out
    path = HERE / ".data" / f"pdq-realistic-{count}.npy"
    realistic(count, out=out)
    path.parent.mkdir(parents=True, exist_ok=True)
    np.save(path, out)
    return out


def queries_for(hashes: npt.NDArray[np.uint8], count: int) -> npt.NDArray[np.uint8]:
    """Half near copies of stored hashes (0–31 bits away), half fresh biased hashes."""
    from bench_pdq_index import flip_bits
    from pdq_datasets import biased, bit_bias

    rng = np.random.default_rng(32)
    near = hashes[rng.choice(len(hashes), count // 2, replace=False)].copy()
    flip_bits(near, rng, 0, DISTANCE)
    return np.concatenate([near, biased(rng, count - count // 2, bit_bias())])


def huge_pages_mb() -> float:
    for line in Path("/proc/self/smaps_rollup").read_text().splitlines():
        if line.startswith("AnonHugePages:"):
            return int(line.split()[1]) / 1e3
    return 0.0


@numba.njit(cache=True)
def _stats(words, starts, packed, bits, width, radii, masks, mask_counts, queries, limit):  # type: ignore[no-untyped-def]
    """Per query: probes, non-empty buckets, candidates, distinct candidates, matches."""

    count_rows = words.shape[0] // 4
    table = (1 << width) + 1
    out = np.zeros((queries.shape[0], 5), np.int64)
    for q in range(queries.shape[0]):
        rows = []
        probes = 0
        filled = 0
        for part in range(radii.shape[0]):
            radius = radii[part]
            if radius < 0:
                continue
            key = _substring(queries[q], 0, part * width, width)
            for m in range(mask_counts[radius]):
                at = part * table + (key ^ masks[m])
                first = starts[at]
                size = starts[at + 1] - first
                probes += 1
                filled += size != 0
                for j in range(size):
                    rows.append(_get(packed, part * count_rows + first + j, bits))
        distinct = np.unique(np.array(rows, np.int64))
        matches = 0
        q0, q1, q2, q3 = queries[q, 0], queries[q, 1], queries[q, 2], queries[q, 3]
        for row in distinct:
            matches += distance(words, row, q0, q1, q2, q3) <= limit
        out[q] = (probes, filled, len(rows), len(distinct), matches)
    return out


def stats(index: object, queries: npt.NDArray[np.uint8]) -> npt.NDArray[np.int64]:
    from netsafe.matching.hamming_kernels import flat
    from netsafe.matching.multi_index import _probes, flip_masks, radii

    tables = index._tables  # type: ignore[attr-defined]
    chosen, _cost = radii(DISTANCE, len(tables), tables.widths)
    width = tables.widths[0]
    masks = flip_masks(width, max(chosen)).astype(np.int64)
    counts = np.array([_probes(width, r) for r in range(max(chosen) + 1)], np.int64)
    return _stats(  # type: ignore[no-any-return]
        flat(tables.words), flat(tables.starts), tables.packed, tables.bits, width,
        np.asarray(chosen, np.int64), masks, counts,
        np.ascontiguousarray(queries.view(np.uint64).reshape(-1, 4)), DISTANCE,
    )  # fmt: skip


def main() -> None:
    from netsafe.matching.pdq_index import PdqIndex

    count = int(sys.argv[1])
    nqueries = int(sys.argv[2]) if len(sys.argv) > 2 else 4000
    print(f"{count:,} realistic hashes, {nqueries:,} queries; load {os.getloadavg()}", flush=True)
    started = time.perf_counter()
    hashes = cached_realistic(count)
    queries = queries_for(hashes, nqueries)
    print(f"data {time.perf_counter() - started:.1f} s", flush=True)
    started = time.perf_counter()
    index = PdqIndex(threads=2)
    index.add(np.arange(count, dtype=np.int64), hashes)
    index.threads = 1
    print(
        f"build {time.perf_counter() - started:.1f} s; huge pages {huge_pages_mb():,.0f} MB",
        flush=True,
    )
    half = nqueries // 2
    per = stats(index, np.concatenate([queries[:250], queries[half : half + 250]]))
    names = ("probes", "non-empty buckets", "candidates", "distinct", "matches")
    for part, label in ((slice(0, 250), "near copies"), (slice(250, 500), "fresh")):
        print(f"  per query ({label}): " + ", ".join(
            f"{name} {per[part, i].mean():,.0f}" for i, name in enumerate(names)
        ))  # fmt: skip
    index.search_many(queries[:10], DISTANCE)
    for label, run in variants(index):
        run(queries[:10])
        for _ in range(2):
            started = time.perf_counter()
            cpu = time.process_time()
            run(queries)
            wall = time.perf_counter() - started
            cpu = time.process_time() - cpu
            print(
                f"  {label}: {nqueries / wall:,.0f} queries/s wall, {nqueries / cpu:,.0f} per CPU "
                f"s; load {os.getloadavg()[0]:.1f}",
                flush=True,
            )


def variants(index: object) -> list[tuple[str, object]]:
    """The search as PdqIndex runs it, and the kernel with other prefetch distances."""
    from netsafe.matching.mih_kernels import table_search
    from netsafe.matching.multi_index import _probes, flip_masks, radii

    tables = index._tables  # type: ignore[attr-defined]
    chosen, _cost = radii(DISTANCE, len(tables), tables.widths)
    width = tables.widths[0]
    masks = flip_masks(width, max(chosen)).astype(np.int64)
    counts = np.array([_probes(width, r) for r in range(max(chosen) + 1)], np.int64)

    def kernel(ahead: int):  # type: ignore[no-untyped-def]
        def run(queries: npt.NDArray[np.uint8]) -> object:
            return table_search(
                tables.words, tables.starts, tables.packed, tables.bits, width,
                np.asarray(chosen, np.int64), masks, counts,
                queries.view(np.uint64).reshape(-1, 4), DISTANCE, ahead,
            )  # fmt: skip

        return run

    def threads(count: int):  # type: ignore[no-untyped-def]
        def run(queries: npt.NDArray[np.uint8]) -> object:
            index.threads = count  # type: ignore[attr-defined]
            try:
                return index.search_many(queries, DISTANCE)  # type: ignore[attr-defined]
            finally:
                index.threads = 1  # type: ignore[attr-defined]

        return run

    out: list[tuple[str, object]] = [
        (f"PdqIndex.search_many, {count} thread{'s' * (count > 1)}", threads(count))
        for count in (1, 2)
    ]
    aheads = [int(a) for a in os.environ.get("PROFILE_AHEAD", "16,32,64").split(",") if a]
    out += [(f"kernel, prefetch {ahead} ahead", kernel(ahead)) for ahead in aheads]
    return out


if __name__ == "__main__":
    main()
