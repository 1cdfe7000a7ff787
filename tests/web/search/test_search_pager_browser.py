"""The search pager in a real browser (Debian's chromium through Playwright), on SQLite and
PostgreSQL: 120 Gwent cases match, in pages of 50; "Next page" and "Previous page" move through
them with the page kept in the URL (a reload or a copied address opens the same page), the
status names the positions shown, the last page has no "Next page", and the pages together list
each case once. Another force's matching case is never counted.

Screenshots are kept under test-artifacts/search/ (gitignored).
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import Engine

from netsafe.operation.referrals import (
    IdentifierKind,
    IncidentDetails,
    NewReferral,
    ReportedIdentifier,
    create_referral,
)
from netsafe.platform.roles import Role
from netsafe.store.engine import make_session_factory, unit_of_work
from netsafe.store.repositories.operation import case_repositories
from netsafe.web.search.pages import PAGE_SIZE
from tests.browser_support import BROWSER_MARKS, launch_chromium, serve_platform
from tests.operation.operation_seeds import SEEDER
from tests.platform.platform_helpers import add_user

ARTIFACTS = Path(__file__).resolve().parents[3] / "test-artifacts" / "search"
PASSWORD = "correct-horse-battery-staple-7"
MATCHING = 120

pytestmark = BROWSER_MARKS


def _seed(engine: Engine) -> set[str]:
    """120 Gwent cases with an account `okapi-pager-<n>`, one South Wales case with one too;
    the Gwent cases' references."""
    add_user(
        engine, "gwent.investigator", agency="gwent", role=Role.INVESTIGATOR, password=PASSWORD
    )
    received = datetime.now(UTC) - timedelta(hours=2)
    references = set()
    with unit_of_work(make_session_factory(engine)) as session:
        referrals = case_repositories(session).referrals
        for n in range(MATCHING + 1):
            force = "gwent" if n < MATCHING else "south-wales"
            account = ReportedIdentifier(IdentifierKind.ACCOUNT, f"okapi-pager-{n}")
            new = NewReferral(
                "partner",
                force,
                received,
                "Synthetic pager case",
                IncidentDetails(identifiers=(account,)),
            )
            referral = create_referral(referrals, new, by=SEEDER)
            if force == "gwent":
                references.add(referral.reference)
    return references


def test_next_and_previous_pages_are_kept_in_the_url(
    engine: Engine, database_url: str, tmp_path: Path
) -> None:
    from playwright.sync_api import expect, sync_playwright

    gwent_references = _seed(engine)
    backend = engine.dialect.name
    (ARTIFACTS / backend).mkdir(parents=True, exist_ok=True)
    key = "browser-pager-key-0123456789abcdef"
    with (
        serve_platform(tmp_path / "home", database_url, key) as base,
        sync_playwright() as playwright,
    ):
        browser = launch_chromium(playwright)
        page = browser.new_page(viewport={"width": 1280, "height": 900})
        page.set_default_timeout(30_000)
        expect.set_options(timeout=15_000)
        page.goto(f"{base}/login")
        page.get_by_label("Username").fill("gwent.investigator")
        page.get_by_label("Password").fill(PASSWORD)
        with page.expect_navigation():
            page.get_by_role("button", name="Log in").click()

        box = page.get_by_role("search").get_by_label("Search cases")
        box.fill("okapi-pager")
        with page.expect_navigation():
            box.press("Enter")
        status = page.locator("#search-status")
        results = page.locator("#search-results > li > a")
        pager = page.get_by_role("navigation", name="Pages")
        seen: list[str] = []

        def shown(first: int, last: int, number: int) -> None:
            expect(status).to_contain_text(f"{MATCHING} results for “okapi-pager”")
            expect(status).to_contain_text(f"{first}–{last} shown")
            expect(results).to_have_count(last - first + 1)
            expect(pager).to_contain_text(f"Page {number} of 3")
            assert page.locator("#search-results").get_attribute("start") == str(first)
            seen.extend(results.all_inner_texts())

        shown(1, PAGE_SIZE, 1)
        expect(pager.get_by_role("link", name="Previous page")).to_have_count(0)
        with page.expect_navigation():
            pager.get_by_role("link", name="Next page").click()
        assert "page=2" in page.url
        assert "q=okapi-pager" in page.url
        shown(PAGE_SIZE + 1, 2 * PAGE_SIZE, 2)
        with page.expect_navigation():
            pager.get_by_role("link", name="Next page").click()
        assert "page=3" in page.url
        shown(2 * PAGE_SIZE + 1, MATCHING, 3)
        expect(pager.get_by_role("link", name="Next page")).to_have_count(0)
        page.screenshot(path=str(ARTIFACTS / backend / "03-pager-last-page.png"), full_page=True)
        assert sorted(seen) == sorted(gwent_references)  # each Gwent case once, no other force

        with page.expect_navigation():
            pager.get_by_role("link", name="Previous page").click()
        assert "page=2" in page.url
        second = results.all_inner_texts()
        page.reload()  # the page is in the URL: the same page again
        expect(pager).to_contain_text("Page 2 of 3")
        assert results.all_inner_texts() == second
        page.goto(page.url)  # a copied address
        expect(status).to_contain_text(f"{PAGE_SIZE + 1}–{2 * PAGE_SIZE} shown")
        browser.close()


@pytest.fixture(autouse=True)
def _playwright_available() -> None:
    pytest.importorskip("playwright.sync_api")
