"""Operation platform under load: 100,000 referrals and 1,000,000 audit rows on PostgreSQL,
100 concurrent clients from a second process on loopback, p95 latency of the dashboard page, the
referral queue page and the lookup API (targets: p95 < 200 ms, zero errors).

The reference is `/healthz` (the app answering one `SELECT 1`) under the same load in the same
run; each endpoint's p95 is also given as a ratio to it.

    python benchmarks/bench_platform_load.py                 # full size
    NETSAFE_BENCH_SCALE=0.05 python benchmarks/bench_platform_load.py   # quick: 5% of the data
    NETSAFE_BENCH_DURATION=5 NETSAFE_BENCH_CLIENTS=50 ...    # shorter runs, fewer clients
    NETSAFE_BENCH_GENERATOR=httpx ...                       # the Python generator, not wrk
    NETSAFE_BENCH_THINK=0 ...    # skip the second round (users pausing ~1 s between requests)

The target is judged on closed-loop clients (each sends its next request the moment the last
answer arrives: 100 requests always in flight). A second round then runs the same endpoints with
100 users who pause 0.5-1.5 s between requests, as locust's usual `between(0.5, 1.5)` users do
(NETSAFE_BENCH_THINK sets the mean pause): the latency people working the platform would see.
    NETSAFE_BENCH_KEEP=1 ...     # keep the schema at the end; reuse it next run (same scale)
    NETSAFE_BENCH_PIN=0 ...      # workers not kept to a CPU each (`netsafe serve --pin-workers`)

Needs PostgreSQL on 127.0.0.1:5432 (database `test`, user postgres; NETSAFE_BENCH_POSTGRES_URL
overrides); works in a schema of its own (`bench_platform`), dropped at the end. The load comes
from `wrk` when installed (scripts/install-system-deps), else from an httpx/asyncio generator in
this file, run as a second process either way. Every request
loop is bounded in time; traffic goes to 127.0.0.1 only.
"""

from __future__ import annotations

import asyncio
import json
import os
import random
import secrets
import shutil
import signal
import socket
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
SCHEMA = "bench_platform"
SCALE = float(os.environ.get("NETSAFE_BENCH_SCALE", "1"))
REFERRALS = max(1000, int(100_000 * SCALE))
AUDIT_ROWS = max(10_000, int(1_000_000 * SCALE))
CLIENTS = int(os.environ.get("NETSAFE_BENCH_CLIENTS", "100"))
DURATION = float(os.environ.get("NETSAFE_BENCH_DURATION", "15"))
WARMUP = 2.0
THINK = float(os.environ.get("NETSAFE_BENCH_THINK", "1.0"))
WORKERS = int(os.environ.get("NETSAFE_BENCH_WORKERS", "2"))
KEEP = os.environ.get("NETSAFE_BENCH_KEEP", "") == "1"
PIN = os.environ.get("NETSAFE_BENCH_PIN", "1") == "1"
TARGET_P95_MS = 200.0
SECRET = "bench-platform-secret-key-0123456789abcdef"  # noqa: S105 - a throwaway test key
FORCES = ("south-wales", "gwent", "dyfed-powys", "north-wales")


def _schema_url() -> str:
    from sqlalchemy import make_url

    url = make_url(POSTGRES_URL).update_query_dict({"options": f"-csearch_path={SCHEMA}"})
    return url.render_as_string(hide_password=False)


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


# --- data -------------------------------------------------------------------------------------


BENCH_USERS = (
    ("bench.lead", "regional-unit", "operation-lead"),
    ("bench.investigator", "gwent", "investigator"),
)


