#!/usr/bin/env python3
"""Screenshots of the pages for the guides (docs/screenshots/*.png), taken in Debian's chromium
through Playwright against the demo operation. Only the user interface is ever captured: NetSafe
stores and shows no image content, only hashes, metadata and paths.

    .venv/bin/python scripts/docs_screenshots.py                 # seeds a demo in a temp folder
    .venv/bin/python scripts/docs_screenshots.py --home DIR      # a demo home, kept between runs

The demo users log in with the documented demo password; the app runs in development settings
on a free loopback port for the length of the run.
"""

from __future__ import annotations

import argparse
import os
import socket
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
import uvicorn
from sqlalchemy import create_engine, text

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "docs" / "screenshots"
CHROMIUM = "/usr/bin/chromium"
DEMO_PASSWORD = "netsafe-demo-only"  # noqa: S105 - the documented demo password
VIEWPORT = {"width": 1200, "height": 760}
PHONE = {"width": 390, "height": 760}


def _seed(home: Path) -> None:
    netsafe = [sys.executable, "-m", "netsafe"]
    env = {**os.environ, "NETSAFE_HOME": str(home), "NETSAFE_ENV": "development"}
    env.pop("NETSAFE_DATABASE_URL", None)
    for command in (["db", "upgrade"], ["demo"]):
        subprocess.run([*netsafe, *command, "--json"], env=env, check=True, capture_output=True)


@dataclass(frozen=True, slots=True)
class DemoRecords:
    """The demo records the pages are taken of (their ids)."""

    case_id: int
    exhibit_id: str
    arrest_id: int
    closed_case_id: int


def _records(home: Path) -> DemoRecords:
    """A Gwent demo case and its exhibit whose triage matched the most files, an arrest of a
    Gwent case (its date is corrected on the page) and a closed Gwent case."""
    engine = create_engine(f"sqlite:///{home / 'netsafe.db'}")
    with engine.connect() as connection:
        row = connection.execute(
            text(
                "select r.id, e.id from referrals r join exhibits e on e.referral_id = r.id "
                "join triage_runs t on t.exhibit_reference = e.reference "
                "where r.force = 'gwent' and r.restricted = 0 and t.files_matched > 0 "
                "order by t.files_matched desc, r.id desc limit 1"
            )
        ).one()
        arrest = connection.execute(
            text(
                "select a.id from arrests a join referrals r on r.id = a.referral_id "
                "where r.force = 'gwent' and r.restricted = 0 and r.status != 'closed' "
                "and a.withdrawn_at is null order by a.id desc limit 1"
            )
        ).scalar_one()
        closed = connection.execute(
            text(
                "select id from referrals where force = 'gwent' and restricted = 0 "
                "and status = 'closed' and withdrawn_at is null order by id desc limit 1"
            )
        ).scalar_one()
    engine.dispose()
    return DemoRecords(int(row[0]), str(row[1]), int(arrest), int(closed))


@contextmanager
def _served(home: Path) -> Iterator[str]:
    from netsafe.settings import load_settings
    from netsafe.web.app import create_app

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    app = create_app(load_settings(env="development", home=home))
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    base = f"http://127.0.0.1:{port}"
    for _ in range(200):
        try:
            if httpx.get(f"{base}/healthz", timeout=1).status_code == 200:
                break
        except httpx.HTTPError:
            time.sleep(0.1)
    try:
        yield base
    finally:
        server.should_exit = True
        thread.join(timeout=10)


def _as(browser: Any, base: str, username: str, viewport: dict[str, int] = VIEWPORT) -> Any:
    page = browser.new_context(viewport=viewport, device_scale_factor=1).new_page()
    page.set_default_timeout(30_000)
    page.goto(f"{base}/login")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(DEMO_PASSWORD)
    with page.expect_navigation():
        page.get_by_role("button", name="Log in").click()
    return page


