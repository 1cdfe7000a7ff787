"""Search latency: `GET /api/v1/search` over 100,000 referrals (with their identifiers, reported
files, subjects and exhibits: about a million index entries), on PostgreSQL and on SQLite.
Target: p95 < 100 ms on PostgreSQL (and SQLite).

The reference is `/healthz` (the app answering one `SELECT 1`), measured in the same run against
the same server; each p95 is also given as a ratio to it. Requests are sequential, one client
(a person typing in the search box), from this process to `netsafe serve` (one worker) on
loopback, alternating between a Gwent investigator (own force, restricted cases filtered) and
the operation lead (every force). The query mix: exact reference, e-mail written in another case,
UK phone in +44 form, reported sha1, exhibit reference, seal number, md5 prefix (10 hex digits),
reference prefix, a surname (text, many matches), a triage finding's sha256, a triage finding's
path (`Pictures/IMG_00420`: words, two of them in most paths), the second page of a surname
search (`offset=50`), and a miss. Half the exhibits have a triage run of five findings.

    python benchmarks/bench_search.py                          # quick: 5% (5,000 referrals)
    NETSAFE_BENCH_SCALE=1 python benchmarks/bench_search.py    # the target's size
    NETSAFE_BENCH_BACKENDS=postgresql ...                      # one backend only
    NETSAFE_BENCH_ROUNDS=30 ...                                # requests per query kind and user

PostgreSQL on 127.0.0.1:5432 (database `test`, user postgres; NETSAFE_BENCH_POSTGRES_URL
overrides), in a schema of its own (`bench_search`) dropped at the end; SQLite in a temporary
folder. Data is synthetic and seeded (documentation-range IPs, example.org addresses, Ofcom drama
numbers); traffic goes to 127.0.0.1 only.
"""

from __future__ import annotations

import hashlib
import os
import random
import secrets
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

POSTGRES_URL = os.environ.get(
    "NETSAFE_BENCH_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test"
)
SCHEMA = "bench_search"
SCALE = float(os.environ.get("NETSAFE_BENCH_SCALE", "0.05"))
REFERRALS = max(1000, int(100_000 * SCALE))
ROUNDS = int(os.environ.get("NETSAFE_BENCH_ROUNDS", "20"))
BACKENDS = os.environ.get("NETSAFE_BENCH_BACKENDS", "postgresql,sqlite").split(",")
TARGET_P95_MS = 100.0
SECRET = "bench-search-secret-key-0123456789abcdef"  # noqa: S105 - a throwaway test key
FORCES = ("south-wales", "gwent", "dyfed-powys", "north-wales")
FIRST = ("Alex", "Sam", "Jo", "Robin", "Charlie", "Morgan", "Rhys", "Ceri", "Dylan", "Sian")
LAST = ("Example", "Sample", "Placeholder", "Testing", "Fictional", "Madeup", "Dummy", "Mock")
FOLDERS = ("Pictures", "Downloads", "DCIM/Camera", "Documents", "AppData/Cache")
USERS = (
    ("bench.gwent", "gwent", "investigator"),
    ("bench.lead", "regional-unit", "operation-lead"),
)


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def _hex(rng: random.Random, digits: int) -> str:
    return f"{rng.getrandbits(digits * 4):0{digits}x}"


def _phone(n: int) -> str:
    """A number in Ofcom's drama ranges (07700 900000–900999; 029 2018 0000–0999)."""
    if n % 2:
        return f"07700 900{n % 1000:03d}"
    return f"029 2018 0{n % 1000:03d}"


