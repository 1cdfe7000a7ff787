"""The web shell in a real browser (Debian's chromium through Playwright), by keyboard only:
log in as an admin, disable a user on the Admin page, find it on the Audit page, log out, and
send a public report. No console errors (a CSP violation would be one). Screenshots are kept
under test-artifacts/platform-shell/ (gitignored)."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest

from netsafe.platform.agencies import ensure_agencies
from netsafe.platform.roles import Role
from netsafe.platform.users import create_user
from netsafe.store.engine import make_engine, make_session_factory, unit_of_work
from netsafe.store.migrate import upgrade
from netsafe.store.repositories.agencies import SqlAgencyRepository
from netsafe.store.repositories.users import SqlUserRepository
from tests.browser_support import BROWSER_MARKS, launch_chromium, serve_platform

ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "platform-shell"
PASSWORD = "shell-browser-password-42"

pytestmark = BROWSER_MARKS


@pytest.fixture
def served(tmp_path: Path) -> Iterator[str]:
    database_url = f"sqlite:///{tmp_path / 'shell.db'}"
    engine = make_engine(database_url)
    upgrade(engine)
    with unit_of_work(make_session_factory(engine)) as session:
        ensure_agencies(SqlAgencyRepository(session))
        for username, agency, role in (
            ("root", "regional-unit", Role.ADMIN),
            ("gwent.officer", "gwent", Role.INVESTIGATOR),
        ):
            create_user(
                SqlUserRepository(session),
                SqlAgencyRepository(session),
                username=username,
                agency=agency,
                role=role,
                password=PASSWORD,
                now=datetime.now(UTC),
            )
    engine.dispose()
    with serve_platform(
        tmp_path / "home", database_url, "shell-browser-key-0123456789abcdef"
    ) as base:
        yield base


def test_admin_audit_and_report_by_keyboard(served: str) -> None:
    from playwright.sync_api import expect, sync_playwright

    shutil.rmtree(ARTIFACTS, ignore_errors=True)
    ARTIFACTS.mkdir(parents=True)
    with sync_playwright() as playwright:
        browser = launch_chromium(playwright)
        page = browser.new_page(viewport={"width": 1280, "height": 900})
        page.set_default_timeout(30_000)
        expect.set_options(timeout=15_000)
        console_errors: list[str] = []
        page.on("console", lambda m: console_errors.append(m.text) if m.type == "error" else None)

        page.goto(f"{served}/admin")  # anonymous: to the login page, back here afterwards
        expect(page).to_have_url(f"{served}/login?next=%2Fadmin")
        expect(page.get_by_label("Username")).to_be_focused()
        page.keyboard.type("root")
        page.keyboard.press("Tab")
        expect(page.get_by_label("Password")).to_be_focused()
        page.keyboard.type(PASSWORD)
        with page.expect_navigation():
            page.keyboard.press("Enter")
        expect(page).to_have_url(f"{served}/admin")
        page.screenshot(path=str(ARTIFACTS / "1-admin.png"), full_page=True)

        disable = page.get_by_role("button", name="Disable gwent.officer")
        disable.focus()
        page.keyboard.press("Enter")  # htmx swaps the user table in place
        expect(page.get_by_role("status")).to_contain_text("Disabled gwent.officer")
        # The keyboard focus stays on the same slot, now the Enable button.
        expect(page.get_by_role("button", name="Enable gwent.officer")).to_be_focused()

        page.get_by_role("link", name="Audit").click()
        expect(page.get_by_role("heading", name="Audit log")).to_be_visible()
        expect(page.locator("tbody")).to_contain_text("user.disable")
        expect(page.locator("tbody")).to_contain_text("auth.login")
        page.screenshot(path=str(ARTIFACTS / "2-audit.png"), full_page=True)

        with page.expect_navigation():
            page.get_by_role("button", name="Log out").click()
        expect(page).to_have_url(f"{served}/login")

        page.goto(f"{served}/report")
        page.get_by_label("Web address (URL) where you saw it").focus()
        page.keyboard.type("https://example.org/synthetic")
        page.keyboard.press("Tab")
        page.keyboard.type("A synthetic report typed by the browser test.")
        page.keyboard.press("Tab")
        with page.expect_navigation():
            page.keyboard.press("Enter")
        expect(page.get_by_role("heading", level=1)).to_contain_text("your report was sent")
        page.screenshot(path=str(ARTIFACTS / "3-report-sent.png"), full_page=True)
        browser.close()
    assert console_errors == []
