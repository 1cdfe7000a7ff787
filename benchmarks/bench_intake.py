"""Intake with deconfliction: CyberTipline reports imported per second, and an identifier lookup's
p95, each as a ratio to a reference measured in the same run.

1. Import: `netsafe referral import` (the CLI, one process: parse, force, matching against a
   list of 100,000 MD5s that knows half the reports' pictures, pre-score, store, deconfliction)
   on generated reports with 5 files each (drawn from 200 pictures), 30% sharing an identifier
   with an earlier report of another force; against a plain bulk insert of the same
   referral and identifier rows into the same kind of database. Target (#18.5): >= 200 reports/s.
   The peak RSS of the import process is printed (memory flat: it should not grow with N), and
   its CPU time (on a shared machine the wall time follows the load; the CPU time much less).
2. Lookup: `GET /api/v1/identifiers`' query (`SqlDeconflictionRepository.lookup`) with N keys
   stored, p95 over random values; against a primary-key select of one key row. Target: < 20 ms
   with 1,000,000 identifiers.

    python benchmarks/bench_intake.py                # quick: 200 reports, 100k keys
    NETSAFE_BENCH_INTAKE_REPORTS=10000 NETSAFE_BENCH_INTAKE_KEYS=1000000 \
        python benchmarks/bench_intake.py            # the targets' size
    NETSAFE_BENCH_BACKENDS=sqlite ...                # one backend only

PostgreSQL: NETSAFE_BENCH_POSTGRES_URL (default the local `test` database; a schema of its own,
dropped afterwards).
"""

from __future__ import annotations

import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from datetime import UTC, datetime
from pathlib import Path

REPORTS = int(os.environ.get("NETSAFE_BENCH_INTAKE_REPORTS", "200"))
KEYS = int(os.environ.get("NETSAFE_BENCH_INTAKE_KEYS", "100000"))
BACKENDS = os.environ.get("NETSAFE_BENCH_BACKENDS", "sqlite,postgresql").split(",")
PG = os.environ.get(
    "NETSAFE_BENCH_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test"
)
NETSAFE = Path(sys.executable).with_name("netsafe")
#: The generated pictures the reports' files are drawn from, and the entries of the list the
#: import matches them against (half the pictures are on it).
IMAGES = 200
LIST_ENTRIES = int(os.environ.get("NETSAFE_BENCH_INTAKE_LIST", "100000"))


def database(backend: str, folder: Path) -> tuple[str, str | None]:
    """A URL for an empty database of `backend`, and the PostgreSQL schema to drop after."""
    if backend == "sqlite":
        return f"sqlite:///{folder / 'bench.db'}", None
    from sqlalchemy import create_engine, text

    schema = f"bench_{uuid.uuid4().hex[:12]}"
    with create_engine(PG).begin() as connection:
        connection.execute(text(f'CREATE SCHEMA "{schema}"'))
    return f"{PG}?options=-csearch_path%3D{schema}", schema


def drop(schema: str | None) -> None:
    if schema is None:
        return
    from sqlalchemy import create_engine, text

    with create_engine(PG).begin() as connection:
        connection.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))


def list_file(folder: Path) -> Path:
    """A hash list of LIST_ENTRIES MD5s: half the generated pictures (categories A, B, C in
    turn), the rest random values no report carries."""
    from netsafe.intake.generator import image_hashes

    rng = random.Random(1818)
    lines = ["md5,category"]
    lines += [f"{image_hashes(seed).md5},{'ABC'[seed % 3]}" for seed in range(0, IMAGES, 2)]
    lines += [f"{rng.getrandbits(128):032x},C" for _ in range(LIST_ENTRIES - len(lines) + 1)]
    path = folder / "list.csv"
    path.write_text("\n".join(lines) + "\n")
    return path