def generate(rng: random.Random) -> dict[str, list[dict[str, Any]]]:
    """Rows of every case table, with ids given (so children can name their referral)."""
    now = datetime.now(UTC)
    tables: dict[str, list[dict[str, Any]]] = {
        "referrals": [],
        "referral_identifiers": [],
        "referral_files": [],
        "subjects": [],
        "exhibits": [],
        "triage_runs": [],
        "triage_findings": [],
    }
    for rid in range(1, REFERRALS + 1):
        received = now - timedelta(minutes=rng.randrange(3 * 365 * 24 * 60))
        force = rng.choice(FORCES)
        tables["referrals"].append(
            {
                "id": rid,
                "source": "national-referral",
                "force": force,
                "received_at": received,
                "summary": "Synthetic benchmark referral",
                "status": "closed",
                "deadline_at": received + timedelta(days=2),
                "risk_band": None,
                "responded_at": received + timedelta(days=1),
                "created_by": "bench",
                "created_at": received,
                "restricted": False,
            }
        )
        ids = tables["referral_identifiers"]
        ids.append({"referral_id": rid, "kind": "email", "value": f"user{rid}@example.org"})
        second = rng.choice(("phone", "ip-address", "account"))
        value = {
            "phone": _phone(rid),
            "ip-address": f"198.51.100.{rid % 256}",
            "account": f"account-{rid}",
        }[second]
        ids.append({"referral_id": rid, "kind": second, "value": value})
        digest = hashlib.sha256(f"bench-file-{rid}".encode()).hexdigest()
        tables["referral_files"].append(
            {
                "referral_id": rid,
                "file_name": f"file-{rid}.jpg",
                "md5": digest[:32],
                "sha1": digest[:40],
                "sha256": digest,
            }
        )
        if rng.random() < 0.6:
            name = f"{rng.choice(FIRST)} {rng.choice(LAST)}-{rid % 97}"
            tables["subjects"].append(
                {
                    "referral_id": rid,
                    "display_name": name,
                    "created_at": received,
                    "created_by": "bench",
                    "identifiers": f"subject{rid}@example.com; {_phone(rid + 1)}",
                    "notes": "",
                }
            )
        if rng.random() < 0.3:
            tables["exhibits"].append(
                {
                    "referral_id": rid,
                    "force": force,
                    "reference": f"BX/{rid}/1",
                    "device_type": "phone",
                    "seal_number": f"SEAL-{rid:07d}",
                    "seized_at": received + timedelta(hours=5),
                    "seized_by": "bench",
                    "seized_from": "1 Example Street",
                    "description": "",
                }
            )
            if rng.random() < 0.5:  # triaged: a run with five matched (synthetic) files
                run_id = len(tables["triage_runs"]) + 1
                tables["triage_runs"].append(_run(run_id, f"BX/{rid}/1", received))
                for n in range(5):
                    digest = hashlib.sha256(f"bench-finding-{rid}-{n}".encode()).hexdigest()
                    folder = rng.choice(FOLDERS)
                    tables["triage_findings"].append(
                        {
                            "run_id": run_id,
                            "source": "image.E01",
                            "path": f"/Users/bench/{folder}/IMG_{rid % 10_000:04d}{n}.jpg",
                            "size": 1000 + n,
                            "md5": digest[:32],
                            "sha1": digest[:40],
                            "sha256": digest,
                            "pdq": None,
                            "list_name": "bench-list",
                            "entry_id": str(n),
                            "category": "C",
                            "signal": "sha1",
                            "distance": 0,
                            "deleted": False,
                            "carved": False,
                            "scores": None,
                        }
                    )
    return tables


def _run(run_id: int, exhibit: str, received: datetime) -> dict[str, Any]:
    finished = received + timedelta(days=1)
    return {
        "id": run_id,
        "exhibit_reference": exhibit,
        "case_reference": None,
        "started_at": finished - timedelta(hours=1),
        "finished_at": finished,
        "files_scanned": 1000,
        "bytes_scanned": 1_000_000,
        "files_matched": 5,
        "findings_count": 5,
        "files_ignored": 0,
        "items_in_error": 0,
        "warnings": 0,
        "out_dir": "/tmp/bench-triage",
        "summary": {},
    }


