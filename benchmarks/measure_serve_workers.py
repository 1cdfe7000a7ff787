"""Memory of the lookup API's workers through the real server path (issue #20): `netsafe serve
--workers W` over a list of N realistic PDQ hashes, each worker opening NETSAFE_HOME/index
memory-mapped (and warming it) on its first lookup; then every worker's RSS, PSS (a page shared
by k processes counts 1/k in each) and private memory from /proc/<pid>/smaps_rollup, and the
first and later lookups' times as the client saw them.

    python benchmarks/measure_serve_workers.py [N=5000000] [WORKERS=2,4]

Everything lives in a temporary NETSAFE_HOME (SQLite); the list is imported with `netsafe
hashlist import`, as an operator would.
"""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.parse
import urllib.request
from pathlib import Path

import numpy as np

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
BIN = Path(sys.executable).parent
LOOKUPS = 400  # requests, spread by the kernel over the workers
HASHES_PER_LOOKUP = 10


AGENCIES = """
from netsafe.cli.context import command_context
from netsafe.platform.agencies import ensure_agencies
from netsafe.store.engine import make_session_factory, unit_of_work
from netsafe.store.repositories.agencies import SqlAgencyRepository
with unit_of_work(make_session_factory(command_context().engine)) as session:
    ensure_agencies(SqlAgencyRepository(session))
"""


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def netsafe(env: dict[str, str], *args: str, stdin: str | None = None) -> str:
    result = subprocess.run(
        [str(BIN / "netsafe"), *args], env=env, input=stdin, text=True,
        capture_output=True, check=True,
    )  # fmt: skip
    return result.stdout


def post(url: str, body: bytes, headers: dict[str, str]) -> dict[str, object]:
    if not url.startswith("http://127.0.0.1:"):
        raise ValueError(f"only the server this script started: {url}")
    request = urllib.request.Request(url, data=body, headers=headers, method="POST")  # noqa: S310
    with urllib.request.urlopen(request, timeout=600) as response:  # noqa: S310
        return json.loads(response.read())  # type: ignore[no-any-return]


def memory(pid: int) -> tuple[float, float, float]:
    """RSS, PSS and private (clean + dirty) memory of `pid`, in GB."""
    fields: dict[str, int] = {}
    for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines()[1:]:
        name, value = line.split(":", 1)
        fields[name] = int(value.split()[0])
    private = fields["Private_Clean"] + fields["Private_Dirty"]
    return fields["Rss"] / 1e6, fields["Pss"] / 1e6, private / 1e6


def workers_of(pid: int) -> list[int]:
    """The server's worker processes (spawned by multiprocessing; not its resource tracker)."""
    path = Path(f"/proc/{pid}/task/{pid}/children")
    found = [int(p) for p in path.read_text().split()] if path.exists() else []
    return [p for p in found if b"spawn_main" in Path(f"/proc/{p}/cmdline").read_bytes()]


def serve(env: dict[str, str], workers: int, queries: list[str]) -> None:
    port = free_port()
    server = subprocess.Popen(
        [str(BIN / "netsafe"), "serve", "--workers", str(workers), "--port", str(port),
         "--no-access-log"],
        env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True,
    )  # fmt: skip
    api = f"http://127.0.0.1:{port}/api/v1"
    try:
        for _ in range(600):
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=5).read()
                break
            except OSError:
                time.sleep(0.5)
        form = urllib.parse.urlencode({"username": "bench", "password": "bench-password-1"})
        token = post(
            f"{api}/auth/token", form.encode(),
            {"Content-Type": "application/x-www-form-urlencoded"},
        )["access_token"]  # fmt: skip
        headers = {"Authorization": f"Bearer {token}", "Content-Type": "application/json"}
        times = []
        matched = 0
        for i in range(LOOKUPS):
            chunk = queries[i * HASHES_PER_LOOKUP : (i + 1) * HASHES_PER_LOOKUP]
            body = json.dumps({"hashes": [{"type": "pdq", "value": v} for v in chunk]}).encode()
            started = time.perf_counter()
            answer = post(f"{api}/lookup", body, headers)
            times.append(time.perf_counter() - started)
            results: list[dict[str, list[object]]] = answer["results"]  # type: ignore[assignment]
            matched += sum(len(result["matches"]) for result in results)
        pids = workers_of(server.pid)
        print(
            f"  {workers} workers (pids {pids}), {LOOKUPS} lookups of {HASHES_PER_LOOKUP} PDQ "
            f"hashes ({matched} matches): slowest {max(times):.2f} s (a worker opening the index), "
            f"median {sorted(times)[len(times) // 2] * 1000:.0f} ms; load {os.getloadavg()[0]:.1f}"
        )
        total_pss = 0.0
        for pid in pids:
            rss, pss, private = memory(pid)
            total_pss += pss
            print(f"    worker {pid}: RSS {rss:.2f} GB, PSS {pss:.2f} GB, private {private:.2f} GB")
        print(f"    sum of the workers' PSS {total_pss:.2f} GB", flush=True)
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=60)


def main() -> None:
    from bench_pdq_index import flip_bits
    from pdq_datasets import realistic

    count = int(sys.argv[1]) if len(sys.argv) > 1 else 5_000_000
    worker_counts = [int(w) for w in (sys.argv[2] if len(sys.argv) > 2 else "2,4").split(",")]
    print(f"{count:,} realistic PDQ hashes; load {os.getloadavg()[0]:.1f}", flush=True)
    with tempfile.TemporaryDirectory(prefix="netsafe-serve-workers-") as name:
        home = Path(name)
        env = {
            **os.environ,
            "NETSAFE_HOME": str(home),
            "NETSAFE_ENV": "development",
            "NETSAFE_SECRET_KEY": "bench-" + "x" * 40,
        }
        hashes = realistic(count)
        rng = np.random.default_rng(5)
        near = hashes[rng.choice(count, LOOKUPS * HASHES_PER_LOOKUP, replace=False)].copy()
        flip_bits(near, rng, 0, 31)
        queries = [row.tobytes().hex() for row in near]
        listed = home / "list.csv"
        with listed.open("w", encoding="utf-8") as out:
            out.write("pdq,category\n")
            for start in range(0, count, 1_000_000):
                block = hashes[start : start + 1_000_000]
                out.writelines(f"{row.tobytes().hex()},A\n" for row in block)
        del hashes
        netsafe(env, "db", "upgrade")
        subprocess.run([sys.executable, "-c", AGENCIES], env=env, check=True)
        netsafe(
            env, "user", "create", "bench", "--agency", "gwent", "--role", "investigator",
            "--password-stdin", stdin="bench-password-1\n",
        )  # fmt: skip
        started = time.perf_counter()
        netsafe(env, "hashlist", "import", str(listed), "--name", "bench", "--format", "csv")
        print(f"  imported and indexed in {time.perf_counter() - started:.0f} s", flush=True)
        listed.unlink()
        for workers in worker_counts:
            serve(env, workers, queries)


if __name__ == "__main__":
    main()
