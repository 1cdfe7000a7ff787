"""Hashes typed in by hand on a case, matched against the lists by the import's rule: what it
costs a save, and what it adds to the re-match when a list arrives, each against a reference
measured in the same run (SQLite, in one process).

1. Save: `PUT /api/v1/referrals/{id}/incident` with 20 files (an MD5 and a SHA-1 each, one
   of them listed), lists of 100,000 MD5s stored, p50 and p95 over 30 saves; against the same
   save without files. Target: p95 < 50 ms. The first save of a process opens the lists'
   index (the lookup API's, shared) and is printed apart.
2. Re-match: after N imported reports (5 files each, half the pictures listed), the re-match of
   every case's files (`SqlReferralFileMatches.match`: the imported reports' files as the case
   shows them, and any typed in by hand) against the re-match of the reports' own files that
   was there before (`rematch_referrals`' first step), both with the same matcher.

    python benchmarks/bench_hand_typed.py                      # 2,000 reports
    NETSAFE_BENCH_HAND_REPORTS=10000 python benchmarks/bench_hand_typed.py
"""

from __future__ import annotations

import functools
import hashlib
import os
import random
import secrets
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

REPORTS = int(os.environ.get("NETSAFE_BENCH_HAND_REPORTS", "2000"))
LIST_ENTRIES = 100_000
IMAGES = 200
SAVES = 30
NETSAFE = Path(sys.executable).with_name("netsafe")
ROOT = Path(__file__).resolve().parents[1]
#: The app's signing key for this run only.
KEY = secrets.token_urlsafe(48)


def list_file(folder: Path) -> Path:
    """LIST_ENTRIES MD5s: half the generated pictures and one hand-typed file's hash (benign
    bytes), the rest random values nothing carries."""
    from netsafe.intake.generator import image_hashes

    rng = random.Random(1818)
    lines = ["md5,category", f"{hashlib.md5(b'zebra-test-1').hexdigest()},A"]
    lines += [f"{image_hashes(seed).md5},{'ABC'[seed % 3]}" for seed in range(0, IMAGES, 2)]
    lines += [f"{rng.getrandbits(128):032x},C" for _ in range(LIST_ENTRIES - len(lines) + 1)]
    path = folder / "list.csv"
    path.write_text("\n".join(lines) + "\n")
    return path


def timed(call: object, rounds: int) -> list[float]:
    samples = []
    for _ in range(rounds):
        started = time.perf_counter()
        call()  # type: ignore[operator]
        samples.append(time.perf_counter() - started)
    return samples


def p95(samples: list[float]) -> float:
    return sorted(samples)[max(0, round(0.95 * len(samples)) - 1)]


def saves(folder: Path, url: str) -> None:
    sys.path.insert(0, str(ROOT))
    from fastapi.testclient import TestClient
    from tests.web.support import bearer_headers

    from netsafe.platform.roles import Role
    from netsafe.settings import load_settings
    from netsafe.store.engine import make_engine
    from netsafe.web.app import create_app

    settings = load_settings(env="test", home=folder, database_url=url, secret_key=KEY)
    with TestClient(create_app(settings)) as client:
        h = bearer_headers(make_engine(url), settings, Role.INVESTIGATOR, "gwent", username="b")
        body = {
            "source": "partner",
            "force": "gwent",
            "received_at": "2026-11-30T09:00:00Z",
            "summary": "Synthetic referral (benchmark)",
        }
        rid = client.post("/api/v1/referrals", json=body, headers=h).json()["id"]
        files = [
            {
                "file_name": f"file-{n}.jpg",
                "md5": hashlib.md5(b"zebra-test-%d" % n).hexdigest(),
                "sha1": hashlib.sha1(b"zebra-test-%d" % n).hexdigest(),
            }
            for n in range(1, 21)
        ]
        url_of = f"/api/v1/referrals/{rid}/incident"
        first = timed(lambda: client.put(url_of, json={"files": files}, headers=h), 1)[0]
        with_files = timed(lambda: client.put(url_of, json={"files": files}, headers=h), SAVES)
        read = client.get(f"/api/v1/referrals/{rid}", headers=h).json()
        known = sum(1 for f in read["incident"]["files"] if f["known"])
        without = timed(lambda: client.put(url_of, json={"files": []}, headers=h), SAVES)
    ratio = statistics.median(with_files) / statistics.median(without)
    met = "met" if p95(with_files) < 0.05 else "NOT met"
    print(
        f"save of 20 hand-typed files: p50 {statistics.median(with_files) * 1000:.1f} ms, "
        f"p95 {p95(with_files) * 1000:.1f} ms (target < 50 ms: {met}); {known}/20 known; "
        f"without files p50 {statistics.median(without) * 1000:.1f} ms, ratio {ratio:.2f}; "
        f"first save of the process (index opened) {first * 1000:.0f} ms"
    )


def rematch(folder: Path, url: str) -> None:
    from netsafe.hashlists.reported_files import match_reported_files
    from netsafe.intake.generator import generate_reports, reports_xml
    from netsafe.settings import load_settings
    from netsafe.store.engine import make_engine, make_session_factory, unit_of_work
    from netsafe.store.repositories.intake import SqlIntakeRepository
    from netsafe.store.repositories.referral_file_matches import SqlReferralFileMatches
    from netsafe.usecases.intake_setup import intake_matcher
    from netsafe.usecases.rematch_referrals import _match_files

    env = {**os.environ, "NETSAFE_HOME": str(folder), "NETSAFE_DATABASE_URL": url}
    reports = generate_reports(
        REPORTS, seed=5, files_per_report=5, image_seeds=tuple(range(IMAGES))
    )
    (folder / "reports.xml").write_bytes(reports_xml(reports))
    command = [str(NETSAFE), "referral", "import", str(folder / "reports.xml")]
    subprocess.run(command, env=env, check=True, capture_output=True)
    settings = load_settings(env="test", home=folder, database_url=url, secret_key=KEY)
    sessions = make_session_factory(make_engine(url))
    now = datetime.now(UTC)
    with unit_of_work(sessions) as session:
        matcher = intake_matcher(session, settings)
        ask = functools.partial(match_reported_files, matcher)
        intake, cases = SqlIntakeRepository(session), SqlReferralFileMatches(session)
        reports_time = timed(lambda: _match_files(intake, matcher, None, now), 3)
        cases_time = timed(lambda: cases.match(ask, None, now), 3)
        files, known = cases.match(ask, None, now)
    print(
        f"re-match after {REPORTS:,} reports: every case's {files:,} files ({known:,} known) "
        f"{min(cases_time):.2f} s against the reports' own files {min(reports_time):.2f} s "
        f"(best of 3), ratio {min(cases_time) / min(reports_time):.2f}"
    )


def main() -> None:
    load = os.getloadavg()
    print(f"load average {load[0]:.1f} {load[1]:.1f} {load[2]:.1f} on {os.cpu_count()} cores")
    with tempfile.TemporaryDirectory() as name:
        folder = Path(name)
        url = f"sqlite:///{folder / 'bench.db'}"
        env = {**os.environ, "NETSAFE_HOME": str(folder), "NETSAFE_DATABASE_URL": url}
        subprocess.run([str(NETSAFE), "db", "upgrade"], env=env, check=True, capture_output=True)
        command = [str(NETSAFE), "hashlist", "import", str(list_file(folder)), "--name", "bench"]
        subprocess.run(command, env=env, check=True, capture_output=True)
        saves(folder, url)
        rematch(folder, url)
    load = os.getloadavg()
    print(f"load average {load[0]:.1f} {load[1]:.1f} {load[2]:.1f}")


if __name__ == "__main__":
    main()
