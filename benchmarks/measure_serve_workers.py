"""Memory of the lookup API's workers through the real server path (issue #20): `netsafe serve
--workers W` over a list of N realistic PDQ hashes, each worker opening NETSAFE_HOME/index
memory-mapped (and warming it) on its first lookup; then every worker's RSS, PSS (a page shared
by k processes counts 1/k in each) and private memory from /proc/<pid>/smaps_rollup, and the
first and later lookups' times as the client saw them.

    python benchmarks/measure_serve_workers.py [N=5000000] [WORKERS=2,4] [exact]

With `exact`, every entry also has a (seeded, random) md5, sha1 and sha256, and each lookup
asks 4 PDQ near copies and 2 listed digests of each kind: the exact indexes are memory-mapped
too, so they are shared like the PDQ index (their size on disk is printed beside the PDQ
index's and the catalog's).

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


def mapped(pid: int, folder: Path) -> str:
    """RSS and PSS of `pid`'s mappings of the saved index's files, by part (GB)."""
    parts: dict[str, list[float]] = {}
    part = None
    for line in Path(f"/proc/{pid}/smaps").read_text().splitlines():
        fields = line.split()
        if not line[0].isupper() or not fields[0].endswith(":"):  # a mapping's first line
            path = fields[-1] if len(fields) > 5 else ""
            inside = path.startswith(str(folder) + "/")
            part = Path(path).relative_to(folder).parts[0] if inside else None
            if part is not None and part.endswith(".npy"):
                part = "catalog"
        elif part is not None and fields[0] in ("Rss:", "Pss:"):
            held = parts.setdefault(part, [0.0, 0.0])
            held[fields[0] == "Pss:"] += int(fields[1]) / 1e6
    return ", ".join(f"{name} {rss:.2f}/{pss:.2f}" for name, (rss, pss) in sorted(parts.items()))


def workers_of(pid: int) -> list[int]:
    """The server's worker processes (spawned by multiprocessing; not its resource tracker)."""
    path = Path(f"/proc/{pid}/task/{pid}/children")
    found = [int(p) for p in path.read_text().split()] if path.exists() else []
    return [p for p in found if b"spawn_main" in Path(f"/proc/{p}/cmdline").read_bytes()]


def serve(env: dict[str, str], workers: int, queries: list[list[dict[str, str]]]) -> None:
    folder = Path(env["NETSAFE_HOME"]).resolve() / "index"
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
        for chunk in queries:
            body = json.dumps({"hashes": chunk}).encode()
            started = time.perf_counter()
            answer = post(f"{api}/lookup", body, headers)
            times.append(time.perf_counter() - started)
            results: list[dict[str, list[object]]] = answer["results"]  # type: ignore[assignment]
            matched += sum(len(result["matches"]) for result in results)
        pids = workers_of(server.pid)
        print(
            f"  {workers} workers (pids {pids}), {LOOKUPS} lookups of {HASHES_PER_LOOKUP} "
            f"hashes ({matched} matches): slowest {max(times):.2f} s (a worker opening the index), "
            f"median {sorted(times)[len(times) // 2] * 1000:.0f} ms; load {os.getloadavg()[0]:.1f}"
        )
        total_pss = 0.0
        for pid in pids:
            rss, pss, private = memory(pid)
            total_pss += pss
            print(
                f"    worker {pid}: RSS {rss:.2f} GB, PSS {pss:.2f} GB, private {private:.2f} GB; "
                f"of it the saved index's files, RSS/PSS GB: {mapped(pid, folder)}"
            )
        print(f"    sum of the workers' PSS {total_pss:.2f} GB", flush=True)
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=60)