def _shrink(path: Path) -> None:
    """A page in 64 colours compresses to a third of its size and reads the same."""
    from PIL import Image

    with Image.open(path) as image:
        small = image.convert("RGB").quantize(colors=64, method=Image.Quantize.MEDIANCUT)
    small.save(path, optimize=True)


def take(base: str, demo: DemoRecords) -> list[Path]:
    from playwright.sync_api import sync_playwright

    OUT.mkdir(parents=True, exist_ok=True)
    taken: list[Path] = []

    def shot(page: Any, name: str, then: Callable[[], None] | None = None) -> None:
        if then is not None:
            then()
        path = OUT / f"{name}.png"
        page.screenshot(path=str(path), full_page=False)
        _shrink(path)
        taken.append(path)

    case = f"{base}/operation/referrals/{demo.case_id}"
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM, args=["--headless", "--no-sandbox", "--disable-gpu"]
        )
        investigator = _as(browser, base, "investigator.gwent")
        shot(investigator, "investigator-my-work")
        investigator.goto(case)
        shot(investigator, "investigator-case-summary")
        investigator.goto(f"{case}#exhibits")
        shot(investigator, "investigator-case-exhibits")
        investigator.goto(f"{case}#history")
        shot(investigator, "investigator-case-history")
        reference = investigator.locator("h1").inner_text()
        investigator.goto(f"{base}/search?q={reference}")
        shot(investigator, "investigator-search")
        # correct a date with a reason: the record's history page keeps the earlier value
        investigator.goto(f"{base}/operation/arrests/{demo.arrest_id}/history")
        when = investigator.get_by_label("Arrested at (UTC)")
        earlier = datetime.fromisoformat(when.input_value())
        when.fill((earlier + timedelta(minutes=30)).strftime("%Y-%m-%dT%H:%M"))
        investigator.get_by_label("Reason for the correction (required)").fill(
            "time taken from the custody record"
        )
        with investigator.expect_navigation():
            investigator.get_by_role("button", name="Save correction").click()
        investigator.goto(f"{base}/operation/arrests/{demo.arrest_id}/history#history")
        shot(investigator, "investigator-record-history")
        phone = _as(browser, base, "investigator.gwent", PHONE)
        phone.goto(case)
        shot(phone, "investigator-case-phone")

        examiner = _as(browser, base, "examiner.gwent")  # lands on My work
        shot(examiner, "examiner-my-work")
        examiner.goto(f"{base}/operation/exhibits?triage=with-matches")
        shot(examiner, "examiner-exhibit-list")
        examiner.goto(f"{base}/operation/exhibits/{demo.exhibit_id}#triage")
        shot(examiner, "examiner-exhibit-triage")

        supervisor = _as(browser, base, "supervisor.gwent")
        supervisor.goto(f"{base}/operation")
        shot(supervisor, "supervisor-dashboard")
        supervisor.goto(f"{base}/operation/queue?show=open&status=all&breached=yes")
        shot(supervisor, "supervisor-queue-breached")
        # the launch year against the year before (a link on the page): the demo's casework
        # ends in October 2018, and its CyberTipline intake arrives on the day it is seeded, so
        # the default period (the 12 months up to today) holds only those referrals
        supervisor.goto(f"{base}/stats?compare=launch-year")
        shot(supervisor, "supervisor-statistics")
        supervisor.goto(f"{base}/operation/referrals/{demo.closed_case_id}")
        shot(supervisor, "supervisor-closed-case")
        browser.close()
    return taken


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--home", type=Path, help="a NETSAFE_HOME the demo was seeded in")
    options = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="netsafe-screens-") as scratch:
        home = options.home or Path(scratch) / "home"
        print("migrating and seeding the demo (once: about 2 minutes)…", file=sys.stderr)
        _seed(home)  # both steps are idempotent
        demo = _records(home)
        with _served(home) as base:
            for path in take(base, demo):
                print(f"{path.relative_to(ROOT)}\t{path.stat().st_size // 1024} KiB")
    return 0


if __name__ == "__main__":
    sys.exit(main())
