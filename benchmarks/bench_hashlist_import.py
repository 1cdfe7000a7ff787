"""Benchmark: import a generated VICS 2.0 hash set into SQLite and PostgreSQL, then its next one.

Target (hash-list issue): 10,000,000 entries at >= 100,000 entries/s with peak RSS < 500 MB, on
both backends; re-importing the next release (every 50th entry gone, every 100th recategorised,
1% new) must report exactly those added/removed counts and stay under 500 MB too. References
measured in the same run: how fast this script writes the file (json.dumps per entry), and how
fast ijson's C backend alone parses it (no checks, no storage).

    python benchmarks/bench_hashlist_import.py            # 10,000,000 entries
    NETSAFE_BENCH_HASHLIST_ENTRIES=200000 python benchmarks/bench_hashlist_import.py   # quick
    NETSAFE_BENCH_BACKENDS=sqlite python benchmarks/bench_hashlist_import.py   # one backend

The two files are generated under benchmarks/.data/ (seeded; about 257 bytes an entry, 2.6 GB
each at full scale) and deleted afterwards (kept and reused with NETSAFE_BENCH_KEEP_DATA=1).
PostgreSQL: NETSAFE_BENCH_POSTGRES_URL (default the local test server), in a schema of its own
dropped at the end; skipped when no server answers. Each import runs in a fresh process; its
peak RSS and that of its reading helper process (the helper's own VmHWM) are both reported, and
the target is judged on their sum. CPU seconds are reported per process, with the PostgreSQL
server process of the import's session when the server runs on this machine.
"""

from __future__ import annotations

import json
import os
import random
import resource
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

HERE = Path(__file__).resolve().parent
ENTRIES = int(os.environ.get("NETSAFE_BENCH_HASHLIST_ENTRIES", "10000000"))
POSTGRES_URL = os.environ.get(
    "NETSAFE_BENCH_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test"
)
#: NETSAFE_BENCH_KEEP_DATA=1 keeps the generated file and reuses it on the next run.
KEEP = os.environ.get("NETSAFE_BENCH_KEEP_DATA") == "1"
#: NETSAFE_BENCH_BACKENDS: which backends run, comma-separated (default "sqlite,postgresql").
BACKENDS = os.environ.get("NETSAFE_BENCH_BACKENDS", "sqlite,postgresql").lower().split(",")
TARGET_RATE = 100_000
TARGET_RSS_MB = 500
CONTEXT = "http://github.com/VICSDATAMODEL/ProjectVic/DataModels/2.0.xml/CUSTOM/$metadata#Media"


def generate(path: Path, count: int, *, release: int = 1) -> float:
    """Write a VICS 2.0 file like real ones (BOM, upper-case hex, string booleans); entries/s.

    Release 2 is the next version of release 1's list: every 50th entry is gone, every 100th
    (of the rest) has another category, and count // 100 new entries follow (`release_change`).
    """
    rng = random.Random(20261123)
    started = time.perf_counter()
    written = 0
    with path.open("w", encoding="utf-8") as handle:
        handle.write("\ufeff" + json.dumps({"@odata.context": CONTEXT})[:-1] + ', "value": [\n')
        extra = count // 100 if release == 2 else 0
        for number in range(1, count + extra + 1):
            media: dict[str, object] = {
                "MediaID": number,
                "Category": rng.randint(0, 5),
                "MD5": f"{rng.getrandbits(128):032X}",
                "SHA1": f"{rng.getrandbits(160):040X}",
                "MediaSize": rng.randint(1_000, 20_000_000),
                "VictimIdentified": "true" if number % 10 == 0 else "false",
                "IsDistributed": "false",
            }
            if number % 4 == 0:
                media["Series"] = f"series-{number % 997}"
            if number % 3 == 0:
                media["AlternativeHashes"] = [
                    {"HashName": "PDQ", "HashValue": f"{rng.getrandbits(256):064x}"}
                ]
            if release == 2 and number <= count:
                if number % 50 == 0:
                    continue
                if number % 100 == 1:
                    media["Category"] = (int(media["Category"]) + 1) % 6  # type: ignore[call-overload]
            handle.write(("," if written else "") + json.dumps(media) + "\n")
            written += 1
        handle.write("]}\n")
    return written / (time.perf_counter() - started)


