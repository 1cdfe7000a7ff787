"""htmx in a real browser (Debian's chromium through Playwright), under the app's strict CSP:
the referral queue's filter and the exhibit's hand-over form update the page in place (no
navigation: a marker set on `window` survives, which a page load would wipe), with no console
errors and no CSP violation; Back reloads the page from the server (no snapshots in browser
storage); and with JavaScript off the same forms work as plain page loads.
Screenshots are kept under test-artifacts/htmx/ (gitignored)."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from netsafe.operation.exhibits import record_exhibit
from netsafe.operation.referrals import NewReferral, create_referral, record_response
from netsafe.platform.roles import Role, Viewer
from netsafe.store.engine import make_engine, make_session_factory, unit_of_work
from netsafe.store.migrate import upgrade
from netsafe.store.repositories.operation import case_repositories
from tests.browser_support import BROWSER_MARKS, launch_chromium, serve_platform
from tests.platform.platform_helpers import add_user

ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "htmx"
PASSWORD = "htmx-browser-password-42"
SEEDER = Viewer(0, "htmx.seeder", "gwent", Role.INVESTIGATOR)

pytestmark = BROWSER_MARKS


@pytest.fixture
def served(tmp_path: Path) -> Iterator[tuple[str, int]]:
    """(base URL, exhibit id): an investigator, two referrals awaiting a response, one actioned
    (so the filter changes the table) and an exhibit."""
    database_url = f"sqlite:///{tmp_path / 'htmx.db'}"
    engine = make_engine(database_url)
    upgrade(engine)
    now = datetime.now(UTC)
    add_user(
        engine, "gwent.investigator", agency="gwent", role=Role.INVESTIGATOR, password=PASSWORD
    )
    with unit_of_work(make_session_factory(engine)) as session:
        repos = case_repositories(session)
        made = [
            create_referral(
                repos.referrals,
                NewReferral("partner", "gwent", now - timedelta(hours=n), f"Synthetic {n}"),
                by=SEEDER,
                now=now,
            )
            for n in (1, 2, 3)
        ]
        record_response(repos.referrals, made[2], now)
        exhibit = record_exhibit(
            repos,
            SEEDER,
            made[0].id,
            reference="GWP/HTMX/1",
            device_type="phone",
            seal_number="SEAL-7",
            seized_at=now - timedelta(minutes=30),
            seized_from="4 Example Way",
        )
    engine.dispose()
    with serve_platform(
        tmp_path / "home", database_url, "htmx-browser-key-0123456789abcdef"
    ) as base:
        yield base, exhibit.id


def _log_in(page: Any, base: str) -> None:
    page.goto(f"{base}/login")
    page.get_by_label("Username").fill("gwent.investigator")
    page.get_by_label("Password").fill(PASSWORD)
    with page.expect_navigation():
        page.get_by_role("button", name="Log in").click()


def test_queue_filter_and_hand_over_update_in_place(served: tuple[str, int]) -> None:
    from playwright.sync_api import expect, sync_playwright

    base, exhibit_id = served
    shutil.rmtree(ARTIFACTS, ignore_errors=True)
    ARTIFACTS.mkdir(parents=True)
    with sync_playwright() as playwright:
        browser = launch_chromium(playwright)
        page = browser.new_page(viewport={"width": 1280, "height": 900})
        page.set_default_timeout(30_000)
        expect.set_options(timeout=15_000)
        console: list[str] = []
        page.on("console", lambda m: console.append(f"{m.type}: {m.text} [{page.url}]"))
        page.on("pageerror", lambda e: console.append(f"pageerror: {e}"))
        loads: list[str] = []
        page.on("load", lambda p: loads.append(p.url))
        htmx_requests: list[str] = []
        page.on(
            "request",
            lambda r: htmx_requests.append(r.url) if r.headers.get("hx-request") else None,
        )
        _log_in(page, base)

        page.goto(f"{base}/operation/queue")
        rows = page.locator("#queue-results tbody tr")
        expect(rows).to_have_count(2)
        assert page.evaluate("typeof htmx.version") == "string"  # htmx ran under the CSP
        page.evaluate("window.netsafeNoReload = true")
        loads_before = len(loads)
        page.get_by_label("Show").select_option("open")  # htmx sends the form on change
        expect(rows).to_have_count(3)
        expect(page).to_have_url(f"{base}/operation/queue?show=open")  # pushed
        expect(page.get_by_text("Page 1 of the open referrals")).to_be_attached()
        assert page.evaluate("window.netsafeNoReload") is True
        assert len(loads) == loads_before
        # one htmx request: the whole filter form (empty filters too; the pushed URL drops them)
        assert len(htmx_requests) == 1
        assert htmx_requests[0].startswith(f"{base}/operation/queue?show=open&")
        page.screenshot(path=str(ARTIFACTS / "1-queue-filtered.png"), full_page=True)
        assert page.evaluate("sessionStorage.getItem('htmx-history-cache')") is None

        # Back: no snapshot kept in the browser, so the page comes again from the server.
        page.go_back()
        expect(page).to_have_url(f"{base}/operation/queue")
        expect(rows).to_have_count(2)
        expect(page.get_by_label("Show")).to_have_value("awaiting")

        page.goto(f"{base}/operation/exhibits/{exhibit_id}")
        expect(page.locator("#custody-table tbody tr")).to_have_count(1)
        page.evaluate("window.netsafeNoReload = true")
        loads_before = len(loads)
        page.get_by_label("Handed to").fill("exhibits.officer")
        page.get_by_label("Where").fill("Gwent property store")
        page.get_by_label("Purpose").fill("Storage")
        page.get_by_role("button", name="Record hand-over").click()
        expect(page.locator("#custody-table tbody tr")).to_have_count(2)
        expect(page.locator("#custody-table")).to_contain_text("exhibits.officer")
        expect(page.locator("#custody-notice")).to_have_text("Handed over to exhibits.officer")
        expect(page.locator("#holder")).to_have_text("exhibits.officer at Gwent property store")
        expect(page.locator("#chain")).to_have_text("unbroken")
        expect(page.locator("#custody-giver")).to_have_text("exhibits.officer")
        expect(page.get_by_label("Handed to")).to_have_value("")  # a fresh form
        expect(page.get_by_role("button", name="Record hand-over")).to_be_focused()
        assert page.evaluate("window.netsafeNoReload") is True
        assert len(loads) == loads_before
        assert page.url == f"{base}/operation/exhibits/{exhibit_id}"
        page.screenshot(path=str(ARTIFACTS / "2-hand-over.png"), full_page=True)

        # The next hand-over from the swapped-in form (the CSRF token still travels).
        page.get_by_label("Handed to").fill("lab.examiner")
        page.get_by_label("Where").fill("Digital forensics lab")
        page.get_by_role("button", name="Record hand-over").click()
        expect(page.locator("#custody-table tbody tr")).to_have_count(3)
        expect(page.locator("#holder")).to_have_text("lab.examiner at Digital forensics lab")
        assert page.evaluate("window.netsafeNoReload") is True
        browser.close()

    problems = [m for m in console if m.startswith(("error", "pageerror", "warning"))]
    assert problems == [], problems
    assert not [m for m in console if "Content Security Policy" in m]


def test_the_same_forms_work_without_javascript(served: tuple[str, int]) -> None:
    from playwright.sync_api import expect, sync_playwright

    base, exhibit_id = served
    with sync_playwright() as playwright:
        browser = launch_chromium(playwright)
        page = browser.new_context(java_script_enabled=False).new_page()
        page.set_default_timeout(30_000)
        expect.set_options(timeout=15_000)
        _log_in(page, base)

        page.goto(f"{base}/operation/queue")
        expect(page.locator("#queue-results tbody tr")).to_have_count(2)
        page.get_by_label("Show").select_option("open")
        with page.expect_navigation():
            page.get_by_role("button", name="Show", exact=True).click()
        assert page.url.startswith(f"{base}/operation/queue?show=open&")  # the form's fields
        expect(page.locator("#queue-results tbody tr")).to_have_count(3)

        page.goto(f"{base}/operation/exhibits/{exhibit_id}")
        page.get_by_label("Handed to").fill("exhibits.officer")
        page.get_by_label("Where").fill("Gwent property store")
        with page.expect_navigation():
            page.get_by_role("button", name="Record hand-over").click()
        assert "notice=Handed+over+to+exhibits.officer" in page.url
        expect(page.locator("#custody-table tbody tr")).to_have_count(2)
        expect(page.locator("#holder")).to_have_text("exhibits.officer at Gwent property store")
        browser.close()
