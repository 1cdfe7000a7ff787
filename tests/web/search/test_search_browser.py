"""Search in a real browser (Debian's chromium through Playwright), on SQLite and PostgreSQL:
the header's search box on a police page finds a case by an e-mail address written differently
and opens it; another force's case is not found; a charity role has no search box.

Screenshots are kept under test-artifacts/search/ (gitignored).
"""

from __future__ import annotations

import shutil
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

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
from tests.browser_support import BROWSER_MARKS, launch_chromium, serve_platform
from tests.operation.operation_seeds import SEEDER
from tests.platform.platform_helpers import add_user

ARTIFACTS = Path(__file__).resolve().parents[3] / "test-artifacts" / "search"
PASSWORD = "correct-horse-battery-staple-7"

pytestmark = BROWSER_MARKS


def _seed(engine: Engine) -> tuple[Any, Any]:
    for username, agency, role in (
        ("gwent.investigator", "gwent", Role.INVESTIGATOR),
        ("helpline.charity", "charity", Role.HELPLINE),
    ):
        add_user(engine, username, agency=agency, role=role, password=PASSWORD)
    received = datetime.now(UTC) - timedelta(hours=2)
    with unit_of_work(make_session_factory(engine)) as session:
        referrals = case_repositories(session).referrals

        def referral(force: str, email: str) -> Any:
            incident = IncidentDetails(
                identifiers=(ReportedIdentifier(IdentifierKind.EMAIL, email),)
            )
            new = NewReferral("partner", force, received, "Synthetic search case", incident)
            return create_referral(referrals, new, by=SEEDER)

        return referral("gwent", "zebra.test@example.org"), referral(
            "south-wales", "zebra.south@example.org"
        )


def test_the_header_search_finds_and_opens_a_case(
    engine: Engine, database_url: str, tmp_path: Path
) -> None:
    from playwright.sync_api import expect, sync_playwright

    gwent, south = _seed(engine)
    backend = engine.dialect.name
    shutil.rmtree(ARTIFACTS / backend, ignore_errors=True)
    (ARTIFACTS / backend).mkdir(parents=True)
    key = "browser-search-key-0123456789abcdef"
    with (
        serve_platform(tmp_path / "home", database_url, key) as base,
        sync_playwright() as playwright,
    ):
        browser = launch_chromium(playwright)
        page = browser.new_page(viewport={"width": 1280, "height": 900})
        page.set_default_timeout(30_000)
        expect.set_options(timeout=15_000)

        def log_in(username: str) -> None:
            page.goto(f"{base}/login")
            page.get_by_label("Username").fill(username)
            page.get_by_label("Password").fill(PASSWORD)
            with page.expect_navigation():
                page.get_by_role("button", name="Log in").click()

        log_in("gwent.investigator")
        page.goto(f"{base}/operation/queue")
        box = page.get_by_role("search").get_by_label("Search cases")
        box.fill("Zebra.Test@EXAMPLE.org")
        with page.expect_navigation():
            box.press("Enter")
        expect(page.get_by_role("heading", name="Search")).to_be_visible()
        expect(page.locator("#search-status")).to_contain_text("1 result")
        expect(page.locator("#search-results")).to_contain_text(
            "exact match on identifier: email: zebra.test@example.org"
        )
        page.screenshot(path=str(ARTIFACTS / backend / "01-results.png"), full_page=True)
        with page.expect_navigation():
            page.get_by_role("link", name=gwent.reference).click()
        assert page.url.endswith(f"/operation/referrals/{gwent.id}")

        box = page.get_by_role("search").get_by_label("Search cases")
        box.fill(south.reference)
        with page.expect_navigation():
            box.press("Enter")
        expect(page.locator("#search-status")).to_contain_text("0 results")
        expect(page.get_by_role("link", name=south.reference)).to_have_count(0)

        page.context.clear_cookies()
        log_in("helpline.charity")
        expect(page.get_by_role("search")).to_have_count(0)
        page.screenshot(path=str(ARTIFACTS / backend / "02-charity-no-box.png"), full_page=True)
        browser.close()


@pytest.fixture(autouse=True)
def _playwright_available() -> None:
    pytest.importorskip("playwright.sync_api")
