"""Benchmark 3: a 10,000,000-hash PDQ index — build time, peak RSS, queries/s at distance 31,
recall against brute force; FAISS measured on the same data for comparison.

Data (seeded): random 256-bit hashes, of which 10,000 are planted near-duplicates (1–31 bits from
another stored hash). Queries: 10,000 near copies of stored hashes (0–31 bits away) and 10,000
random hashes. NetSafe's PdqIndex (multi-index hashing, a compiled kernel) is built and queried
in this process — one thread, two threads, and two forked processes sharing the index; recall is
checked against a plain numpy brute-force scan on a sample of queries. FAISS
IndexBinaryFlat and IndexBinaryMultiHash (16 × 16 bits, nflip 1: python-threatexchange's
configuration) run in child processes so their memory is measured apart.
Targets: >= 10,000 queries/s, recall 100%, peak RSS < 1.5 GB.

    python benchmarks/bench_pdq_index.py                              # 10M hashes
    NETSAFE_BENCH_PDQ_SCALE=0.1 python benchmarks/bench_pdq_index.py    # quick: 1M
"""

from __future__ import annotations

import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import numpy.typing as npt

SCALE = float(os.environ.get("NETSAFE_BENCH_PDQ_SCALE", "1"))
COUNT = max(100_000, int(10_000_000 * SCALE))
PLANTED = 10_000
QUERIES = 20_000
RECALL_SAMPLE = 400
FAISS_QUERIES = 100
DISTANCE = 31
TARGET_QPS, TARGET_RSS_GB = 10_000, 1.5