def reuse_database() -> dict[str, str] | None:
    """With NETSAFE_BENCH_KEEP=1, the tokens of a kept schema holding this scale's data (it is
    migrated to the current head first); None when there is none to reuse."""
    from sqlalchemy import create_engine, func, select, text

    from netsafe.settings import load_settings
    from netsafe.store.engine import make_engine, make_session_factory, unit_of_work
    from netsafe.store.migrate import upgrade
    from netsafe.store.models.operation import ReferralRow
    from netsafe.store.repositories.users import SqlUserRepository
    from netsafe.web.tokens import issue_bearer_token

    if not KEEP:
        return None
    admin = create_engine(POSTGRES_URL)
    with admin.connect() as connection:
        exists = connection.scalar(
            text("SELECT 1 FROM information_schema.schemata WHERE schema_name = :s"), {"s": SCHEMA}
        )
    admin.dispose()
    if not exists:
        return None
    engine = make_engine(_schema_url())
    try:
        upgrade(engine)
        settings = load_settings(env="production", database_url=_schema_url(), secret_key=SECRET)
        with unit_of_work(make_session_factory(engine)) as session:
            if session.scalar(select(func.count()).select_from(ReferralRow)) != REFERRALS:
                return None
            users = SqlUserRepository(session)
            found = {name: users.by_username(name) for name, _agency, _role in BENCH_USERS}
    finally:
        engine.dispose()
    if any(user is None for user in found.values()):
        return None
    print(f"  reusing the kept schema {SCHEMA} ({REFERRALS:,} referrals)", flush=True)
    return {
        name: issue_bearer_token(settings, user.id, user.security_stamp)
        for name, user in found.items()
        if user is not None
    }


def prepare_database() -> dict[str, str]:
    """Fresh schema, migrated, with the referrals, audit rows and two users; their tokens."""
    from sqlalchemy import create_engine, insert, text

    from netsafe.platform.agencies import ensure_agencies
    from netsafe.platform.audit import AuditEvent, chain_hash
    from netsafe.platform.roles import Role
    from netsafe.platform.users import NewUser
    from netsafe.settings import load_settings
    from netsafe.store.engine import make_engine, make_session_factory, unit_of_work
    from netsafe.store.migrate import upgrade
    from netsafe.store.models.operation import ReferralRow
    from netsafe.store.repositories.agencies import SqlAgencyRepository
    from netsafe.store.repositories.users import SqlUserRepository
    from netsafe.web.tokens import issue_bearer_token

    admin = create_engine(POSTGRES_URL)
    with admin.begin() as connection:
        connection.execute(text(f'DROP SCHEMA IF EXISTS "{SCHEMA}" CASCADE'))
        connection.execute(text(f'CREATE SCHEMA "{SCHEMA}"'))
    admin.dispose()
    engine = make_engine(_schema_url())
    upgrade(engine)
    settings = load_settings(env="production", database_url=_schema_url(), secret_key=SECRET)
    tokens = {}
    with unit_of_work(make_session_factory(engine)) as session:
        ensure_agencies(SqlAgencyRepository(session))
        for name, agency, role in BENCH_USERS:
            stamp = secrets.token_hex(8)
            user = SqlUserRepository(session).add(
                NewUser(
                    name, agency, Role(role), "bench-uses-minted-tokens", stamp, datetime.now(UTC)
                )
            )
            tokens[name] = issue_bearer_token(settings, user.id, stamp)

    started = time.perf_counter()
    rng = random.Random(20261123)
    now = datetime.now(UTC)
    bands = [(None, 1), ("low", 4), ("medium", 3), ("high", 2), ("very-high", 1)]
    days = {"low": 30, "medium": 14, "high": 7, "very-high": 1, None: 2}
    rows = []
    for _ in range(REFERRALS):
        received = now - timedelta(minutes=rng.randrange(3 * 365 * 24 * 60))
        band = rng.choices([b for b, _ in bands], [w for _, w in bands])[0]
        deadline = received + timedelta(days=days[band])
        age = (now - received).days
        closed = age > 60 and rng.random() < 0.97
        responded = None
        if closed or (age > 10 and rng.random() < 0.6):
            responded = received + timedelta(hours=rng.randrange(1, 24 * (days[band] + 3)))
        rows.append(
            {
                "source": rng.choice(
                    ["national-referral", "hash-lookup", "public-report", "partner"]
                ),
                "force": rng.choice(FORCES),
                "received_at": received,
                "summary": "Synthetic benchmark referral",
                "status": "closed" if closed else ("actioned" if responded else "assessed"),
                "deadline_at": deadline,
                "risk_band": band,
                "responded_at": responded,
                "created_by": "bench.lead",
                "created_at": received,
                "restricted": False,
            }
        )
    with engine.begin() as connection:
        for start in range(0, len(rows), 10_000):
            connection.execute(insert(ReferralRow), rows[start : start + 10_000])
    print(f"  {REFERRALS:,} referrals in {time.perf_counter() - started:.1f} s", flush=True)

    started = time.perf_counter()
    columns = (
        "id, at, action, resource_type, resource_id, actor_user_id, actor, actor_agency, "
        "request_id, client, outcome, detail, prev_hash, hash"
    )
    prev = "0" * 64
    first = now - timedelta(days=365)
    step = timedelta(days=365) / AUDIT_ROWS
    raw = engine.raw_connection()
    try:
        cursor = raw.cursor()
        with cursor.copy(f"COPY audit_log ({columns}) FROM STDIN") as copy:  # type: ignore[attr-defined]
            for seq in range(1, AUDIT_ROWS + 1):
                event = AuditEvent(
                    at=first + step * seq,
                    action=rng.choice(["referral.read", "referral.list", "exhibit.read"]),
                    resource_type="referral",
                    resource_id=str(rng.randrange(1, REFERRALS)),
                    actor_user_id=1,
                    actor="bench.lead",
                    actor_agency="regional-unit",
                    request_id=None,
                    client="127.0.0.1",
                )
                digest = chain_hash(prev, seq, event)
                copy.write_row(
                    (
                        seq, event.at, event.action, event.resource_type, event.resource_id,
                        1, event.actor, event.actor_agency, None, event.client, event.outcome,
                        None, prev, digest,
                    )
                )  # fmt: skip
                prev = digest
        cursor.execute("DELETE FROM audit_head")
        cursor.execute(
            "INSERT INTO audit_head (id, seq, hash) VALUES (1, %s, %s)", (AUDIT_ROWS, prev)
        )
        raw.commit()
    finally:
        raw.close()
    # A database in service is vacuumed by autovacuum; do the same for the freshly loaded one.
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
        connection.execute(text("VACUUM ANALYZE"))
    engine.dispose()
    print(f"  {AUDIT_ROWS:,} audit rows in {time.perf_counter() - started:.1f} s", flush=True)
    return tokens