#: Runs a command and prints its peak RSS (KiB) and CPU seconds (user + system). A process
#: started straight from this one would report this one's RSS as its own peak: Linux keeps the
#: high-water mark of the memory a process had when it exec'd, and a forked child starts with
#: ours (the 10,000 reports).
_OWN_PEAK = (
    "import resource, subprocess, sys\n"
    "code = subprocess.run(sys.argv[1:], stdout=subprocess.DEVNULL).returncode\n"
    "used = resource.getrusage(resource.RUSAGE_CHILDREN)\n"
    "print(used.ru_maxrss, used.ru_utime + used.ru_stime)\n"
    "sys.exit(code)\n"
)


def import_rate(url: str, folder: Path, report_file: Path) -> tuple[float, float, float]:
    """Reports/s of the CLI import (the list imported before), its peak RSS in MB, and its
    CPU seconds (the import process alone: PostgreSQL's server is not counted)."""
    env = {**os.environ, "NETSAFE_HOME": str(folder), "NETSAFE_DATABASE_URL": url}
    subprocess.run([str(NETSAFE), "db", "upgrade"], env=env, check=True, capture_output=True)
    subprocess.run(
        [str(NETSAFE), "hashlist", "import", str(list_file(folder)), "--name", "bench"],
        env=env,
        check=True,
        capture_output=True,
    )
    errors = folder / "import.err"
    command = ["referral", "import", str(report_file), "--json"]
    started = time.perf_counter()
    with errors.open("wb") as stderr:
        done = subprocess.run(
            [sys.executable, "-c", _OWN_PEAK, str(NETSAFE), *command],
            env=env,
            stdout=subprocess.PIPE,
            stderr=stderr,
            check=False,
        )
    elapsed = time.perf_counter() - started
    if done.returncode != 0:
        raise RuntimeError(f"netsafe referral import failed: {errors.read_text()}")
    peak, cpu = done.stdout.decode().split()[-2:]
    return REPORTS / elapsed, int(peak) / 1024, float(cpu)


def plain_insert_rate(url: str, reports: list) -> float:  # type: ignore[type-arg]
    """Reports/s of a bulk insert of the same referral and identifier rows."""
    from sqlalchemy import insert

    from netsafe.store.engine import make_engine
    from netsafe.store.migrate import upgrade
    from netsafe.store.models.intake import IntakeIdentifierRow
    from netsafe.store.models.operation import ReferralRow

    engine = make_engine(url)
    upgrade(engine)
    now = datetime.now(UTC)
    started = time.perf_counter()
    with engine.begin() as connection:
        for n, report in enumerate(reports, start=1):
            connection.execute(
                insert(ReferralRow),
                [
                    {
                        "id": n,
                        "source": "cybertipline",
                        "force": "gwent",
                        "received_at": now,
                        "summary": report.report_id,
                        "status": "new",
                        "deadline_at": now,
                        "restricted": False,
                    }
                ],
            )
            rows = [
                {
                    "referral_id": n,
                    "kind": i.kind.value,
                    "value": i.value,
                    "qualifier": i.qualifier,
                    "seen_at": i.seen_at,
                    "found_at": i.found_at,
                }
                for i in report.identifiers()
            ]
            if rows:
                connection.execute(insert(IntakeIdentifierRow), rows)
    elapsed = time.perf_counter() - started
    engine.dispose()
    return len(reports) / elapsed


