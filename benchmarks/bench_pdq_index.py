"""Benchmark 3: the PDQ index at 10,000,000 hashes (a scale variable for more) — build time,
peak RSS, queries/s at distance 31, recall against brute force, on uniform AND realistic data;
FAISS measured on the same data (a slice of at most 10M hashes) for comparison.

Data (seeded): "uniform" — random 256-bit hashes, of which 10,000 are planted near-duplicates
(1–31 bits from another stored hash); queries are 10,000 near copies of stored hashes (0–31 bits
away) and 10,000 random hashes. "realistic" — pdq_datasets.py: biased bits measured from PDQ
hashes of photo-like images, families of near-duplicates (1–40 bits), video-like runs; queries
are 10,000 near copies and 10,000 fresh hashes with the same bias. Each data set runs in its
own process (its peak RSS is its own): NetSafe's PdqIndex (multi-index hashing, a compiled
kernel) is built and queried with one thread, two threads, and two forked processes sharing
the index; recall is checked against a plain numpy brute-force scan on a sample of queries; the
bucket-size distribution of each substring table is printed. FAISS IndexBinaryFlat and
IndexBinaryMultiHash (16 × 16 bits, nflip 1: python-threatexchange's configuration) run in
child processes so their memory is measured apart.
Targets at 10M: >= 10,000 queries/s, recall 100%, peak RSS < 1.5 GB; beyond 10M (issue #20):
>= 5,000 queries/s, peak RSS <= 8 GB.

    python benchmarks/bench_pdq_index.py                              # 10M hashes
    NETSAFE_BENCH_PDQ_SCALE=0.1 python benchmarks/bench_pdq_index.py    # quick: 1M
    NETSAFE_BENCH_PDQ_SCALE=10 python benchmarks/bench_pdq_index.py     # 100M
    NETSAFE_BENCH_PDQ_DATA=realistic   # one data set (default: uniform,realistic)
    NETSAFE_BENCH_PDQ_FAISS=0          # skip FAISS
"""

from __future__ import annotations

