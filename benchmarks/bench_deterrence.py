"""Benchmark: the deterrence check against a large operator pattern file, and the anonymous
daily counters under one-transaction-per-request load.

Targets (prevention issue, set here): >= 20,000 checks/s on one core with 20,000 terms, 1,000 URL
globs and 10,000 hashes; >= 500 counter increments/s on SQLite, each in its own transaction (as
each public request is). References measured in the same run: a straightforward scan of every
term and glob per check (what a first implementation does), and a bare sqlite3 upsert per
transaction without SQLAlchemy.

    python benchmarks/bench_deterrence.py                                    # full size
    NETSAFE_BENCH_DETERRENCE_SCALE=0.1 python benchmarks/bench_deterrence.py  # quick

All terms are neutral generated placeholders ("zebra-test-term-…"): no real term list exists here.
"""

from __future__ import annotations

import fnmatch
import os
import random
import sqlite3
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))

from netsafe.prevention.counters import FunnelStep
from netsafe.prevention.deterrence import (
    DeterrencePatterns,
    DeterrenceRequest,
    matches,
    normalise_url,
    normalise_words,
)
from netsafe.store.engine import make_engine, make_session_factory, unit_of_work
from netsafe.store.migrate import upgrade
from netsafe.store.repositories.prevention import SqlCounterRepository

SCALE = float(os.environ.get("NETSAFE_BENCH_DETERRENCE_SCALE", "1"))
TERMS = int(20_000 * SCALE)
GLOBS = int(1_000 * SCALE)
HASHES = int(10_000 * SCALE)
CHECKS = int(20_000 * SCALE)
INCREMENTS = int(3_000 * SCALE)
TARGET_CHECKS = 20_000
TARGET_INCREMENTS = 500
ANIMALS = ["zebra", "okapi", "tapir", "quokka", "axolotl", "ibis", "kudu", "gecko"]


def placeholder(rng: random.Random) -> str:
    return f"{rng.choice(ANIMALS)}-test-term-{rng.randrange(10**6)}"


def build_patterns(rng: random.Random) -> tuple[list[str], list[str], list[str]]:
    terms = [placeholder(rng) for _ in range(TERMS)]
    globs = [f"*.example{rng.randrange(10**5)}.test/{rng.choice(ANIMALS)}-*" for _ in range(GLOBS)]
    hashes = [f"{rng.getrandbits(128):032x}" for _ in range(HASHES)]
    return terms, globs, hashes


def build_requests(
    rng: random.Random, terms: list[str], globs: list[str]
) -> list[DeterrenceRequest]:
    requests = []
    for i in range(CHECKS):
        words = [rng.choice(ANIMALS) for _ in range(rng.randint(2, 8))]
        if i % 10 == 0:  # one query in ten meets a term
            words.insert(rng.randrange(len(words) + 1), rng.choice(terms))
        url = f"https://www.example{rng.randrange(10**5)}.test/page-{i}"
        if i % 20 == 5:  # one URL in twenty meets a glob
            url = "https://www." + rng.choice(globs).removeprefix("*.").replace("*", f"page-{i}")
        requests.append(DeterrenceRequest(query=" ".join(words), url=url, hashes=(f"{i:032x}",)))
    return requests


def reference_scan(
    terms: list[str], globs: list[str], hashes: set[str], r: DeterrenceRequest
) -> bool:
    """Every term and every glob, one after the other."""
    words = normalise_words(r.query)
    if any(normalise_words(t) in words for t in terms):
        return True
    url = normalise_url(r.url)
    if any(fnmatch.fnmatchcase(url, g) for g in globs):
        return True
    return any(h in hashes for h in r.hashes)


def bench_checks() -> tuple[float, float]:
    rng = random.Random(20261123)
    terms, globs, hashes = build_patterns(rng)
    patterns = DeterrencePatterns.build(
        terms=tuple(terms), url_patterns=tuple(globs), hashes=tuple(hashes)
    )
    requests = build_requests(rng, terms, globs)
    started = time.perf_counter()
    ours = [matches(patterns, r) for r in requests]
    ours_rate = len(requests) / (time.perf_counter() - started)

    sample = requests[: max(50, len(requests) // 100)]  # the scan is slow: a 1% sample
    normalised_globs = [normalise_url(g) for g in globs]
    hash_set = set(hashes)
    started = time.perf_counter()
    theirs = [reference_scan(terms, normalised_globs, hash_set, r) for r in sample]
    reference_rate = len(sample) / (time.perf_counter() - started)
    assert ours[: len(sample)] == theirs, "the indexed check disagrees with the scan"
    print(f"patterns: {TERMS:,} terms, {GLOBS:,} URL globs, {HASHES:,} hashes")
    print(f"checks: {len(requests):,}, warned {sum(ours):,}")
    print(f"NetSafe check: {ours_rate:,.0f} checks/s")
    print(f"reference scan: {reference_rate:,.0f} checks/s (on {len(sample):,} of them)")
    print(f"ratio: {ours_rate / reference_rate:,.1f}x the scan")
    return ours_rate, reference_rate


def bench_counters() -> tuple[float, float]:
    with tempfile.TemporaryDirectory() as folder:
        engine = make_engine(f"sqlite:///{Path(folder) / 'bench.db'}")
        upgrade(engine)
        factory = make_session_factory(engine)
        day = date(2026, 11, 23)
        started = time.perf_counter()
        for _ in range(INCREMENTS):
            with unit_of_work(factory) as session:
                SqlCounterRepository(session).add_funnel(day, FunnelStep.HELP_PAGE_VIEW)
        ours_rate = INCREMENTS / (time.perf_counter() - started)
        engine.dispose()

        connection = sqlite3.connect(Path(folder) / "bench.db", isolation_level=None)
        connection.execute("PRAGMA journal_mode=WAL")
        connection.execute("PRAGMA synchronous=NORMAL")
        started = time.perf_counter()
        for _ in range(INCREMENTS):
            connection.execute("BEGIN")
            connection.execute(
                "INSERT INTO prevention_funnel_counts (day, step, count) VALUES (?, ?, 1) "
                "ON CONFLICT (day, step) DO UPDATE SET count = count + 1",
                ("2026-11-24", "chat-click"),
            )
            connection.execute("COMMIT")
        reference_rate = INCREMENTS / (time.perf_counter() - started)
        connection.close()
    print(f"counter increments (SQLite, one transaction each): {ours_rate:,.0f}/s")
    print(f"reference bare sqlite3 upsert: {reference_rate:,.0f}/s")
    print(f"ratio: {ours_rate / reference_rate:.2f} of bare sqlite3")
    return ours_rate, reference_rate


def main() -> None:
    check_rate, _ = bench_checks()
    increment_rate, _ = bench_counters()
    met = check_rate >= TARGET_CHECKS
    print(f"target >= {TARGET_CHECKS:,} checks/s: {'target met' if met else 'target missed'}")
    met = increment_rate >= TARGET_INCREMENTS
    print(
        f"target >= {TARGET_INCREMENTS:,} increments/s: {'target met' if met else 'target missed'}"
    )


if __name__ == "__main__":
    main()