def prepare(url: str, rng: random.Random) -> tuple[dict[str, str], dict[str, list[str]]]:
    """Migrate, load the case tables, build the index; the users' tokens and the queries."""
    from sqlalchemy import insert

    from netsafe.operation.referrals import referral_reference
    from netsafe.platform.agencies import ensure_agencies
    from netsafe.platform.roles import Role
    from netsafe.platform.users import NewUser
    from netsafe.settings import load_settings
    from netsafe.store.engine import make_engine, make_session_factory, unit_of_work
    from netsafe.store.migrate import upgrade
    from netsafe.store.models import Base
    from netsafe.store.repositories.agencies import SqlAgencyRepository
    from netsafe.store.repositories.users import SqlUserRepository
    from netsafe.store.search_index import rebuild_search_index
    from netsafe.web.tokens import issue_bearer_token

    engine = make_engine(url)
    upgrade(engine)
    settings = load_settings(env="development", database_url=url, secret_key=SECRET)
    tokens = {}
    with unit_of_work(make_session_factory(engine)) as session:
        ensure_agencies(SqlAgencyRepository(session))
        for name, agency, role in USERS:
            stamp = secrets.token_hex(8)
            user = SqlUserRepository(session).add(
                NewUser(
                    name, agency, Role(role), "bench-uses-minted-tokens", stamp, datetime.now(UTC)
                )
            )
            tokens[name] = issue_bearer_token(settings, user.id, stamp)
    started = time.perf_counter()
    tables = generate(rng)
    with engine.begin() as connection:  # a plain connection: no session, so no index upkeep
        for name, rows in tables.items():
            for start in range(0, len(rows), 10_000):
                connection.execute(insert(Base.metadata.tables[name]), rows[start : start + 10_000])
        if engine.dialect.name == "postgresql":
            connection.exec_driver_sql(
                "SELECT setval(pg_get_serial_sequence('referrals', 'id'), max(id)) FROM referrals"
            )
            connection.exec_driver_sql(
                "SELECT setval(pg_get_serial_sequence('triage_runs', 'id'), max(id)) "
                "FROM triage_runs"
            )
    loaded = time.perf_counter() - started
    started = time.perf_counter()
    with engine.begin() as connection:
        entries = rebuild_search_index(connection)
    # The state autovacuum keeps a database in: statistics, and on PostgreSQL the GIN indexes'
    # pending lists merged (after a bulk load each search would read them whole: a word in no
    # entry took 11 ms instead of 0.02 ms at 100,000 referrals).
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
        connection.exec_driver_sql(
            "VACUUM ANALYZE" if engine.dialect.name == "postgresql" else "ANALYZE"
        )
    print(
        f"  {REFERRALS:,} referrals loaded ({len(tables['triage_findings']):,} triage findings) "
        f"in {loaded:.1f} s; index of {entries:,} entries "
        f"built in {time.perf_counter() - started:.1f} s",
        flush=True,
    )
    engine.dispose()
    referrals = tables["referrals"]
    sample = rng.sample(referrals, min(ROUNDS, len(referrals)))
    exhibits = rng.sample(tables["exhibits"], min(ROUNDS, len(tables["exhibits"])))
    files = {f["referral_id"]: f for f in tables["referral_files"]}
    phones = [i for i in tables["referral_identifiers"] if i["kind"] == "phone"]
    findings = rng.sample(tables["triage_findings"], min(ROUNDS, len(tables["triage_findings"])))
    queries = {
        "reference (exact)": [referral_reference(r["id"], r["received_at"]) for r in sample],
        "e-mail (exact, other case)": [f"User{r['id']}@Example.ORG" for r in sample],
        "phone (exact, +44 form)": [
            "+44 " + p["value"][1:] for p in rng.sample(phones, min(ROUNDS, len(phones)))
        ],
        "sha1 (exact)": [files[r["id"]]["sha1"] for r in sample],
        "exhibit reference (exact)": [e["reference"] for e in exhibits],
        "seal (exact)": [e["seal_number"] for e in exhibits],
        "md5 prefix (10 hex)": [files[r["id"]]["md5"][:10] for r in sample],
        "reference prefix": [referral_reference(r["id"], r["received_at"])[:11] for r in sample],
        "surname (word prefix)": [rng.choice(LAST).lower()[:5] for _ in sample],
        "triage sha256 (exact)": [f["sha256"] for f in findings],
        "triage path (words)": [f["path"].split("/", 3)[3][:-4] for f in findings],
        "surname, page 2 (offset 50)": [rng.choice(LAST).lower()[:5] for _ in sample],
        "miss": [_hex(rng, 40) for _ in sample],
    }
    return tokens, queries


