"""The statistics page in a real browser (Debian's chromium through Playwright): an analyst logs
in, opens the statistics for the launch year of the demo operation, and the headline figures, the
three SVG charts (drawn, with visible size) and the tables under them are there, with CSV links
that answer. Screenshots go to test-artifacts/stats-dashboard/."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest

from netsafe.demo.seed import seed_demo_operation
from netsafe.platform.roles import Role
from netsafe.prevention.code_words import CodeWordHasher
from netsafe.store.engine import make_engine, make_session_factory, unit_of_work
from netsafe.store.migrate import upgrade
from netsafe.store.repositories.demo import SqlDemoLedger, SqlDemoWriter
from tests.browser_support import BROWSER_MARKS, launch_chromium, serve_platform
from tests.platform.platform_helpers import add_user

ARTIFACTS = Path(__file__).resolve().parents[3] / "test-artifacts" / "stats-dashboard"
PASSWORD = "correct-horse-battery-staple-8"
SECRET = "stats-dashboard-key-0123456789"

pytestmark = BROWSER_MARKS


@pytest.fixture
def served(tmp_path: Path) -> Iterator[str]:
    database_url = f"sqlite:///{tmp_path / 'stats.db'}"
    engine = make_engine(database_url)
    upgrade(engine)
    add_user(engine, "analyst.one", agency="regional-unit", role=Role.ANALYST, password=PASSWORD)
    with unit_of_work(make_session_factory(engine)) as session:
        seed_demo_operation(
            SqlDemoWriter(session),
            SqlDemoLedger(session),
            code_word_hash=CodeWordHasher.from_secret(SECRET).hash,
            self_help_modules=("managing-urges", "staying-safe-online"),
            last_day=date(2017, 10, 31),
        )
    engine.dispose()
    with serve_platform(tmp_path / "home", database_url, SECRET) as base:
        yield base


def test_the_statistics_page_in_chromium(served: str) -> None:
    from playwright.sync_api import expect, sync_playwright

    shutil.rmtree(ARTIFACTS, ignore_errors=True)
    ARTIFACTS.mkdir(parents=True)
    with sync_playwright() as playwright:
        browser = launch_chromium(playwright)
        page = browser.new_page(viewport={"width": 1280, "height": 900})
        page.set_default_timeout(60_000)
        page.goto(f"{served}/stats?compare=launch-year")
        page.get_by_label("Username").fill("analyst.one")
        page.get_by_label("Password").fill(PASSWORD)
        page.get_by_role("button", name="Log in").click()
        expect(page.get_by_role("heading", name="Operation statistics")).to_be_visible()
        expect(page.get_by_role("link", name="Statistics")).to_be_visible()
        cards = page.locator(".stats-card")
        expect(cards).to_have_count(5)
        expect(cards.first).to_contain_text("Warrants executed")
        charts = page.locator("figure svg[role=img]")
        expect(charts).to_have_count(3)
        for index in range(3):
            box = charts.nth(index).bounding_box()
            assert box is not None
            assert box["width"] > 300
            assert box["height"] > 150
            # matplotlib draws lines and bars as paths: a drawn chart has many.
            assert charts.nth(index).locator("path").count() > 10
        expect(page.get_by_role("img", name="By force")).to_be_visible()
        tables = page.locator(".stats-table table")
        expect(tables).to_have_count(4)
        monthly = tables.first.locator("tbody tr")
        expect(monthly).to_have_count(12)
        expect(monthly.first.locator("th")).to_have_text("2016-11")
        page.screenshot(path=str(ARTIFACTS / "01-statistics.png"), full_page=False)
        page.screenshot(path=str(ARTIFACTS / "02-statistics-full.png"), full_page=True)
        clip = {"x": 0, "y": 0, "width": 1280, "height": 1500}
        page.screenshot(path=str(ARTIFACTS / "03-statistics-top.png"), full_page=True, clip=clip)
        links = page.get_by_role("link", name="Download CSV")
        expect(links).to_have_count(4)
        href = links.first.get_attribute("href")
        assert href is not None
        assert href.startswith("/stats/export/monthly-enforcement.csv?compare=launch-year")
        response = page.request.get(f"{served}{href}")
        assert response.status == 200
        assert response.text().startswith("month,warrants_executed,arrests,devices_seized")
        page.locator("select[name=force]").select_option("gwent")
        page.get_by_role("button", name="Show").click()
        expect(page.locator("figure svg[role=img]")).to_have_count(2)  # no per-force bars
        expect(page.locator(".stats-meta")).to_contain_text("Gwent Police")
        browser.close()