def release_change(count: int) -> tuple[int, int]:
    """(added, removed) from release 1 to release 2 of `generate` (the default category map
    gives each of the numbers 0-5 a category of its own, so a changed number is a changed entry).
    """
    dropped = count // 50
    recategorised = len(range(1, count + 1, 100))
    return recategorised + count // 100, dropped + recategorised


def parse_only(path: Path) -> float:
    """ijson's C backend over the file, building each object and nothing else; entries/s."""
    import ijson

    backend = ijson.get_backend("yajl2_c")
    started = time.perf_counter()
    with path.open("rb") as handle:
        handle.read(3)
        count = sum(1 for _ in backend.items(handle, "value.item", use_float=True))
    return count / (time.perf_counter() - started)


IMPORT_SCRIPT = """
import json, os, resource, sys, time
from pathlib import Path
from sqlalchemy import text
from netsafe.hashlists.category_map import CategoryMap
from netsafe.hashlists.formats import ListFormat
from netsafe.hashlists.importer import import_list
from netsafe.hashlists.model import ListSettings, Provenance
from netsafe.hashlists.reading import ListReading
from netsafe.store.engine import make_engine, make_session_factory, unit_of_work
from netsafe.store.migrate import upgrade
from netsafe.store.repositories.hashlists import SqlHashListRepository

def server_cpu(session):
    # CPU seconds of this session's PostgreSQL backend, when the server runs on this machine.
    if session.get_bind().dialect.name != "postgresql":
        return 0.0
    pid = session.execute(text("SELECT pg_backend_pid()")).scalar_one()
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return float("nan")
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")

def main():
    url, path = sys.argv[1], Path(sys.argv[2])
    engine = make_engine(url)
    upgrade(engine)
    started = time.perf_counter()
    reading = ListReading(path, ListFormat.AUTO, CategoryMap.load())
    with unit_of_work(make_session_factory(engine)) as session:
        server_before = server_cpu(session)
        report = import_list(SqlHashListRepository(session), "bench", reading.batches(),
                             list_format=reading.list_format.value, provenance=Provenance(),
                             settings=ListSettings())
    with unit_of_work(make_session_factory(engine)) as session:
        server = server_cpu(session) - server_before  # the pool hands back the same connection
    seconds = time.perf_counter() - started
    own = resource.getrusage(resource.RUSAGE_SELF)
    helper = resource.getrusage(resource.RUSAGE_CHILDREN)
    # The helper's own peak (its ru_maxrss would include this process's memory at its start).
    helper_rss = reading.helper_peak_rss_mb or helper.ru_maxrss / 1024
    print(json.dumps({"entries": report.entries, "added": report.added,
        "removed": report.removed, "seconds": seconds,
        "rss_mb": own.ru_maxrss / 1024, "helper_rss_mb": helper_rss,
        "cpu_s": own.ru_utime + own.ru_stime, "helper_cpu_s": helper.ru_utime + helper.ru_stime,
        "server_cpu_s": server}))

if __name__ == "__main__":
    main()
"""


def run_import(url: str, path: Path) -> dict[str, float]:
    result = subprocess.run(
        [sys.executable, "-c", IMPORT_SCRIPT, url, str(path)],
        check=True,
        capture_output=True,
        text=True,
    )
    data: dict[str, float] = json.loads(result.stdout.strip().splitlines()[-1])
    return data


def postgres_schema_url() -> tuple[str, str] | None:
    try:
        from sqlalchemy import create_engine, make_url, text

        engine = create_engine(POSTGRES_URL)
        schema = f"bench_hashlists_{uuid.uuid4().hex[:8]}"
        with engine.begin() as connection:
            connection.execute(text(f'CREATE SCHEMA "{schema}"'))
        engine.dispose()
    except Exception as error:
        print(f"PostgreSQL: skipped ({type(error).__name__}: {error})")
        return None
    url = make_url(POSTGRES_URL).update_query_dict({"options": f"-csearch_path={schema}"})
    return url.render_as_string(hide_password=False), schema


def drop_schema(schema: str) -> None:
    from sqlalchemy import create_engine, text

    engine = create_engine(POSTGRES_URL)
    with engine.begin() as connection:
        connection.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
    engine.dispose()