def start_server(url: str, home: Path) -> tuple[subprocess.Popen[bytes], str]:
    import httpx

    port = _free_port()
    env = {
        **os.environ,
        "NETSAFE_ENV": "development",
        "NETSAFE_SECRET_KEY": SECRET,
        "NETSAFE_DATABASE_URL": url,
        "NETSAFE_HOME": str(home),
        "NETSAFE_LOG_LEVEL": "WARNING",
    }
    command = [
        sys.executable, "-m", "netsafe", "serve", "--host", "127.0.0.1", "--port", str(port),
        "--workers", "1", "--no-access-log",
    ]  # fmt: skip
    server = subprocess.Popen(command, env=env, start_new_session=True)
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"{base}/healthz", timeout=2).status_code == 200:
                return server, base
        except httpx.HTTPError:
            time.sleep(0.2)
    stop_server(server)
    raise RuntimeError("the server did not start")


def stop_server(server: subprocess.Popen[bytes]) -> None:
    server.terminate()
    try:
        server.wait(timeout=30)
    except subprocess.TimeoutExpired:
        os.killpg(server.pid, signal.SIGKILL)
        server.wait(timeout=30)


def p95(samples: list[float]) -> float:
    return statistics.quantiles(samples, n=20, method="inclusive")[18] if len(samples) > 1 else 0.0


def p99(samples: list[float]) -> float:
    return statistics.quantiles(samples, n=100, method="inclusive")[98] if len(samples) > 1 else 0.0


def measure(base: str, tokens: dict[str, str], queries: dict[str, list[str]]) -> dict[str, Any]:
    """Milliseconds per request: /healthz and a case read (the references), and each query
    kind (both users, interleaved)."""
    import httpx

    times: dict[str, list[float]] = {"/healthz": [], "case read": []}
    counts: dict[str, list[int]] = {}
    totals: dict[str, list[int]] = {}
    with httpx.Client(base_url=base, timeout=30) as client:
        for _ in range(5):  # warm up the connection, the worker and the caches of statements
            client.get("/healthz")
            for token in tokens.values():
                client.get(
                    "/api/v1/search",
                    params={"q": "warm-up"},
                    headers={"Authorization": f"Bearer {token}"},
                )
        for kind, values in queries.items():
            times[kind] = []
            counts[kind] = []
            totals[kind] = []
            for value in values:
                for token in tokens.values():
                    started = time.perf_counter()
                    client.get("/healthz")
                    times["/healthz"].append((time.perf_counter() - started) * 1000)
                    started = time.perf_counter()
                    client.get(  # the lead's or a 404: an audited read either way
                        f"/api/v1/referrals/{len(value) % 997 + 1}",
                        headers={"Authorization": f"Bearer {token}"},
                    )
                    times["case read"].append((time.perf_counter() - started) * 1000)
                    started = time.perf_counter()
                    offset = 50 if kind.startswith("surname, page 2") else 0
                    answer = client.get(
                        "/api/v1/search",
                        params={"q": value, "offset": offset},
                        headers={"Authorization": f"Bearer {token}"},
                    )
                    times[kind].append((time.perf_counter() - started) * 1000)
                    answer.raise_for_status()
                    counts[kind].append(len(answer.json()["results"]))
                    totals[kind].append(answer.json()["total"])
    return {"times": times, "counts": counts, "totals": totals}