def digests_for(start: int, count: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """md5, sha1 and sha256 digests (random bytes, seeded by position) of entries start.."""
    rng = np.random.default_rng(1_000_003 + start)
    return tuple(rng.integers(0, 256, (count, n), dtype=np.uint8) for n in (16, 20, 32))  # type: ignore[return-value]


def lookups(pdq: list[dict[str, str]], listed: list[list[str]]) -> list[list[dict[str, str]]]:
    """The requests: HASHES_PER_LOOKUP PDQ near copies each; or, given `listed` digests
    ([md5, sha1, sha256] of 2 entries a request), 4 near copies and those 6 digests."""
    if not listed:
        return [pdq[i : i + HASHES_PER_LOOKUP] for i in range(0, len(pdq), HASHES_PER_LOOKUP)]
    out = []
    for i in range(LOOKUPS):
        ask = pdq[i * 4 : i * 4 + 4]
        for digests in listed[2 * i : 2 * i + 2]:
            names = ("md5", "sha1", "sha256")
            ask.extend({"type": n, "value": v} for n, v in zip(names, digests, strict=True))
        out.append(ask)
    return out


def sizes(folder: Path) -> str:
    """GB on disk of the index's parts: the exact indexes, the PDQ index, the rest."""
    parts = {"md5": 0, "sha1": 0, "sha256": 0, "pdq": 0, "catalog and the rest": 0}
    for path in folder.rglob("*"):
        if path.is_file():
            top = path.relative_to(folder).parts[0]
            parts[top if top in parts else "catalog and the rest"] += path.stat().st_size
    return ", ".join(f"{name} {size / 1e9:.2f} GB" for name, size in parts.items())


def main() -> None:
    from bench_pdq_index import flip_bits
    from pdq_datasets import realistic

    count = int(sys.argv[1]) if len(sys.argv) > 1 else 5_000_000
    worker_counts = [int(w) for w in (sys.argv[2] if len(sys.argv) > 2 else "2,4").split(",")]
    exact = len(sys.argv) > 3 and sys.argv[3] == "exact"
    kinds = "realistic PDQ hashes" + (" with md5, sha1 and sha256" if exact else "")
    print(f"{count:,} entries: {kinds}; load {os.getloadavg()[0]:.1f}", flush=True)
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
        picked = rng.choice(count, LOOKUPS * HASHES_PER_LOOKUP, replace=False)
        near = hashes[picked].copy()
        flip_bits(near, rng, 0, 31)
        asked = [{"type": "pdq", "value": row.tobytes().hex()} for row in near]
        wanted = picked[4 * LOOKUPS : 6 * LOOKUPS]  # entries whose digests are looked up
        known: dict[int, list[str]] = {}
        listed = home / "list.csv"
        with listed.open("w", encoding="utf-8") as out:
            out.write(("md5,sha1,sha256," if exact else "") + "pdq,category\n")
            for start in range(0, count, 1_000_000):
                block = hashes[start : start + 1_000_000]
                if not exact:
                    out.writelines(f"{row.tobytes().hex()},A\n" for row in block)
                    continue
                digests = digests_for(start, len(block))
                for entry in wanted[(wanted >= start) & (wanted < start + len(block))].tolist():
                    known[entry] = [d[entry - start].tobytes().hex() for d in digests]
                out.writelines(
                    f"{a.tobytes().hex()},{b.tobytes().hex()},{c.tobytes().hex()},"
                    f"{row.tobytes().hex()},A\n"
                    for a, b, c, row in zip(*digests, block, strict=True)
                )
        del hashes
        queries = lookups(asked, [known[e] for e in wanted.tolist()] if exact else [])
        netsafe(env, "db", "upgrade")
        subprocess.run([sys.executable, "-c", AGENCIES], env=env, check=True)
        netsafe(
            env, "user", "create", "bench", "--agency", "gwent", "--role", "investigator",
            "--password-stdin", stdin="bench-password-1\n",
        )  # fmt: skip
        started = time.perf_counter()
        netsafe(env, "hashlist", "import", str(listed), "--name", "bench", "--format", "csv")
        print(f"  imported and indexed in {time.perf_counter() - started:.0f} s", flush=True)
        print(f"  index on disk: {sizes(home / 'index')}", flush=True)
        listed.unlink()
        for workers in worker_counts:
            serve(env, workers, queries)


if __name__ == "__main__":
    main()
