"""Correct with a reason, withdraw, close and reopen, in a real browser (Debian's chromium through
Playwright): an investigator corrects a mistyped arrest date (the future refused first, naming the
field), sees the correction in the record's history a click from the case page, withdraws a
safeguarding record entered in error, records the outcome that closes the case (its forms go);
a supervisor reopens it with a reason.

Screenshots are kept under test-artifacts/operation-corrections/<backend>/ (gitignored).
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from urllib.parse import unquote_plus

import pytest

from netsafe.operation.referrals import NewReferral
from netsafe.platform.roles import Role, Viewer
from netsafe.store.engine import make_engine, make_session_factory, unit_of_work
from netsafe.store.migrate import upgrade
from netsafe.store.repositories.operation import case_repositories
from tests.browser_support import BROWSER_MARKS, launch_chromium, serve_platform
from tests.platform.platform_helpers import add_user

ARTIFACTS = Path(__file__).resolve().parents[3] / "test-artifacts" / "operation-corrections"
PASSWORD = "correct-horse-battery-staple-7"
RECEIVED = (datetime.now(UTC) - timedelta(days=3)).replace(second=0, microsecond=0)
ARRESTED = RECEIVED + timedelta(days=1)

pytestmark = BROWSER_MARKS


@pytest.fixture
def served(tmp_path: Path, database_url: str) -> Iterator[tuple[str, int]]:
    """(base URL, referral id): a Gwent case with a subject, an arrest and a safeguarding record,
    an investigator and a supervisor, served on loopback; on each storage backend (SQLite, and
    PostgreSQL when NETSAFE_TEST_POSTGRES_URL is set)."""
    from netsafe.operation.casework import Casework

    engine = make_engine(database_url)
    upgrade(engine)
    investigator = add_user(engine, "gwent.investigator", agency="gwent", password=PASSWORD)
    add_user(engine, "gwent.supervisor", agency="gwent", role=Role.SUPERVISOR, password=PASSWORD)
    viewer = Viewer(investigator.id, investigator.username, "gwent", Role.INVESTIGATOR)
    with unit_of_work(make_session_factory(engine)) as session:
        from netsafe.operation.referrals import create_referral

        repos = case_repositories(session)
        referral = create_referral(
            repos.referrals,
            NewReferral("partner", "gwent", RECEIVED, "Synthetic referral"),
            by=viewer,
        )
        casework = Casework(repos, viewer)
        subject = casework.add_subject(referral.id, display_name="Jordan Example")
        casework.record_arrest(
            subject.id, arrested_at=ARRESTED, location="3 Example Close", grounds="Synthetic"
        )
        casework.record_safeguarding(
            referral.id,
            children_identified=3,
            children_safeguarded=3,
            referred_to_childrens_services=False,
            recorded_at=ARRESTED,
        )
        referral_id = referral.id
    engine.dispose()
    with serve_platform(
        tmp_path / "home", database_url, "browser-corrections-key-0123456789abcdef"
    ) as base:
        yield base, referral_id


def test_correct_withdraw_close_and_reopen_in_chromium(
    served: tuple[str, int], database_url: str
) -> None:
    from playwright.sync_api import expect, sync_playwright

    base, referral_id = served
    case_url = f"{base}/operation/referrals/{referral_id}"
    artifacts = ARTIFACTS / database_url.split(":", 1)[0].split("+", 1)[0]  # per backend
    shutil.rmtree(artifacts, ignore_errors=True)
    artifacts.mkdir(parents=True)
    shots = iter(range(1, 100))

    with sync_playwright() as playwright:
        browser = launch_chromium(playwright)

        def log_in(username: str) -> Any:
            page = browser.new_context(viewport={"width": 1280, "height": 900}).new_page()
            page.set_default_timeout(30_000)
            page.goto(f"{base}/operation")
            page.get_by_label("Username").fill(username)
            page.get_by_label("Password").fill(PASSWORD)
            with page.expect_navigation():
                page.get_by_role("button", name="Log in").click()
            return page

        expect.set_options(timeout=15_000)
        page: Any = log_in("gwent.investigator")

        def act(button: str, *, refused: bool = False) -> None:
            with page.expect_navigation():
                page.get_by_role("button", name=button).click()
            url = unquote_plus(page.url)
            assert ("error=" in url) is refused, f"{button}: {url}"

        def shot(name: str) -> None:
            path = str(artifacts / f"{next(shots):02d}-{name}.png")
            page.screenshot(path=path, full_page=True)

        p = page
        p.goto(case_url)
        p.get_by_role("link", name="Correct or withdraw arrest").click()
        expect(p.get_by_role("heading", name="History")).to_be_visible()
        future = (datetime.now(UTC) + timedelta(days=365)).strftime("%Y-%m-%dT%H:%M")
        p.get_by_label("Arrested at (UTC)").fill(future)
        p.get_by_label("Reason for the correction (required)").fill("typed the year wrong")
        act("Save correction", refused=True)
        expect(p.get_by_role("alert")).to_contain_text("arrested_at: in the future")
        shot("correction-refused")
        corrected = (ARRESTED - timedelta(hours=3)).strftime("%Y-%m-%dT%H:%M")
        p.get_by_label("Arrested at (UTC)").fill(corrected)
        p.get_by_label("Reason for the correction (required)").fill("time from the custody record")
        act("Save correction")
        expect(p.get_by_role("status")).to_contain_text("Arrest corrected: arrested_at")
        table = p.locator("#record-history")
        expect(table).to_contain_text("time from the custody record")
        expect(table).to_contain_text("gwent.investigator")
        shot("correction-history")

        p.goto(case_url)
        p.get_by_role("link", name="corrected", exact=True).click()  # a click away
        expect(p.locator("#record-history")).to_contain_text("time from the custody record")

        p.goto(case_url)
        p.get_by_role("link", name="Correct or withdraw safeguarding").click()
        p.get_by_label("Reason for withdrawing (required)").fill("entered on the wrong case")
        act("Withdraw safeguarding")
        expect(p.locator("#record-withdrawn")).to_be_visible()
        p.goto(case_url)
        expect(p.get_by_role("link", name="withdrawn", exact=True)).to_be_visible()
        shot("case-with-marks")

        p.locator("summary", has_text="Record an outcome").click()
        p.get_by_label("Outcome", exact=True).and_(p.locator("select")).select_option(
            "no-further-action"
        )
        act("Record outcome")
        expect(p.locator("#case-closed")).to_contain_text("closed and read-only")
        expect(p.locator("summary", has_text="Add a subject")).to_be_hidden()
        expect(p.get_by_role("button", name="Reopen case")).to_have_count(0)
        shot("case-closed")

        s = log_in("gwent.supervisor")
        s.goto(case_url)
        s.get_by_label("Reason for reopening (required)").fill("new evidence from the force")
        with s.expect_navigation():
            s.get_by_role("button", name="Reopen case").click()
        expect(s.get_by_role("status")).to_contain_text("Case reopened")
        expect(s.locator("#case-closed")).to_have_count(0)
        expect(s.locator("#referral-status")).not_to_have_text("closed")
        expect(s.locator("summary", has_text="Add a subject")).to_be_visible()
        browser.close()