def run_backend(backend: str, folder: Path) -> bool:
    from sqlalchemy import create_engine, make_url, text

    print(f"\n{backend}: {REFERRALS:,} referrals", flush=True)
    rng = random.Random(20261203)
    if backend == "postgresql":
        admin = create_engine(POSTGRES_URL)
        with admin.begin() as connection:
            connection.execute(text(f'DROP SCHEMA IF EXISTS "{SCHEMA}" CASCADE'))
            connection.execute(text(f'CREATE SCHEMA "{SCHEMA}"'))
        url = (
            make_url(POSTGRES_URL)
            .update_query_dict({"options": f"-csearch_path={SCHEMA}"})
            .render_as_string(hide_password=False)
        )
    else:
        url = f"sqlite:///{folder / 'bench-search.db'}"
    try:
        tokens, queries = prepare(url, rng)
        server, base = start_server(url, folder / f"home-{backend}")
        try:
            result = measure(base, tokens, queries)
        finally:
            stop_server(server)
    finally:
        if backend == "postgresql":
            with admin.begin() as connection:
                connection.execute(text(f'DROP SCHEMA IF EXISTS "{SCHEMA}" CASCADE'))
            admin.dispose()
    times, counts, totals = result["times"], result["counts"], result["totals"]
    health = p95(times["/healthz"])
    references = ("/healthz", "case read")
    every = [t for kind, samples in times.items() if kind not in references for t in samples]
    print(
        f"  {'query':<28} {'p50 ms':>8} {'p95 ms':>8} {'p99 ms':>8} {'× healthz':>10} "
        f"{'results':>8} {'total':>8}"
    )
    for kind, samples in times.items():
        if kind in references:
            continue
        mean_results = statistics.mean(counts[kind]) if counts[kind] else 0
        mean_total = statistics.mean(totals[kind]) if totals[kind] else 0
        print(
            f"  {kind:<28} {statistics.median(samples):8.1f} {p95(samples):8.1f} "
            f"{p99(samples):8.1f} {p95(samples) / health:10.1f} {mean_results:8.1f} "
            f"{mean_total:8.1f}"
        )
    overall = p95(every)
    read = p95(times["case read"])
    print(
        f"  {'/healthz (reference)':<28} {statistics.median(times['/healthz']):8.1f} {health:8.1f} "
        f"{p99(times['/healthz']):8.1f}"
    )
    print(
        f"  {'GET /referrals/{id} (ref.)':<28} {statistics.median(times['case read']):8.1f} "
        f"{read:8.1f} {read / health:10.1f}"
    )
    met = overall < TARGET_P95_MS
    print(
        f"  all searches: p50 {statistics.median(every):.1f} ms, p99 {p99(every):.1f} ms",
        flush=True,
    )
    print(
        f"  all searches: p95 {overall:.1f} ms = {overall / health:.1f} × /healthz p95 = "
        f"{overall / read:.1f} × a case read's p95 "
        f"({len(every)} requests); target p95 < {TARGET_P95_MS:.0f} ms: "
        f"{'met' if met else 'NOT met'} (load average now {os.getloadavg()[0]:.1f})",
        flush=True,
    )
    return met


def main() -> int:
    print(f"bench_search: scale {SCALE} ({REFERRALS:,} referrals), {ROUNDS} queries per kind")
    results = []
    with tempfile.TemporaryDirectory(prefix="bench-search-") as folder:
        for backend in BACKENDS:
            results.append(run_backend(backend.strip(), Path(folder)))
    return 0 if all(results) else 1


if __name__ == "__main__":
    sys.exit(main())
