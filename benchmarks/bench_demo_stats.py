"""Benchmark: seeding the demo operation, and counting its figures.

1. `netsafe demo`'s generator on a fresh SQLite database (target: the whole demo in < 60 s, so
   `make run` stays quick), against a reference that writes the same stories one record at a time
   through the operation, triage and prevention repositories (measured on the first months only).
2. Every figure for the launch year with its comparison (`compute_statistics`: grouped SQL counts)
   and the dashboard (figures, monthly series, three SVG charts), against a reference that loads
   each record's date into Python and counts there (the same numbers, checked).

Scale down for a quick run: `NETSAFE_BENCH_QUICK=1` (casework to the end of January 2017 only).
"""

from __future__ import annotations

import os
import sys
import tempfile
import time
from collections.abc import Sequence
from datetime import UTC, date
from pathlib import Path
from typing import Any

from sqlalchemy import select

from netsafe.demo.casework import draw_casework
from netsafe.demo.casework_records import write_casework
from netsafe.demo.draws import Draws
from netsafe.demo.seed import seed_demo_operation
from netsafe.operation.referrals import Referral
from netsafe.prevention.code_words import CodeWordHasher
from netsafe.prevention.contacts import ContactDraft
from netsafe.prevention.counters import DailyCount
from netsafe.stats.dashboard import build_dashboard
from netsafe.stats.periods import UtcWindow
from netsafe.stats.service import StatsRequest, compute_statistics
from netsafe.store.engine import make_engine, make_session_factory, unit_of_work
from netsafe.store.migrate import upgrade
from netsafe.store.models.operation import WarrantRow
from netsafe.store.repositories.demo import RECORD_ROWS, SqlDemoLedger, SqlDemoWriter
from netsafe.store.repositories.operation import case_repositories
from netsafe.store.repositories.stats import SqlEnforcementSource
from netsafe.store.repositories.stats_prevention import sql_prevention_source
from netsafe.store.repositories.triage import SqlTriageRepository
from netsafe.triage.result import Finding
from netsafe.triage.stored import TriageRun

QUICK = os.environ.get("NETSAFE_BENCH_QUICK") == "1"
LAST_DAY = date(2017, 1, 31) if QUICK else date(2018, 10, 31)
REFERENCE_LAST_DAY = date(2016, 12, 31)
TARGET_SECONDS = 60.0
HASH = CodeWordHasher.from_secret("benchmark-secret-0123456789").hash
MODULES = ("managing-urges", "staying-safe-online")


class OneByOneWriter:
    """The reference: every record through the areas' own repositories, one at a time."""

    def __init__(self, session: Any) -> None:
        self.cases = case_repositories(session)
        self.triage = SqlTriageRepository(session)
        self._by_kind = {
            kind: getattr(self.cases, name)
            for kind, name in zip(
                RECORD_ROWS,
                [
                    "subjects",
                    "assessments",
                    "warrants",
                    "arrests",
                    "exhibits",
                    "custody",
                    "safeguarding",
                    "outcomes",
                ],
                strict=True,
            )
        }

    def add_referrals(self, referrals: Sequence[Referral]) -> list[int]:
        return [self.cases.referrals.add(r).id for r in referrals]

    def add_records(self, records: Sequence[Any]) -> list[int]:
        return [self._by_kind[type(r)].add(r).id for r in records]

    def add_triage_runs(self, runs: Sequence[tuple[TriageRun, Sequence[Finding]]]) -> None:
        for run, findings in runs:
            self.triage.add_run(run, findings)

    def add_contacts(self, contacts: Sequence[ContactDraft]) -> None:
        raise NotImplementedError

    def add_daily_counts(self, a: Sequence[DailyCount], b: Sequence[DailyCount]) -> None:
        raise NotImplementedError


def _fresh(folder: Path, name: str) -> Any:
    engine = make_engine(f"sqlite:///{folder / name}")
    upgrade(engine)
    return engine


def _casework_rate(folder: Path, name: str, bulk: bool) -> tuple[int, float]:
    stories = draw_casework(Draws(20161101), REFERENCE_LAST_DAY)
    engine = _fresh(folder, name)
    started = time.perf_counter()
    with unit_of_work(make_session_factory(engine)) as session:
        writer = SqlDemoWriter(session) if bulk else OneByOneWriter(session)
        added = write_casework(writer, stories)
    seconds = time.perf_counter() - started
    engine.dispose()
    return sum(added.values()), seconds


def _python_count(session: Any, window: UtcWindow) -> int:
    """Reference count of warrants executed: every date loaded, counted in Python."""
    moments = session.scalars(select(WarrantRow.executed_at)).all()
    return sum(1 for m in moments if m is not None and window.contains(m.replace(tzinfo=UTC)))


def main() -> int:
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        engine = _fresh(folder, "demo.db")
        factory = make_session_factory(engine)
        started = time.perf_counter()
        with unit_of_work(factory) as session:
            result = seed_demo_operation(
                SqlDemoWriter(session),
                SqlDemoLedger(session),
                code_word_hash=HASH,
                self_help_modules=MODULES,
                last_day=LAST_DAY,
            )
        seed_seconds = time.perf_counter() - started
        rows = sum(result.added.values())
        print(
            f"demo seeded to {LAST_DAY}: {rows:,} records in {seed_seconds:.1f} s "
            f"({rows / seed_seconds:,.0f} records/s)"
        )
        bulk_rows, bulk_s = _casework_rate(folder, "bulk.db", bulk=True)
        ref_rows, ref_s = _casework_rate(folder, "one-by-one.db", bulk=False)
        print(
            f"casework to {REFERENCE_LAST_DAY}: bulk {bulk_rows / bulk_s:,.0f} records/s, "
            f"one at a time through the repositories {ref_rows / ref_s:,.0f} records/s "
            f"(ratio {ref_s / bulk_s:.1f}x)"
        )
        if not QUICK:
            met = "met" if seed_seconds < TARGET_SECONDS else "missed"
            print(f"target: whole demo < {TARGET_SECONDS:.0f} s: {met}")

        request = StatsRequest(compare="launch-year")
        with unit_of_work(factory) as session:
            enforcement = SqlEnforcementSource(session)
            prevention = sql_prevention_source(session)
            started = time.perf_counter()
            statistics = compute_statistics(enforcement, prevention, request)
            stats_s = time.perf_counter() - started
            started = time.perf_counter()
            build_dashboard(enforcement, prevention, request)
            dashboard_s = time.perf_counter() - started
            window = statistics.period.window
            started = time.perf_counter()
            for _ in range(20):
                in_sql = sum(c.count for c in enforcement.count("warrants_executed", window))
            sql_s = (time.perf_counter() - started) / 20
            started = time.perf_counter()
            for _ in range(20):
                counted = _python_count(session, window)
            python_s = (time.perf_counter() - started) / 20
        warrants = statistics.figures["warrants_executed"].value
        assert counted == in_sql == warrants, (counted, in_sql, warrants)
        figures = len(statistics.figures)
        print(
            f"all {figures} figures with comparison: {stats_s * 1000:.0f} ms; "
            f"dashboard with 3 charts: {dashboard_s * 1000:.0f} ms"
        )
        print(
            f"warrants executed in the launch year: grouped SQL {sql_s * 1000:.1f} ms, "
            f"every date loaded and counted in Python {python_s * 1000:.1f} ms "
            f"(ratio {python_s / sql_s:.1f}x)"
        )
        engine.dispose()
    return 0


if __name__ == "__main__":
    sys.exit(main())
