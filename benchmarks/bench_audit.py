"""The audit log at scale on PostgreSQL: verify 1,000,000 chained rows, append from concurrent
writers, and read pages of the log.

- verify: `netsafe.platform.audit.verify` over the whole log (target: 1,000,000 rows in < 60 s).
- appends: 8 writer threads, one event per transaction (as a request records it) through
  `append_at_commit` (the event is written with the transaction, then chained by a short seal
  after the commit); reference: the same writers inserting the same rows with no chain, no seal
  and no lock, in the same run; the ratio shows the price of the chain. Target: ≥ 200 appends/s
  (a hundred users each doing two audited things a second) and the chain still verifies
  afterwards (no fork, no gap).
- reads: `SqlAuditRepository.query` as `GET /api/v1/audit` runs it (newest page, by actor, by
  resource, a page far back, a time range). Target: p95 < 50 ms each at full size.

    python benchmarks/bench_audit.py                          # 1,000,000 rows
    NETSAFE_BENCH_SCALE=0.05 python benchmarks/bench_audit.py # quick: 50,000 rows

Needs PostgreSQL on 127.0.0.1:5432 (database `test`, user postgres; NETSAFE_BENCH_POSTGRES_URL
overrides); works in a schema of its own (`bench_audit`), dropped at the end.
"""

from __future__ import annotations

import os
import random
import statistics
import threading
import time
from datetime import UTC, datetime, timedelta

from sqlalchemy import Engine, create_engine, make_url, text

from netsafe.platform.audit import AuditEvent, AuditQuery, chain_hash, verify
from netsafe.store.audit_seal import append_at_commit, seal_pending
from netsafe.store.engine import make_engine, make_session_factory, unit_of_work
from netsafe.store.migrate import upgrade
from netsafe.store.repositories.audit import SqlAuditRepository

POSTGRES_URL = os.environ.get(
    "NETSAFE_BENCH_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test"
)
SCHEMA = "bench_audit"
SCALE = float(os.environ.get("NETSAFE_BENCH_SCALE", "1"))
ROWS = max(10_000, int(1_000_000 * SCALE))
WRITERS = 8
APPENDS_PER_WRITER = max(50, int(500 * min(SCALE * 4, 1)))
VERIFY_TARGET_S = 60.0 * ROWS / 1_000_000
APPEND_TARGET_PER_S = 200.0
QUERY_TARGET_MS = 50.0
ACTORS = [f"officer.{n:03d}" for n in range(200)]
AGENCIES = ("south-wales", "gwent", "dyfed-powys", "north-wales", "regional-unit")


def schema_url() -> str:
    url = make_url(POSTGRES_URL).update_query_dict({"options": f"-csearch_path={SCHEMA}"})
    return url.render_as_string(hide_password=False)


def event(rng: random.Random, at: datetime) -> AuditEvent:
    actor = rng.randrange(len(ACTORS))
    return AuditEvent(
        at=at,
        action=rng.choice(["referral.read", "referral.list", "exhibit.read", "subject.read"]),
        resource_type="referral",
        resource_id=str(rng.randrange(1, 100_000)),
        actor_user_id=actor + 1,
        actor=ACTORS[actor],
        actor_agency=AGENCIES[actor % len(AGENCIES)],
        request_id=f"{rng.getrandbits(64):016x}",
        client="127.0.0.1",
    )


def load_rows(engine: Engine) -> float:
    """COPY `ROWS` chained rows (hashes computed here); returns the seconds taken."""
    rng = random.Random(20261123)
    started = time.perf_counter()
    first = datetime.now(UTC) - timedelta(days=365)
    step = timedelta(days=365) / ROWS
    columns = (
        "id, at, action, resource_type, resource_id, actor_user_id, actor, actor_agency, "
        "request_id, client, outcome, detail, prev_hash, hash"
    )
    prev = "0" * 64
    raw = engine.raw_connection()
    try:
        cursor = raw.cursor()
        with cursor.copy(f"COPY audit_log ({columns}) FROM STDIN") as copy:  # type: ignore[attr-defined]
            for seq in range(1, ROWS + 1):
                e = event(rng, first + step * seq)
                digest = chain_hash(prev, seq, e)
                copy.write_row(
                    (
                        seq, e.at, e.action, e.resource_type, e.resource_id, e.actor_user_id,
                        e.actor, e.actor_agency, e.request_id, e.client, e.outcome, None, prev,
                        digest,
                    )
                )  # fmt: skip
                prev = digest
        cursor.execute("UPDATE audit_head SET seq = %s, hash = %s WHERE id = 1", (ROWS, prev))
        cursor.execute("CREATE TABLE audit_reference AS SELECT * FROM audit_log WHERE false")
        cursor.execute("ANALYZE")
        raw.commit()
    finally:
        raw.close()
    return time.perf_counter() - started