def report(backend: str, result: dict[str, float], parse_rate: float) -> bool:
    rate = result["entries"] / result["seconds"]
    rss = result["rss_mb"] + result["helper_rss_mb"]
    met = rate >= TARGET_RATE and rss < TARGET_RSS_MB
    print(
        f"{backend:<10} import: {int(result['entries']):,} entries in {result['seconds']:.1f} s = "
        f"{rate:,.0f} entries/s ({rate / parse_rate:.2f}x parse-only); peak RSS "
        f"{result['rss_mb']:.0f} MB + helper {result['helper_rss_mb']:.0f} MB = {rss:.0f} MB"
    )
    print_cpu(backend, result)
    print(
        f"{backend:<10} target >= {TARGET_RATE:,}/s and < {TARGET_RSS_MB} MB (wall clock): "
        + ("target met" if met else "target missed")
    )
    return met


def print_cpu(backend: str, result: dict[str, float]) -> None:
    """CPU per process; the busiest one (or all of them shared by two cores) bounds the rate."""
    cpu = (result["cpu_s"], result["helper_cpu_s"], result["server_cpu_s"])
    bound = result["entries"] / max(max(cpu), sum(cpu) / 2)
    server = f", database server {cpu[2]:.1f} s" if cpu[2] else ""
    print(
        f"{backend:<10} CPU: importing process {cpu[0]:.1f} s, reading helper {cpu[1]:.1f} s"
        f"{server}; on two otherwise idle cores that bounds the rate at {bound:,.0f} entries/s"
    )


def report_reimport(backend: str, result: dict[str, float]) -> bool:
    """The second release imported over the first: counts as generated, memory under target."""
    expected = release_change(ENTRIES)
    counts = (int(result["added"]), int(result["removed"]))
    rss = result["rss_mb"] + result["helper_rss_mb"]
    met = counts == expected and rss < TARGET_RSS_MB
    print(
        f"{backend:<10} re-import of release 2: {int(result['entries']):,} entries "
        f"(added {counts[0]:,}, removed {counts[1]:,}; expected {expected[0]:,} and "
        f"{expected[1]:,}) in {result['seconds']:.1f} s = "
        f"{result['entries'] / result['seconds']:,.0f} entries/s; peak RSS "
        f"{result['rss_mb']:.0f} MB + helper {result['helper_rss_mb']:.0f} MB = {rss:.0f} MB"
    )
    print_cpu(backend, result)
    print(
        f"{backend:<10} re-import: counts as generated and < {TARGET_RSS_MB} MB: "
        + ("target met" if met else "target missed")
    )
    return met


def run_backend(backend: str, url: str, releases: tuple[Path, Path], parse_rate: float) -> None:
    report(backend, run_import(url, releases[0]), parse_rate)
    report_reimport(backend, run_import(url, releases[1]))


def make_file(path: Path, release: int) -> None:
    if KEEP and path.exists():
        print(f"reference  file generation: not measured (reusing {path.name})")
        return
    generation_rate = generate(path, ENTRIES, release=release)
    size = path.stat().st_size / 1e6
    print(f"reference  file generation: {generation_rate:,.0f} entries/s ({size:,.0f} MB)")


def main() -> int:
    data_dir = HERE / ".data"
    data_dir.mkdir(exist_ok=True)
    releases = tuple(data_dir / f"vics-2.0-{ENTRIES}-release{r}.json" for r in (1, 2))
    print(f"entries: {ENTRIES:,}; load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs")
    print("(other processes share these CPUs: compare the rates with the references below)")
    started = time.perf_counter()
    try:
        make_file(releases[0], 1)
        parse_rate = parse_only(releases[0])
        print(f"reference  ijson yajl2_c parse only: {parse_rate:,.0f} entries/s")
        make_file(releases[1], 2)
        if "sqlite" in BACKENDS:
            with tempfile.TemporaryDirectory(dir=data_dir) as folder:
                run_backend("SQLite", f"sqlite:///{folder}/bench.db", releases, parse_rate)
        postgres = postgres_schema_url() if "postgresql" in BACKENDS else None
        if postgres is not None:
            url, schema = postgres
            try:
                run_backend("PostgreSQL", url, releases, parse_rate)
            finally:
                drop_schema(schema)
    finally:
        if not KEEP:
            for path in releases:
                path.unlink(missing_ok=True)
    own_rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(
        f"benchmark process peak RSS: {own_rss:.0f} MB; whole run "
        f"{time.perf_counter() - started:.0f} s; load average {os.getloadavg()[0]:.1f}"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