import importlib.util
import json
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
#: Beyond 10M a query costs ~10x more (every bucket ~10x fuller): fewer queries, and a smaller
#: brute-force sample (each sampled query is a numpy pass over every stored hash).
QUERIES = 20_000 if COUNT <= 10_000_000 else 4_000
RECALL_SAMPLE = 400 if COUNT <= 10_000_000 else 100
#: Hashes added to the built index (kept in its delta, not rebuilt) before saving it again.
ADDED = max(10_000, COUNT // 100)
FAISS_QUERIES = 100
DISTANCE = 31
TARGET_QPS, TARGET_RSS_GB = (10_000, 1.5) if COUNT <= 10_000_000 else (5_000, 8.0)
KINDS = [
    k.strip() for k in os.environ.get("NETSAFE_BENCH_PDQ_DATA", "uniform,realistic").split(",")
]
FAISS = os.environ.get("NETSAFE_BENCH_PDQ_FAISS", "1") != "0"
FAISS_SLICE = min(COUNT, 10_000_000)


def flip_bits(rows: npt.NDArray[np.uint8], rng: np.random.Generator, low: int, high: int) -> None:
    """Flip between `low` and `high` random bits in each row, in place."""
    for row in rows:
        bits = rng.choice(256, int(rng.integers(low, high + 1)), replace=False)
        np.bitwise_xor.at(row, bits // 8, (128 >> (bits % 8)).astype(np.uint8))


def make_data() -> tuple[npt.NDArray[np.uint8], npt.NDArray[np.uint8]]:
    from netsafe.matching import big_arrays

    rng = np.random.default_rng(31)
    hashes = big_arrays.zeros((COUNT, 32), np.uint8)  # huge pages: the index takes it as is
    for start in range(0, COUNT, 1_000_000):
        stop = min(COUNT, start + 1_000_000)
        hashes[start:stop] = rng.integers(0, 256, (stop - start, 32), dtype=np.uint8)
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


def faiss_reference(kind: str, data: Path, queries: Path) -> tuple[float, float, float]:
    result = subprocess.run(
        [sys.executable, "-c", FAISS_CHILD, kind, str(data), str(queries), str(DISTANCE)],
        check=True, capture_output=True, text=True,
    )  # fmt: skip
    build, qps, rss = result.stdout.split()
    return float(build), float(qps), float(rss)


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


def realistic_data() -> tuple[npt.NDArray[np.uint8], npt.NDArray[np.uint8]]:
    """pdq_datasets.realistic: families, video-like runs, biased bits. Queries: half near copies
    of stored hashes (0–31 bits away), half fresh hashes with the same per-bit bias."""
    from netsafe.matching import big_arrays
    from pdq_datasets import biased, bit_bias, realistic

    rng = np.random.default_rng(32)
    hashes = realistic(COUNT, out=big_arrays.zeros((COUNT, 32), np.uint8))
    near = hashes[rng.choice(COUNT, QUERIES // 2, replace=False)].copy()
    flip_bits(near, rng, 0, DISTANCE)
    return hashes, np.concatenate([near, biased(rng, QUERIES // 2, bit_bias())])


def bucket_report(index: object) -> list[str]:
    """One line per substring table: largest bucket, p99 and mean of the occupied buckets, and
    the mean size of the bucket a stored hash sits in."""
    from pdq_datasets import bucket_sizes

    tables = index._tables  # type: ignore[attr-defined]
    lines = [f"  bucket sizes, {len(tables.widths)} tables of {tables.widths[0]} bits:"]
    for part in range(len(tables.widths)):
        s = bucket_sizes(tables.starts[part])
        lines.append(
            f"    table {part:2}: max {s['max']:>8,} p99 {s['p99']:>6.0f} mean {s['mean']:6.2f} "
            f"per-hash {s['per_hash']:9.1f} occupied {s['occupied']:.0%}"
        )
    return lines


def measure(kind: str, folder: Path) -> dict[str, float]:
    """Build and query the index on one data set (in its own process, so its peak RSS is its
    own); the FAISS slice of the hashes and the FAISS queries are left in `folder`."""
    from netsafe.matching.pdq_index import PdqIndex

    started = time.perf_counter()
    hashes, queries = realistic_data() if kind == "realistic" else make_data()
    print(f"[{kind}] data generated in {time.perf_counter() - started:.1f} s", flush=True)
    np.save(folder / f"{kind}-hashes.npy", hashes[:FAISS_SLICE])
    np.save(folder / f"{kind}-queries.npy", queries[:FAISS_QUERIES])
    np.save(folder / "queries.npy", queries)
    started = time.perf_counter()
    index = PdqIndex(threads=2)  # the tables are built on two threads
    index.add(np.arange(COUNT, dtype=np.int64), hashes)  # taken as is: no second copy
    index.threads = 1
    build = time.perf_counter() - started
    del hashes
    print(f"[{kind}] NetSafe PdqIndex: build {build:.1f} s", flush=True)
    for line in bucket_report(index):
        print(line)
    rates: dict[str, float] = {}
    index.search_many(queries[:10], DISTANCE)  # compile the kernel (or load it from cache)
    started, cpu = time.perf_counter(), time.process_time()
    results = index.search_many(queries, DISTANCE)
    rates["1 thread"] = len(queries) / (time.perf_counter() - started)
    per_cpu = len(queries) / (time.process_time() - cpu)
    print(
        f"  1 thread: {per_cpu:,.0f} queries per CPU second (wall clock follows the machine's "
        f"load: {os.getloadavg()[0]:.1f})",
        flush=True,
    )
    index.threads = 2
    started = time.perf_counter()
    index.search_many(queries, DISTANCE)
    rates["2 threads"] = len(queries) / (time.perf_counter() - started)
    index.threads = 1
    rates["2 processes"] = forked_rate(index, queries)
    print(
        f"  queries/s: 1 thread {rates['1 thread']:,.0f}; 2 threads (no GIL in the kernel) "
        f"{rates['2 threads']:,.0f}; 2 forked processes sharing the index "
        f"{rates['2 processes']:,.0f}"
    )
    rss = peak_rss_gb()
    found = sum(map(len, results))
    print(f"  peak RSS {rss:.2f} GB (data + index + queries); {found:,} matches found")
    started = time.perf_counter()
    index.save(folder / "index")
    saved = time.perf_counter() - started
    del index  # from here on the saved index, memory-mapped (as server workers load it)
    started = time.perf_counter()
    loaded = PdqIndex.load(folder / "index")
    load = time.perf_counter() - started
    print(f"  save {saved:.1f} s, load (memory-mapped) {load:.2f} s", flush=True)
    started = time.perf_counter()
    loaded.search_many(queries[: len(queries) // 4], DISTANCE)
    cold = len(queries) // 4 / (time.perf_counter() - started)
    print(
        f"  first {len(queries) // 4:,} queries on it (cold: pages mapped on touch) {cold:,.0f}/s"
    )
    started = time.perf_counter()
    loaded.search_many(queries, DISTANCE)
    rates["memory-mapped"] = len(queries) / (time.perf_counter() - started)
    print(
        f"  queries/s, loaded index (memory-mapped, pages mapped by the queries), 1 thread: "
        f"{rates['memory-mapped']:,.0f}"
    )
    del loaded  # one mapping of the saved index at a time (RSS counts each mapping's pages)
    loaded = PdqIndex.load(folder / "index")  # new mappings: their pages not yet mapped
    started = time.perf_counter()
    mapped = loaded.warm()
    warmed = time.perf_counter() - started
    started = time.perf_counter()
    loaded.search_many(queries[: len(queries) // 4], DISTANCE)
    rate = len(queries) // 4 / (time.perf_counter() - started)
    print(
        f"  loaded again and warmed ({mapped / 1e9:.2f} GB mapped in {warmed:.2f} s): first "
        f"{len(queries) // 4:,} queries {rate:,.0f}/s",
        flush=True,
    )
    recall, truth_count, false_count = recall_check(loaded._words, queries, results)
    print(
        f"  recall on {RECALL_SAMPLE} sampled queries: {recall:.2%} "
        f"({truth_count} true matches, {false_count} false)", flush=True,
    )  # fmt: skip
    incremental(loaded, folder, queries, kind)
    del loaded
    for workers in (2, 4):
        print(
            f"  {workers} worker processes, each loading the saved index: {shared(folder, workers)}"
        )
    print(
        f"  peak RSS at the end {peak_rss_gb():.2f} GB (it counts the saved index's page-cache "
        f"pages once for each mapping of them: two warmed loads of one 100M index read ~15 GB)"
    )
    # the target's figure: the index built in memory, with the data and queries
    return {"build": build, "qps": max(rates.values()), "rss": rss, "recall": recall}


def recall_check(
    words: npt.NDArray[np.uint64],
    queries: npt.NDArray[np.uint8],
    results: list[list[tuple[int, int]]],
) -> tuple[float, int, int]:
    """Recall of `results` against plain numpy XOR + popcount over every stored hash (no code
    shared with the index), on a sample of near-copy and fresh queries; rows in chunks of 1M
    so the reference adds little memory."""
    from netsafe.matching.hamming import hamming

    rng = np.random.default_rng(7)
    sample = np.concatenate([
        rng.choice(QUERIES // 2, RECALL_SAMPLE // 2, replace=False),
        rng.choice(np.arange(QUERIES // 2, QUERIES), RECALL_SAMPLE // 2, replace=False),
    ])  # fmt: skip
    query_words = queries[sample].view(np.uint64).reshape(-1, 4)
    truth: set[tuple[int, int]] = set()
    for start in range(0, len(words), 1_000_000):
        chunk = np.asarray(words[start : start + 1_000_000])
        for q, query in zip(sample, query_words, strict=True):
            rows = np.flatnonzero(hamming(chunk, query[None, :]) <= DISTANCE)
            truth.update((int(q), start + int(r)) for r in rows)
    got = {(int(q), int(entry)) for q in sample for entry, _ in results[q]}
    recall = len(truth & got) / len(truth) if truth else 1.0
    return recall, len(truth), len(got - truth)


def incremental(index: object, folder: Path, queries: npt.NDArray[np.uint8], kind: str) -> None:
    """Add ADDED hashes to the loaded index (they stay in its delta: no rebuild), query, save
    (the static part hard-linked, the delta written) and load again."""
    from netsafe.matching.pdq_index import PdqIndex
    from pdq_datasets import realistic, uniform

    assert isinstance(index, PdqIndex)
    extra = realistic(ADDED, seed=21) if kind == "realistic" else uniform(ADDED, seed=33)
    started = time.perf_counter()
    index.add(np.arange(COUNT, COUNT + ADDED, dtype=np.int64), extra)
    added = time.perf_counter() - started
    started = time.perf_counter()
    index.search_many(queries, DISTANCE)  # the delta's own tables are built on this first search
    first = time.perf_counter() - started
    started = time.perf_counter()
    index.search_many(queries, DISTANCE)
    rate = len(queries) / (time.perf_counter() - started)
    started = time.perf_counter()
    index.save(folder / "index-2")
    saved = time.perf_counter() - started
    started = time.perf_counter()
    again = PdqIndex.load(folder / "index-2")
    load = time.perf_counter() - started
    assert len(again) == COUNT + ADDED
    print(
        f"  add {ADDED:,} hashes to the loaded index (kept as a delta, no rebuild): {added:.1f} s; "
        f"first search with them {first:.1f} s (a delta of 20,000+ gets its tables then), "
        f"{rate:,.0f} queries/s; save {saved:.1f} s (static part linked), load {load:.2f} s"
    )


WORKER = """
import sys, time
import numpy as np
from netsafe.matching.pdq_index import PdqIndex
index = PdqIndex.load(sys.argv[1])
index.warm()  # as the lookup API's workers do
queries = np.load(sys.argv[2])
index.search_many(queries, int(sys.argv[3]))
print("ready", flush=True)
sys.stdin.readline()
"""


def shared(folder: Path, workers: int) -> str:
    """Start `workers` processes (spawned, not forked: nothing inherited) that each load the
    saved index memory-mapped, warm it (as the lookup API does) and search every query; then
    their resident sets (RSS) and proportional shares (PSS: a page shared by k processes counts
    1/k in each), from /proc/<pid>/smaps_rollup."""
    queries = folder / "worker-queries.npy"
    np.save(queries, np.load(folder / "queries.npy"))
    children = [
        subprocess.Popen(
            [sys.executable, "-c", WORKER, str(folder / "index"), str(queries), str(DISTANCE)],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
        )
        for _ in range(workers)
    ]
    rss, pss = [], []
    for child in children:
        assert child.stdout is not None
        assert child.stdout.readline().strip() == "ready"
    for child in children:
        fields = dict(
            line.split(":", 1)
            for line in Path(f"/proc/{child.pid}/smaps_rollup").read_text().splitlines()[1:]
        )
        rss.append(int(fields["Rss"].split()[0]) / 1e6)
        pss.append(int(fields["Pss"].split()[0]) / 1e6)
    for child in children:
        child.communicate("\n")
    return (
        f"RSS {', '.join(f'{r:.2f}' for r in rss)} GB, PSS {', '.join(f'{p:.2f}' for p in pss)} GB "
        f"(sum of PSS {sum(pss):.2f} GB: the memory the {workers} take together)"
    )


def main() -> None:
    print(
        f"{COUNT:,} hashes, {QUERIES:,} queries (half near copies), distance {DISTANCE}; "
        f"data sets {', '.join(KINDS)}; {os.cpu_count()} cores; "
        f"load average {os.getloadavg()[0]:.1f} (loaded: shared machine)",
        flush=True,
    )
    figures: dict[str, dict[str, float]] = {}
    with tempfile.TemporaryDirectory(prefix="netsafe-bench-pdq-") as name:
        folder = Path(name)
        for kind in KINDS:
            # each data set in its own process: its peak RSS is its own
            result = subprocess.run(
                [sys.executable, __file__, "--one", kind, str(folder)],
                check=True, stdout=subprocess.PIPE, text=True,
            )  # fmt: skip
            *lines, last = result.stdout.rstrip("\n").split("\n")
            print("\n".join(lines), flush=True)
            figures[kind] = json.loads(last)
        faiss: dict[str, float] = {}
        if FAISS and importlib.util.find_spec("faiss") is not None:
            print(
                f"FAISS on the first {FAISS_SLICE:,} hashes ({FAISS_QUERIES} queries, all cores):"
            )
            for kind in KINDS:
                for variant in ("flat", "multihash"):
                    build, qps, rss = faiss_reference(
                        variant, folder / f"{kind}-hashes.npy", folder / f"{kind}-queries.npy"
                    )
                    label = "Flat" if variant == "flat" else "MultiHash 16x16"
                    print(
                        f"  [{kind}] IndexBinary{label}: build {build:.1f} s, {qps:,.1f} "
                        f"queries/s, peak RSS {rss:.2f} GB"
                    )
                    faiss[f"{kind} {variant}"] = qps
    print(f"summary ({COUNT:,} hashes, load average now {os.getloadavg()[0]:.1f}):")
    for kind, got in figures.items():
        ratio = ""
        if f"{kind} multihash" in faiss:
            ratio = f", {got['qps'] / faiss[f'{kind} multihash']:,.0f}x FAISS MultiHash"
            if FAISS_SLICE < COUNT:
                ratio += f" (FAISS on a {FAISS_SLICE:,} slice)"
        print(
            f"  {kind:9}: build {got['build']:.1f} s, {got['qps']:,.0f} queries/s{ratio}, "
            f"recall {got['recall']:.2%}, peak RSS {got['rss']:.2f} GB"
        )
    if "uniform" in figures and "realistic" in figures:
        print(
            f"  realistic / uniform queries/s: "
            f"{figures['realistic']['qps'] / figures['uniform']['qps']:.2f}"
        )
    for kind, got in figures.items():
        best, recall, rss = got["qps"], got["recall"], got["rss"]
        print(
            f"  [{kind}] target >= {TARGET_QPS:,} queries/s: "
            f"{'met' if best >= TARGET_QPS else 'MISSED'} ({best:,.0f}); recall 100%: "
            f"{'met' if recall == 1.0 else 'MISSED'}; peak RSS < {TARGET_RSS_GB} GB: "
            f"{'met' if rss < TARGET_RSS_GB else 'MISSED'} ({rss:.2f} GB)"
        )


if __name__ == "__main__":
    if sys.argv[1:2] == ["--one"]:
        print(json.dumps(measure(sys.argv[2], Path(sys.argv[3]))))
    else:
        main()