def lookup_p95(url: str) -> tuple[float, float]:
    """p95 (ms) of the identifier lookup with KEYS keys stored, and of a primary-key select."""
    from sqlalchemy import insert, select, text

    from netsafe.intake.identifier_keys import lookup_keys
    from netsafe.platform.access import Scope
    from netsafe.store.engine import make_engine, make_session_factory
    from netsafe.store.migrate import upgrade
    from netsafe.store.models.deconfliction import DeconflictionKeyRow
    from netsafe.store.models.operation import ReferralRow
    from netsafe.store.repositories.deconfliction import SqlDeconflictionRepository

    engine = make_engine(url)
    upgrade(engine)
    rng = random.Random(18)
    now = datetime.now(UTC)
    referrals = max(1, KEYS // 10)
    with engine.begin() as connection:
        connection.execute(text("DELETE FROM deconfliction_keys"))
        connection.execute(text("DELETE FROM intake_identifiers"))
        connection.execute(text("DELETE FROM referrals"))
        for start in range(0, referrals, 10_000):
            connection.execute(
                insert(ReferralRow),
                [
                    {
                        "id": n,
                        "source": "cybertipline",
                        "force": ("gwent", "south-wales", "dyfed-powys", "north-wales")[n % 4],
                        "received_at": now,
                        "summary": "bench",
                        "status": "new",
                        "deadline_at": now,
                        "restricted": False,
                    }
                    for n in range(start + 1, min(referrals, start + 10_000) + 1)
                ],
            )
        for start in range(0, KEYS, 20_000):
            connection.execute(
                insert(DeconflictionKeyRow),
                [
                    {
                        "referral_id": n % referrals + 1,
                        "kind": "email",
                        "key": f"user{n}@example.org",
                        "value_key": f"user{n}@example.org",
                        "seen_at": None,
                    }
                    for n in range(start, min(KEYS, start + 20_000))
                ],
            )
    sessions = make_session_factory(engine)
    scope = Scope(forces=frozenset({"gwent"}), username="bench")
    lookups, selects = [], []
    with sessions() as session:
        repository = SqlDeconflictionRepository(session)
        for _ in range(300):
            value = f"User{rng.randrange(KEYS)}@Example.org"
            started = time.perf_counter()
            repository.lookup(scope, value, lookup_keys(value))
            lookups.append(time.perf_counter() - started)
            key_id = rng.randrange(1, KEYS)
            started = time.perf_counter()
            session.execute(
                select(DeconflictionKeyRow.key).where(DeconflictionKeyRow.id == key_id)
            ).all()
            selects.append(time.perf_counter() - started)
    engine.dispose()

    def p95(samples: list[float]) -> float:
        return statistics.quantiles(samples, n=20)[-1] * 1000

    return p95(lookups), p95(selects)


def main() -> int:
    from netsafe.intake.generator import generate_reports, reports_xml

    load = " ".join(f"{x:.1f}" for x in os.getloadavg())
    print(f"load average {load} on {os.cpu_count()} cores", flush=True)
    reports = generate_reports(
        REPORTS, seed=18, files_per_report=5, shared_fraction=0.3, image_seeds=tuple(range(IMAGES))
    )
    for backend in BACKENDS:
        with tempfile.TemporaryDirectory() as tmp:
            folder = Path(tmp)
            report_file = folder / "reports.xml"
            report_file.write_bytes(reports_xml(reports))
            url, schema = database(backend, folder / "import")
            (folder / "import").mkdir()
            try:
                rate, rss, cpu = import_rate(url, folder / "import", report_file)
            finally:
                drop(schema)
            url, schema = database(backend, folder)
            try:
                plain = plain_insert_rate(url, reports)
            finally:
                drop(schema)
            url, schema = database(backend, folder / "lookup")
            (folder / "lookup").mkdir()
            try:
                lookup, pk = lookup_p95(url)
            finally:
                drop(schema)
        print(
            f"{backend}: import {REPORTS} reports {rate:.1f}/s (target 200), plain insert "
            f"{plain:.0f}/s, ratio {rate / plain:.3f}; import peak RSS {rss:.0f} MB; import "
            f"CPU {cpu:.1f} s ({cpu / REPORTS * 1000:.2f} ms a report, {REPORTS / cpu:.0f} "
            "reports per CPU second)"
        )
        print(
            f"{backend}: identifier lookup p95 {lookup:.2f} ms with {KEYS:,} keys (target < 20), "
            f"primary-key select p95 {pk:.2f} ms, ratio {lookup / pk:.1f}"
        )
        print(f"load average {' '.join(f'{x:.1f}' for x in os.getloadavg())}", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
