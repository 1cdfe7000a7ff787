"""The intake in a real browser (Debian's chromium through Playwright): the operation lead
uploads a report file on the Intake page and sees what it did, uploads it again (already
known), uploads a hostile file (refused with the reason), assigns a report from the queue
awaiting a force, and opens a case to see its reported files."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from urllib.parse import unquote_plus

import pytest

from netsafe.intake.generator import generate_reports, reports_xml
from netsafe.platform.roles import Role
from netsafe.store.engine import make_engine
from netsafe.store.migrate import upgrade
from tests.browser_support import BROWSER_MARKS, launch_chromium, serve_platform
from tests.platform.platform_helpers import add_user

PASSWORD = "correct-horse-battery-staple-7"
pytestmark = BROWSER_MARKS


@pytest.fixture
def served(tmp_path: Path) -> Iterator[str]:
    """The base URL of a NetSafe served on loopback with the operation lead's account."""
    database_url = f"sqlite:///{tmp_path / 'intake.db'}"
    engine = make_engine(database_url)
    upgrade(engine)
    add_user(engine, "lead", agency="regional-unit", role=Role.OPERATION_LEAD, password=PASSWORD)
    engine.dispose()
    with serve_platform(
        tmp_path / "home", database_url, "browser-intake-key-0123456789abcdef"
    ) as base:
        yield base


def test_import_and_assign_in_chromium(served: str, tmp_path: Path) -> None:
    from playwright.sync_api import expect, sync_playwright

    reports = tmp_path / "reports.xml"
    # three located reports and one without a location (it waits for a person)
    located = generate_reports(3, seed=31, unlocated_fraction=0.0)
    unlocated = generate_reports(1, seed=32, unlocated_fraction=1.0, first_report_id=770_000_001)
    reports.write_bytes(reports_xml(located + unlocated))
    hostile = tmp_path / "hostile.xml"
    hostile.write_bytes(
        b'<?xml version="1.0"?><!DOCTYPE r [<!ENTITY a "aaaa">]>'
        b"<report><reportId>&a;</reportId></report>"
    )
    with sync_playwright() as playwright:
        browser = launch_chromium(playwright)
        page = browser.new_page(viewport={"width": 1280, "height": 900})
        page.set_default_timeout(30_000)
        expect.set_options(timeout=15_000)

        def submit(button: str) -> None:
            with page.expect_navigation():
                page.get_by_role("button", name=button).click()

        page.goto(f"{served}/login")
        page.get_by_label("Username").fill("lead")
        page.get_by_label("Password").fill(PASSWORD)
        submit("Log in")
        page.get_by_role("link", name="Intake").first.click()
        expect(page.get_by_role("heading", name="Intake: CyberTipline reports")).to_be_visible()
        page.get_by_label("Report file").set_input_files(str(reports))
        submit("Import")
        result = page.get_by_role("status")
        expect(result).to_contain_text("4 added, 0 already known, 0 refused, 1 awaiting a force")

        page.get_by_label("Report file").set_input_files(str(reports))
        submit("Import")
        expect(page.get_by_role("status")).to_contain_text("0 added, 4 already known")

        page.get_by_label("Report file").set_input_files(str(hostile))
        submit("Import")
        expect(page.get_by_role("status")).to_contain_text("1 refused")
        expect(page.locator(".intake-result")).to_contain_text("refused unsafe XML")

        page.get_by_role("link", name="Awaiting a force: 1").click()
        expect(page.get_by_role("heading", name="Reports awaiting a force")).to_be_visible()
        page.get_by_role("combobox").first.select_option("north-wales")
        submit("Assign")
        assert "error=" not in page.url, unquote_plus(page.url)
        expect(page.get_by_role("status")).to_contain_text("assigned to north-wales")
        expect(page.get_by_text("None waiting.")).to_be_visible()

        page.goto(f"{served}/intake")
        page.get_by_label("Report file").set_input_files(str(reports))
        submit("Import")
        page.get_by_role("link", name=f"referral {1}").first.click()
        expect(page.get_by_role("heading", name="Reported files")).to_be_visible()
        expect(page.locator("#files")).to_contain_text("not known")
        browser.close()