def drop_schema() -> None:
    from sqlalchemy import create_engine, text

    admin = create_engine(POSTGRES_URL)
    with admin.begin() as connection:
        connection.execute(text(f'DROP SCHEMA IF EXISTS "{SCHEMA}" CASCADE'))
    admin.dispose()


# --- the server and the load generator ------------------------------------------------------------


def start_server(home: Path) -> tuple[subprocess.Popen[bytes], str]:
    import httpx

    port = _free_port()
    env = {
        **os.environ,
        "NETSAFE_ENV": "production",
        "NETSAFE_SECRET_KEY": SECRET,
        "NETSAFE_DATABASE_URL": _schema_url(),
        "NETSAFE_HOME": str(home),
        "NETSAFE_LOG_LEVEL": "WARNING",
    }
    command = [
        sys.executable, "-m", "netsafe", "serve", "--host", "127.0.0.1", "--port", str(port),
        "--workers", str(WORKERS), "--no-access-log", *(["--pin-workers"] if PIN else []),
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
    server.terminate()
    raise RuntimeError("the server did not start")


def stop_server(server: subprocess.Popen[bytes]) -> None:
    """Stop `netsafe serve` and its workers (its own process group), forcibly if it does not
    stop."""
    server.terminate()
    try:
        server.wait(timeout=30)
    except subprocess.TimeoutExpired:
        os.killpg(server.pid, signal.SIGKILL)
        server.wait(timeout=30)


async def _load(
    url: str,
    method: str,
    headers: dict[str, str],
    body: str | None,
    clients: int,
    duration: float,
    think: float = 0.0,
) -> dict[str, Any]:
    import httpx

    latencies: list[float] = []
    errors: dict[str, int] = {}
    limits = httpx.Limits(max_connections=clients, max_keepalive_connections=clients)
    async with httpx.AsyncClient(limits=limits, timeout=30) as http:
        start = time.perf_counter()
        measure_from = start + WARMUP
        stop = measure_from + duration

        async def client() -> None:
            while True:
                sent = time.perf_counter()
                if sent >= stop:
                    return
                try:
                    response = await http.request(method, url, headers=headers, content=body)
                    status = response.status_code
                except httpx.HTTPError as error:
                    status = type(error).__name__  # type: ignore[assignment]
                done = time.perf_counter()
                if sent >= measure_from:
                    latencies.append(done - sent)
                    if status != 200:
                        errors[str(status)] = errors.get(str(status), 0) + 1
                if think > 0:
                    await asyncio.sleep(random.uniform(0.5, 1.5) * think)

        await asyncio.gather(*(client() for _ in range(clients)))
    latencies.sort()

    def pct(p: float) -> float:
        return latencies[min(len(latencies) - 1, int(p * len(latencies)))] * 1000

    return {
        "requests": len(latencies),
        "errors": errors,
        "rps": len(latencies) / duration,
        "p50_ms": pct(0.50),
        "p95_ms": pct(0.95),
        "p99_ms": pct(0.99),
        "max_ms": latencies[-1] * 1000,
        "generator": "httpx",
    }


WRK_SCRIPT = """
wrk.method = %(method)s
wrk.body = %(body)s
%(headers)s
done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    '{"requests": %%d, "duration_us": %%d, "p50_us": %%d, "p95_us": %%d, "p99_us": %%d, ' ..
    '"max_us": %%d, "connect": %%d, "read": %%d, "write": %%d, "status": %%d, "timeout": %%d}\\n',
    summary.requests, summary.duration, latency:percentile(50), latency:percentile(95),
    latency:percentile(99), latency.max, e.connect, e.read, e.write, e.status, e.timeout))
end
"""


def _lua(value: str) -> str:
    return json.dumps(value)  # a JSON string is a valid Lua string literal for these values


def run_wrk(spec: dict[str, Any], wrk: str) -> dict[str, Any]:
    """`wrk` (C, two threads) as the second process: a warm-up run, then the measured run."""
    headers = "\n".join(f"wrk.headers[{_lua(k)}] = {_lua(v)}" for k, v in spec["headers"].items())
    script = WRK_SCRIPT % {
        "method": _lua(spec["method"]),
        "body": _lua(spec["body"]) if spec["body"] else "nil",
        "headers": headers,
    }
    think = float(spec.get("think", 0))
    if think > 0:  # wrk waits delay() ms before each connection's next request
        low, high = round(think * 500), round(think * 1500)
        script += f"function delay()\n  return math.random({low}, {high})\nend\n"
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as handle:
        handle.write(script)
    try:
        figures: dict[str, Any] = {}
        for seconds in (WARMUP, spec["duration"]):
            command = [
                wrk, "-t2", f"-c{spec['clients']}", f"-d{max(1, round(seconds))}s",
                "--timeout", "30s", "-s", handle.name, spec["url"],
            ]  # fmt: skip
            result = subprocess.run(
                command, check=True, capture_output=True, text=True, timeout=seconds + 120
            )
            line = [x for x in result.stdout.splitlines() if x.startswith("{")][-1]
            figures = json.loads(line)
    finally:
        Path(handle.name).unlink()
    errors = {
        k: figures[k] for k in ("connect", "read", "write", "status", "timeout") if figures[k]
    }
    return {
        "generator": "wrk",
        "requests": figures["requests"],
        "errors": errors,
        "rps": figures["requests"] / (figures["duration_us"] / 1e6),
        "p50_ms": figures["p50_us"] / 1000,
        "p95_ms": figures["p95_us"] / 1000,
        "p99_ms": figures["p99_us"] / 1000,
        "max_ms": figures["max_us"] / 1000,
    }


def run_loadgen(spec: dict[str, Any]) -> dict[str, Any]:
    """Run the load generator in a second process and return its figures: `wrk` when installed
    (scripts/install-system-deps), else the httpx/asyncio generator in this file."""
    wrk = shutil.which("wrk")
    if wrk and os.environ.get("NETSAFE_BENCH_GENERATOR", "wrk") == "wrk":
        return run_wrk(spec, wrk)
    result = subprocess.run(
        [sys.executable, __file__, "--loadgen", json.dumps(spec)],
        check=True,
        capture_output=True,
        text=True,
        timeout=spec["duration"] + 120,
    )
    figures: dict[str, Any] = json.loads(result.stdout)
    return figures


def _round(
    base: str, cases: list[tuple[str, str, str, dict[str, str], str | None]], think: float
) -> list[tuple[str, dict[str, Any]]]:
    """Every case under load in turn (`think`: the users' mean pause, 0 for a closed loop)."""
    results = []
    for name, method, path, headers, body in cases:
        spec = {
            "url": base + path,
            "method": method,
            "headers": headers,
            "body": body,
            "clients": CLIENTS,
            "duration": DURATION,
            "think": think,
        }
        figures = run_loadgen(spec)
        results.append((name, figures))
        _print_figures(name, figures)
    return results


def _print_figures(name: str, figures: dict[str, Any]) -> None:
    print(
        f"  {name:48s} {figures['requests']:7,d} req  {figures['rps']:7.1f} req/s  "
        f"p50 {figures['p50_ms']:7.1f} ms  p95 {figures['p95_ms']:7.1f} ms  "
        f"p99 {figures['p99_ms']:7.1f} ms  errors {sum(figures['errors'].values())}"
        f"{' ' + json.dumps(figures['errors']) if figures['errors'] else ''}",
        flush=True,
    )


def main() -> int:
    print(
        f"platform load: {REFERRALS:,} referrals, {AUDIT_ROWS:,} audit rows, {CLIENTS} clients, "
        f"{DURATION:.0f} s per endpoint (after {WARMUP:.0f} s warm-up), {WORKERS} server workers"
        f"{', one CPU each' if PIN else ''}",
        flush=True,
    )
    started, load_at_start = time.perf_counter(), os.getloadavg()[0]
    tokens = reuse_database() or prepare_database()
    lead = {"Authorization": f"Bearer {tokens['bench.lead']}"}
    force = {"Authorization": f"Bearer {tokens['bench.investigator']}"}
    lookup = json.dumps(
        {"hashes": [{"type": "sha1", "value": secrets.token_hex(20)} for _ in range(10)]}
    )
    cases = [
        ("reference: /healthz", "GET", "/healthz", {}, None),
        ("dashboard page (operation lead, all forces)", "GET", "/operation", lead, None),
        ("dashboard page (one force)", "GET", "/operation", force, None),
        ("referral queue page (operation lead)", "GET", "/operation/queue", lead, None),
        ("referral queue API (one force)", "GET", "/api/v1/referrals", force, None),
        ("lookup API (10 SHA-1 per request)", "POST", "/api/v1/lookup",
         {**lead, "Content-Type": "application/json"}, lookup),
    ]  # fmt: skip
    users: list[tuple[str, dict[str, Any]]] = []
    with tempfile.TemporaryDirectory(prefix="netsafe-bench-") as home:
        server, base = start_server(Path(home))
        try:
            results = _round(base, cases, think=0.0)
            if THINK > 0:
                print(
                    f"\n{CLIENTS} users pausing {THINK * 0.5:g}-{THINK * 1.5:g} s between "
                    "requests (not judged: the target is on the closed-loop clients above):",
                    flush=True,
                )
                users = _round(base, cases, think=THINK)
        finally:
            stop_server(server)
    if not KEEP:
        drop_schema()
    reference = results[0][1]["p95_ms"]
    print(f"\nagainst the reference (/healthz p95 {reference:.1f} ms):")
    missed = 0
    for name, figures in results[1:]:
        met = (
            figures["requests"] > 0 and figures["p95_ms"] < TARGET_P95_MS and not figures["errors"]
        )
        missed += not met
        print(
            f"  {name:48s} p95 {figures['p95_ms']:7.1f} ms = {figures['p95_ms'] / reference:5.1f}x "
            f"reference; target p95 < {TARGET_P95_MS:.0f} ms, 0 errors: "
            f"{'target met' if met else 'target missed'}"
        )
    print(f"\n{len(results) - 1 - missed} of {len(results) - 1} endpoints met the target")
    if users:
        under = sum(1 for _, f in users[1:] if f["p95_ms"] < TARGET_P95_MS and not f["errors"])
        print(
            f"with users pausing between requests: {under} of {len(users) - 1} endpoints had "
            f"p95 < {TARGET_P95_MS:.0f} ms and no errors"
        )
    print(
        f"load generator: {results[0][1]['generator']}; machine load average at the end: "
        f"{os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs (at the start: {load_at_start:.1f}); "
        f"whole run {time.perf_counter() - started:.0f} s"
    )
    return 0


if __name__ == "__main__":
    if len(sys.argv) == 3 and sys.argv[1] == "--loadgen":
        spec = json.loads(sys.argv[2])
        figures = asyncio.run(
            _load(
                spec["url"],
                spec["method"],
                spec["headers"],
                spec["body"],
                spec["clients"],
                spec["duration"],
                spec.get("think", 0.0),
            )
        )
        sys.stdout.write(json.dumps(figures))
        sys.exit(0)
    sys.exit(main())