def flip_bits(rows: npt.NDArray[np.uint8], rng: np.random.Generator, low: int, high: int) -> None:
    """Flip between `low` and `high` random bits in each row, in place."""
    for row in rows:
        bits = rng.choice(256, int(rng.integers(low, high + 1)), replace=False)
        np.bitwise_xor.at(row, bits // 8, (128 >> (bits % 8)).astype(np.uint8))


def make_data() -> tuple[npt.NDArray[np.uint8], npt.NDArray[np.uint8]]:
    rng = np.random.default_rng(31)
    hashes = rng.integers(0, 256, (COUNT, 32), dtype=np.uint8)
    sources = rng.choice(COUNT - PLANTED, PLANTED, replace=False)
    planted = hashes[sources].copy()
    flip_bits(planted, rng, 1, DISTANCE)
    hashes[COUNT - PLANTED :] = planted
    near = hashes[rng.choice(COUNT, QUERIES // 2, replace=False)].copy()
    flip_bits(near, rng, 0, DISTANCE)
    queries = np.concatenate([near, rng.integers(0, 256, (QUERIES // 2, 32), dtype=np.uint8)])
    return hashes, queries


def peak_rss_gb() -> float:
    """This process's peak resident set (VmHWM) in GB."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1e6
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1e6  # KiB, not Linux


FAISS_CHILD = """
import sys, time
import faiss, numpy as np
kind, data, queries, radius = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])
hashes = np.load(data, mmap_mode="r"); queries = np.load(queries)
started = time.perf_counter()
if kind == "flat":
    index = faiss.IndexBinaryFlat(256)
else:
    index = faiss.IndexBinaryMultiHash(256, 16, 16)
    index.nflip = 1
for start in range(0, len(hashes), 1_000_000):
    index.add(np.ascontiguousarray(hashes[start:start + 1_000_000]))
build = time.perf_counter() - started
started = time.perf_counter()
lims, _d, _i = index.range_search(queries, radius + 1)
seconds = time.perf_counter() - started
peak = [line for line in open("/proc/self/status") if line.startswith("VmHWM")][0].split()[1]
print(f"{build:.1f} {len(queries) / seconds:.1f} {int(peak) / 1e6:.2f}")
"""


def faiss_reference(kind: str, data: Path, queries: Path) -> str:
    result = subprocess.run(
        [sys.executable, "-c", FAISS_CHILD, kind, str(data), str(queries), str(DISTANCE)],
        check=True, capture_output=True, text=True,
    )  # fmt: skip
    build, qps, rss = result.stdout.split()
    return f"build {build} s, {qps} queries/s, peak RSS {rss} GB"


_SHARED: list[object] = []


def _search_part(part: npt.NDArray[np.uint8]) -> int:
    index = _SHARED[0]
    return sum(map(len, index.search_many(part, DISTANCE)))  # type: ignore[attr-defined]


def forked_rate(index: object, queries: npt.NDArray[np.uint8]) -> float:
    """Queries/s with two forked workers that share the index's memory (copy-on-write)."""
    import multiprocessing

    _SHARED[:] = [index]
    context = multiprocessing.get_context("fork")
    with context.Pool(2) as pool:
        started = time.perf_counter()
        pool.map(_search_part, np.array_split(queries, 8))
        seconds = time.perf_counter() - started
    _SHARED.clear()
    return len(queries) / seconds


def main() -> None:
    from netsafe.matching.hamming import hamming
    from netsafe.matching.pdq_index import PdqIndex

    print(
        f"{COUNT:,} hashes ({PLANTED:,} planted near-duplicates), {QUERIES:,} queries "
        f"(half near copies), distance {DISTANCE}; {os.cpu_count()} cores; "
        f"load average {os.getloadavg()[0]:.1f}"
    )
    hashes, queries = make_data()
    with tempfile.TemporaryDirectory(prefix="netsafe-bench-pdq-") as name:
        folder = Path(name)
        np.save(folder / "hashes.npy", hashes)
        np.save(folder / "queries.npy", queries[:FAISS_QUERIES])
        started = time.perf_counter()
        index = PdqIndex()
        index.add(np.arange(COUNT, dtype=np.int64), hashes)  # taken as is: no second copy
        build = time.perf_counter() - started
        del hashes
        print(f"NetSafe PdqIndex: build {build:.1f} s")
        rates: dict[int | str, float] = {}
        index.search_many(queries[:10], DISTANCE)  # compile the kernel (or load it from cache)
        started = time.perf_counter()
        results = index.search_many(queries, DISTANCE)
        rates[1] = len(queries) / (time.perf_counter() - started)
        print(f"  1 process: {rates[1]:,.0f} queries/s")
        index.threads = 2
        started = time.perf_counter()
        index.search_many(queries, DISTANCE)
        rates["2 threads"] = len(queries) / (time.perf_counter() - started)
        index.threads = 1
        print(f"  1 process, 2 threads (no GIL in the kernel): {rates['2 threads']:,.0f} queries/s")
        rates["2 processes"] = forked_rate(index, queries)
        print(f"  2 forked processes sharing the index: {rates['2 processes']:,.0f} queries/s")
        rss = peak_rss_gb()
        found = sum(map(len, results))
        print(f"  peak RSS {rss:.2f} GB (data + index + queries); {found:,} matches found")
        started = time.perf_counter()
        index.save(folder / "index")
        loaded = PdqIndex.load(folder / "index")
        print(f"  save + load (memory-mapped) {time.perf_counter() - started:.1f} s")
        # recall against brute force, on a sample of near-copy and random queries
        rng = np.random.default_rng(7)
        sample = np.concatenate([
            rng.choice(QUERIES // 2, RECALL_SAMPLE // 2, replace=False),
            rng.choice(np.arange(QUERIES // 2, QUERIES), RECALL_SAMPLE // 2, replace=False),
        ])  # fmt: skip
        # the reference is plain numpy XOR + popcount over every stored hash (no shared code)
        words = loaded._words
        truth = set()
        for q, query in zip(sample, queries[sample].view(np.uint64).reshape(-1, 4), strict=True):
            rows = np.flatnonzero(hamming(words, query[None, :]) <= DISTANCE)
            truth.update((int(q), int(r)) for r in rows)
        got = {(int(q), int(entry)) for q in sample for entry, _ in results[q]}
        recall = len(truth & got) / len(truth) if truth else 1.0
        print(
            f"  recall on {RECALL_SAMPLE} sampled queries: {recall:.2%} "
            f"({len(truth)} true matches, {len(got - truth)} false)"
        )
        print(f"FAISS on the same hashes ({FAISS_QUERIES} queries, all cores):")
        for kind in ("flat", "multihash"):
            print(
                f"  IndexBinary{'Flat' if kind == 'flat' else 'MultiHash 16x16'}: "
                f"{faiss_reference(kind, folder / 'hashes.npy', folder / 'queries.npy')}"
            )
    best = max(rates.values())
    print(
        f"target >= {TARGET_QPS:,} queries/s: {'met' if best >= TARGET_QPS else 'MISSED'} "
        f"({best:,.0f})"
    )
    print(f"target recall 100%: {'met' if recall == 1.0 else 'MISSED'} ({recall:.2%})")
    print(
        f"target peak RSS < {TARGET_RSS_GB} GB: {'met' if rss < TARGET_RSS_GB else 'MISSED'} "
        f"({rss:.2f} GB)"
    )


if __name__ == "__main__":
    main()
