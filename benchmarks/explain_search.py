"""EXPLAIN (ANALYZE) of the search statement on PostgreSQL, over the data of `bench_search`
(100,000 referrals at scale 1) kept in a schema of its own between runs, so that the plans of
two versions of the code can be compared on the same rows.

    NETSAFE_BENCH_SCALE=1 python benchmarks/explain_search.py build     # load (once)
    python benchmarks/explain_search.py upgrade                         # migrate to this code
    python benchmarks/explain_search.py explain "Users/bench" Pictures  # plans and timings
    python benchmarks/explain_search.py drop

For each query and user (the operation lead, a Gwent investigator): the statement the search
runs (captured from `SqlSearchRepository.find`), its EXPLAIN (ANALYZE) execution time, and the
slowest nodes; `NETSAFE_EXPLAIN_FULL=1` prints whole plans. Each is run three times, the best
kept (a loaded machine). Schema `explain_search` of the PostgreSQL at NETSAFE_BENCH_POSTGRES_URL.
"""

from __future__ import annotations

import os
import random
import re
import sys
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

import bench_search

SCHEMA = "explain_search"
USERS = {
    "lead": (None, "bench.lead"),
    "gwent": (frozenset({"gwent"}), "bench.gwent"),
}


def _url() -> str:
    from sqlalchemy import make_url

    return (
        make_url(bench_search.POSTGRES_URL)
        .update_query_dict({"options": f"-csearch_path={SCHEMA}"})
        .render_as_string(hide_password=False)
    )


def build() -> None:
    from sqlalchemy import create_engine, text

    admin = create_engine(bench_search.POSTGRES_URL)
    with admin.begin() as connection:
        connection.execute(text(f'DROP SCHEMA IF EXISTS "{SCHEMA}" CASCADE'))
        connection.execute(text(f'CREATE SCHEMA "{SCHEMA}"'))
    admin.dispose()
    bench_search.prepare(_url(), random.Random(20261203))


def upgrade() -> None:
    from sqlalchemy import create_engine

    from netsafe.store.migrate import upgrade as migrate

    engine = create_engine(_url())
    started = time.perf_counter()
    migrate(engine)
    with engine.begin() as connection:
        connection.exec_driver_sql("ANALYZE")
    print(f"migrated in {time.perf_counter() - started:.1f} s")
    engine.dispose()


def drop() -> None:
    from sqlalchemy import create_engine, text

    admin = create_engine(bench_search.POSTGRES_URL)
    with admin.begin() as connection:
        connection.execute(text(f'DROP SCHEMA IF EXISTS "{SCHEMA}" CASCADE'))
    admin.dispose()


def explain(queries: list[str]) -> None:
    from sqlalchemy import event
    from sqlalchemy.orm import Session

    from netsafe.operation.search import WINDOW, search_terms
    from netsafe.platform.access import Scope
    from netsafe.store.engine import make_engine
    from netsafe.store.repositories.search import SqlSearchRepository

    engine = make_engine(_url())
    captured: list[tuple[str, Any]] = []

    def capture(_c: Any, _cur: Any, statement: str, parameters: Any, *_: Any) -> None:
        captured.append((statement, parameters))

    full = os.environ.get("NETSAFE_EXPLAIN_FULL") == "1"
    for query in queries:
        for name, (forces, username) in USERS.items():
            scope = Scope(forces=forces, username=username)
            best: tuple[float, float, list[str], int, float] | None = None
            for _ in range(3):
                with Session(engine) as session:
                    event.listen(engine, "before_cursor_execute", capture)
                    captured.clear()
                    started = time.perf_counter()
                    page = SqlSearchRepository(session).find(
                        scope, search_terms(query), offset=0, limit=50, window=WINDOW
                    )
                    wall = (time.perf_counter() - started) * 1000
                    event.remove(engine, "before_cursor_execute", capture)
                    statement, parameters = max(captured, key=lambda c: len(c[0]))
                    connection = session.connection()
                    connection.exec_driver_sql("SET LOCAL plan_cache_mode = force_custom_plan")
                    plan = [
                        row[0]
                        for row in connection.exec_driver_sql(
                            "EXPLAIN (ANALYZE, BUFFERS) " + statement, parameters
                        )
                    ]
                    session.rollback()
                executed = float(
                    re.search(r"Execution Time: ([\d.]+)", plan[-1]).group(1)  # type: ignore[union-attr]
                )
                planned = float(
                    re.search(r"Planning Time: ([\d.]+)", plan[-2]).group(1)  # type: ignore[union-attr]
                )
                if best is None or executed < best[1]:
                    best = (wall, executed, plan, page.total, planned)
            assert best is not None
            wall, executed, plan, total, planned = best
            print(
                f"\n== {query!r} as {name}: execution {executed:.1f} ms, "
                f"planning {planned:.1f} ms, find() {wall:.1f} ms, {total} results "
                f"(load {os.getloadavg()[0]:.1f})"
            )
            if full:
                print("\n".join(plan))
            else:  # each part of the union is a Limit of `window + 1` rows
                for line in plan:
                    found = re.search(
                        r"->  Limit .*actual time=[\d.]+\.\.([\d.]+) rows=(\d+)", line
                    )
                    if found:
                        depth = len(line) - len(line.lstrip())
                        print(
                            f"  part at depth {depth}: {found.group(1)} ms, {found.group(2)} rows"
                        )
    engine.dispose()


def main() -> int:
    command = sys.argv[1] if len(sys.argv) > 1 else "explain"
    if command == "build":
        build()
    elif command == "upgrade":
        upgrade()
    elif command == "drop":
        drop()
    else:
        explain(sys.argv[2:] or ["Pictures/IMG_00420", "Pictures", "Users/bench"])
    return 0


if __name__ == "__main__":
    sys.exit(main())
