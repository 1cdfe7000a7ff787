"""My work in a real browser (Debian's chromium through Playwright): a supervisor lands on My
work, gives a case its owner and an action; the investigator logs in, lands on My work, finds
both and marks the action done; a dashboard counter opens the filtered queue, whose filters go
into the URL; an examiner lands on My work with the exhibit handed to them and filters the
exhibit list. SQLite, and PostgreSQL when NETSAFE_TEST_POSTGRES_URL is set.

Screenshots are kept under test-artifacts/my-work/ (gitignored).
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from urllib.parse import unquote_plus

import pytest

from netsafe.operation.exhibits import hand_over, record_exhibit
from netsafe.operation.referrals import NewReferral, create_referral
from netsafe.platform.roles import Role
from netsafe.store.engine import make_session_factory, unit_of_work
from netsafe.store.repositories.operation import case_repositories
from tests.browser_support import BROWSER_MARKS, launch_chromium, serve_platform
from tests.operation.operation_seeds import SEEDER
from tests.platform.platform_helpers import PASSWORD, add_user

ARTIFACTS = Path(__file__).resolve().parents[3] / "test-artifacts" / "my-work"

pytestmark = BROWSER_MARKS


@pytest.fixture
def served(engine: Any, tmp_path: Path) -> Iterator[tuple[str, str]]:
    """(base URL, the case's reference): Gwent's supervisor, investigator and examiner, one
    overdue referral with an exhibit handed to the examiner."""
    for name, role in (
        ("gwent.supervisor", Role.SUPERVISOR),
        ("gwent.investigator", Role.INVESTIGATOR),
        ("gwent.examiner", Role.EXAMINER),
    ):
        add_user(engine, name, agency="gwent", role=role)
    now = datetime.now(UTC)
    with unit_of_work(make_session_factory(engine)) as session:
        repos = case_repositories(session)
        new = NewReferral("partner", "gwent", now - timedelta(days=9), "Synthetic browser case")
        referral = create_referral(repos.referrals, new, by=SEEDER, now=now)
        exhibit = record_exhibit(
            repos,
            SEEDER,
            referral.id,
            reference="GW/MW/1",
            device_type="laptop",
            seal_number="SEAL-MW-1",
            seized_at=now - timedelta(days=8),
            seized_from="1 Example Street",
        )
        hand_over(
            repos,
            SEEDER,
            exhibit.id,
            handed_to="gwent.examiner",
            at=now - timedelta(days=7),
            location="Gwent digital forensic unit",
        )
    url = engine.url.render_as_string(hide_password=False)
    with serve_platform(tmp_path / "home", url, "browser-my-work-key-0123456789abcdef") as base:
        yield base, referral.reference


def test_my_work_in_chromium(served: tuple[str, str]) -> None:
    from playwright.sync_api import expect, sync_playwright

    base, reference = served
    shutil.rmtree(ARTIFACTS, ignore_errors=True)
    ARTIFACTS.mkdir(parents=True)
    today = datetime.now(UTC).date().isoformat()

    with sync_playwright() as playwright:
        browser = launch_chromium(playwright)
        page = browser.new_page(viewport={"width": 1280, "height": 900})
        page.set_default_timeout(30_000)
        expect.set_options(timeout=15_000)

        def submit(button: str) -> None:
            with page.expect_navigation():
                page.get_by_role("button", name=button).first.click()
            assert "error=" not in page.url, f"{button}: {unquote_plus(page.url)}"

        def log_in(username: str) -> None:
            page.context.clear_cookies()
            page.goto(f"{base}/login")
            page.get_by_label("Username").fill(username)
            page.get_by_label("Password").fill(PASSWORD)
            submit("Log in")
            expect(page).to_have_url(f"{base}/operation/my-work")
            expect(page.get_by_role("heading", name="My work", exact=True)).to_be_visible()

        log_in("gwent.supervisor")
        page.get_by_role("link", name="Queue", exact=True).click()
        page.get_by_role("link", name=reference).click()
        page.get_by_label("Owner (username)").fill("gwent.investigator")
        submit("Assign owner")
        expect(page.locator("#case-owner")).to_contain_text("gwent.investigator")
        page.locator("summary", has_text="Add an action").click()
        page.get_by_label("Action", exact=True).fill("Request subscriber data")
        page.get_by_label("Due on").fill(today)
        page.get_by_label("Assignee (username; empty for you)").fill("gwent.investigator")
        submit("Add action")
        expect(page.locator("#case-actions")).to_contain_text("Request subscriber data")
        page.screenshot(path=str(ARTIFACTS / "1-case-owner-and-action.png"), full_page=True)

        log_in("gwent.investigator")
        expect(page.locator("#my-cases")).to_contain_text(reference)
        expect(page.locator("#my-actions")).to_contain_text("Request subscriber data")
        expect(page.locator("#work-summary")).to_contain_text("1 due today")
        page.screenshot(path=str(ARTIFACTS / "2-my-work.png"), full_page=True)
        submit("Mark done: Request subscriber data")
        expect(page.get_by_role("status")).to_contain_text("Action done")
        expect(page.locator("#my-actions")).to_contain_text("No open actions for you.")

        page.get_by_role("link", name="Dashboard", exact=True).click()
        page.locator("#breached-open a").click()
        expect(page).to_have_url(f"{base}/operation/queue?show=awaiting&breached=yes")
        expect(page.locator("#queue-count")).to_contain_text("1 referral found")
        page.get_by_label("Risk").select_option("high")  # htmx: the list and the URL follow
        expect(page).to_have_url(f"{base}/operation/queue?show=awaiting&band=high&breached=yes")
        expect(page.locator("#queue-count")).to_contain_text("0 referrals found")
        page.screenshot(path=str(ARTIFACTS / "3-queue-filtered.png"), full_page=True)

        log_in("gwent.examiner")
        expect(page.locator("#my-exhibits")).to_contain_text("GW/MW/1")
        page.get_by_role("link", name="Exhibits", exact=True).click()
        page.get_by_label("Examination").select_option("awaiting-triage")
        page.get_by_label("Seized at least (days ago)").fill("7")
        submit("Show")
        expect(page.locator("#exhibit-count")).to_contain_text("1 exhibit found")
        expect(page.locator("#exhibit-list")).to_contain_text("gwent.examiner")
        assert "triage=awaiting-triage" in page.url
        assert "min_age_days=7" in page.url
        page.screenshot(path=str(ARTIFACTS / "4-exhibit-list.png"), full_page=True)
        browser.close()