def run_writers(engine: Engine, chained: bool) -> float:
    """WRITERS threads × APPENDS_PER_WRITER transactions of one event; returns events/s."""
    factory = make_session_factory(engine)
    errors: list[BaseException] = []
    start = threading.Barrier(WRITERS + 1)

    def writer(number: int) -> None:
        rng = random.Random(number)
        try:
            start.wait()
            for n in range(APPENDS_PER_WRITER):
                with unit_of_work(factory) as session:
                    e = event(rng, datetime.now(UTC))
                    if chained:
                        append_at_commit(session, [e])
                    else:
                        session.execute(
                            text(
                                "INSERT INTO audit_reference (id, at, action, resource_type, "
                                "resource_id, actor_user_id, actor, actor_agency, request_id, "
                                "client, outcome, prev_hash, hash) VALUES (:id, :at, :action, "
                                ":rt, :rid, :uid, :actor, :agency, :req, :client, 'ok', :h, :h)"
                            ),
                            {
                                "id": number * 1_000_000 + n,
                                "at": e.at,
                                "action": e.action,
                                "rt": e.resource_type,
                                "rid": e.resource_id,
                                "uid": e.actor_user_id,
                                "actor": e.actor,
                                "agency": e.actor_agency,
                                "req": e.request_id,
                                "client": e.client,
                                "h": "0" * 64,
                            },
                        )
        except BaseException as error:  # reported below
            errors.append(error)

    threads = [threading.Thread(target=writer, args=(w,)) for w in range(WRITERS)]
    for thread in threads:
        thread.start()
    start.wait()
    started = time.perf_counter()
    for thread in threads:
        thread.join()
    elapsed = time.perf_counter() - started
    if errors:
        raise RuntimeError(f"{len(errors)} writers failed: {errors[0]!r}")
    return WRITERS * APPENDS_PER_WRITER / elapsed


def p95_ms(engine: Engine, query: AuditQuery, runs: int = 40) -> float:
    factory = make_session_factory(engine)
    times = []
    for _ in range(runs):
        with unit_of_work(factory) as session:
            started = time.perf_counter()
            SqlAuditRepository(session).query(query)
            times.append((time.perf_counter() - started) * 1000)
    return statistics.quantiles(times, n=20)[18]


def main() -> None:
    admin = create_engine(POSTGRES_URL)
    with admin.begin() as connection:
        connection.execute(text(f'DROP SCHEMA IF EXISTS "{SCHEMA}" CASCADE'))
        connection.execute(text(f'CREATE SCHEMA "{SCHEMA}"'))
    engine = make_engine(schema_url(), pool_size=WRITERS + 2)
    try:
        upgrade(engine)
        print(f"audit benchmark: {ROWS:,} rows on PostgreSQL, {WRITERS} concurrent writers")
        print(f"  loaded {ROWS:,} chained rows in {load_rows(engine):.1f} s", flush=True)

        with unit_of_work(make_session_factory(engine)) as session:
            started, cpu = time.perf_counter(), time.process_time()
            result = verify(SqlAuditRepository(session))
            verify_s = time.perf_counter() - started
            verify_cpu = time.process_time() - cpu
        ok = result.ok and result.rows == ROWS
        met = "met" if ok and verify_s < VERIFY_TARGET_S else "MISSED"
        print(
            f"  verify: {result.rows:,} rows in {verify_s:.1f} s ({verify_cpu:.1f} s CPU) = "
            f"{result.rows / verify_s:,.0f} rows/s, intact={result.ok} "
            f"(target < {VERIFY_TARGET_S:.0f} s: {met})"
        )

        reference = run_writers(engine, chained=False)
        chained = run_writers(engine, chained=True)
        ratio = chained / reference
        seal_pending(engine)  # events whose own seal found the head busy
        with unit_of_work(make_session_factory(engine)) as session:
            after = verify(SqlAuditRepository(session))
        expected = ROWS + WRITERS * APPENDS_PER_WRITER
        intact = after.ok and after.rows == expected
        met = "met" if chained >= APPEND_TARGET_PER_S and intact else "MISSED"
        print(
            f"  appends, one per transaction: chained {chained:,.0f}/s, reference (no chain, "
            f"no lock) {reference:,.0f}/s, ratio {ratio:.2f} "
            f"(target ≥ {APPEND_TARGET_PER_S:.0f}/s: {met}); "
            f"chain after: {after.rows:,} rows, intact={after.ok}"
        )

        last = datetime.now(UTC)
        queries = {
            "newest 50": AuditQuery(limit=50),
            "by actor": AuditQuery(actor=ACTORS[17], limit=50),
            "by resource": AuditQuery(resource_type="referral", resource_id="4242", limit=50),
            "a page far back": AuditQuery(before=ROWS // 10, limit=50),
            "agency + day": AuditQuery(
                actor_agency="gwent",
                since=last - timedelta(days=200),
                until=last - timedelta(days=199),
                limit=50,
            ),
        }
        for name, query in queries.items():
            p95 = p95_ms(engine, query)
            met = "met" if p95 < QUERY_TARGET_MS else "MISSED"
            print(f"  read {name}: p95 {p95:.1f} ms (target < {QUERY_TARGET_MS:.0f} ms: {met})")
    finally:
        engine.dispose()
        with admin.begin() as connection:
            connection.execute(text(f'DROP SCHEMA IF EXISTS "{SCHEMA}" CASCADE'))
        admin.dispose()


if __name__ == "__main__":
    main()
