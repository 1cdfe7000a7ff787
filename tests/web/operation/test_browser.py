"""The whole journey in a real browser (Debian's chromium through Playwright): log in, record a
referral, enter its incident details, restrict the case and lift it, assess risk, apply for /
grant / execute a warrant, arrest, seize an exhibit and see its triage results, hand it over,
safeguard, note the helpline details; find the case with the search box, add an action and see
it on My work, correct the arrest's date with a reason (a date in the future refused first,
naming the field), record the outcome that closes the case; a supervisor reopens it with a
reason.

The app runs under uvicorn on a free loopback port against a temporary SQLite database, and a
PostgreSQL schema of its own when NETSAFE_TEST_POSTGRES_URL is set.
Screenshots of every step are kept under test-artifacts/operation-journey/<backend>/ (gitignored).
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from urllib.parse import unquote_plus

import pytest

from netsafe.platform.roles import Role
from netsafe.store.engine import make_engine, make_session_factory, unit_of_work
from netsafe.store.migrate import upgrade
from tests.browser_support import BROWSER_MARKS, launch_chromium, serve_platform
from tests.operation.operation_triage import store_triage_run
from tests.platform.platform_helpers import add_user

ARTIFACTS = Path(__file__).resolve().parents[3] / "test-artifacts" / "operation-journey"
PASSWORD = "correct-horse-battery-staple-7"

pytestmark = BROWSER_MARKS


@pytest.fixture
def served(tmp_path: Path, database_url: str) -> Iterator[tuple[str, str]]:
    """(base URL, database URL) of a NetSafe served on loopback with an investigator and a
    supervisor, on each storage backend (SQLite; PostgreSQL when NETSAFE_TEST_POSTGRES_URL is
    set)."""
    engine = make_engine(database_url)
    upgrade(engine)
    add_user(
        engine, "gwent.investigator", agency="gwent", role=Role.INVESTIGATOR, password=PASSWORD
    )
    add_user(engine, "gwent.supervisor", agency="gwent", role=Role.SUPERVISOR, password=PASSWORD)
    engine.dispose()
    with serve_platform(
        tmp_path / "home", database_url, "browser-journey-key-0123456789abcdef"
    ) as base:
        yield base, database_url


def test_the_whole_journey_in_chromium(served: tuple[str, str]) -> None:
    from playwright.sync_api import expect, sync_playwright

    base, database_url = served
    artifacts = ARTIFACTS / database_url.split(":", 1)[0].split("+", 1)[0]  # per backend
    shutil.rmtree(artifacts, ignore_errors=True)
    artifacts.mkdir(parents=True)
    shots = iter(range(1, 100))

    with sync_playwright() as playwright:
        browser = launch_chromium(playwright)
        page = browser.new_page(viewport={"width": 1280, "height": 900})
        page.set_default_timeout(30_000)
        expect.set_options(timeout=15_000)

        def submit(button: str) -> None:
            with page.expect_navigation():
                page.get_by_role("button", name=button).click()
            assert "error=" not in page.url, f"{button}: {unquote_plus(page.url)}"

        def unfold(summary: str) -> None:
            """Open a folded form of the case page (its <summary> reads `summary`)."""
            page.locator("summary", has_text=summary).click()

        def shot(name: str) -> None:
            page.screenshot(path=str(artifacts / f"{next(shots):02d}-{name}.png"), full_page=True)

        page.goto(f"{base}/operation")  # not logged in: to the login page
        expect(page.get_by_role("heading", name="Log in")).to_be_visible()
        page.get_by_label("Username").fill("gwent.investigator")
        page.get_by_label("Password").fill(PASSWORD)
        shot("login")
        submit("Log in")
        expect(page.get_by_role("heading", name="Operation dashboard")).to_be_visible()
        shot("dashboard-empty")

        page.get_by_role("link", name="Record a referral").click()
        page.get_by_label("Source").select_option("national-referral")
        page.get_by_label("Summary").fill("Synthetic national referral: account zebra-test-account")
        received = datetime.now(UTC) - timedelta(days=2)
        page.get_by_label("Received (UTC; empty for now)").fill(received.strftime("%Y-%m-%dT%H:%M"))
        shot("referral-form")
        submit("Record referral")
        expect(page.get_by_role("status")).to_contain_text("recorded")
        case_url = page.url.split("?")[0]

        page.get_by_role("link", name="Add incident details").click()
        page.get_by_label("Incident type").fill("possession")
        page.get_by_label("Incident time (UTC; empty if not known)").fill("2026-11-20T22:04")
        page.get_by_label("Kind of identifier 1", exact=True).select_option("ip-address")
        page.get_by_label("Identifier 1", exact=True).fill("192.0.2.44")
        page.get_by_label("Identifier 2", exact=True).fill("zebra-test-account")
        page.get_by_label("Reported files").fill(
            "zebra-test-0.jpg 0123456789abcdef0123456789abcdef\n" + "ab" * 32 + "\n"
        )
        shot("incident-form")
        submit("Save incident details")
        expect(page.get_by_role("status")).to_contain_text("2 identifiers, 2 files")
        expect(page.get_by_role("cell", name="192.0.2.44")).to_be_visible()
        expect(page.get_by_role("cell", name="zebra-test-0.jpg")).to_be_visible()

        unfold("Restrict access")
        page.get_by_label("Restrict to these users").fill("gwent.investigator")
        submit("Restrict case")
        expect(page.locator("#access-state")).to_contain_text("only gwent.investigator")
        shot("case-restricted")
        submit("Lift restriction")
        expect(page.locator("#access-state")).to_contain_text("Not restricted")

        unfold("Add a subject")
        page.get_by_label("Subject name (synthetic in demos)").fill("Jordan Example")
        submit("Add subject")
        expect(page.get_by_role("status")).to_contain_text("Subject added")

        unfold("Answer the risk questions")
        page.get_by_label(
            "Does the subject live with, or have regular unsupervised access to, children?"
        ).check()
        page.get_by_label("Rationale").fill("Synthetic test assessment")
        submit("Assess risk")
        expect(page.get_by_role("status")).to_contain_text("Risk assessed: High")
        expect(page.locator("#referral-band")).to_contain_text("High")
        shot("risk-assessed")

        unfold("Apply for a warrant")
        page.get_by_label("Premises").fill("3 Example Close")
        page.get_by_label("Court", exact=True).fill("Synthetic Magistrates' Court")
        submit("Apply for warrant")
        expect(page.locator("#warrant-status")).to_have_text("applied")
        submit("Record decision")
        expect(page.locator("#warrant-status")).to_have_text("granted")
        page.get_by_label("Result").select_option("devices-seized")
        submit("Record execution")
        expect(page.locator("#warrant-status")).to_have_text("executed")
        shot("warrant-executed")

        page.goto(case_url)
        unfold("Record an arrest")
        page.get_by_label("Location").fill("3 Example Close")
        page.get_by_label("Grounds").fill("Synthetic grounds for the test")
        submit("Record arrest")
        expect(page.get_by_role("status")).to_contain_text("Arrest recorded")

        unfold("Record an exhibit")
        page.get_by_label("Exhibit reference").fill("GWP/JE/1")
        page.get_by_label("Device type").select_option("laptop")
        page.get_by_label("Seal number").fill("SEAL-000123")
        page.get_by_label("Seized from").fill("3 Example Close")
        page.get_by_label("Under warrant").select_option(index=1)
        submit("Record exhibit")
        expect(page.get_by_role("heading", name="Exhibit GWP/JE/1")).to_be_visible()
        expect(page.locator("#no-triage")).to_be_visible()

        engine = make_engine(database_url)  # the examiner's triage run of this exhibit arrives
        with unit_of_work(make_session_factory(engine)) as session:
            store_triage_run(session, "GWP/JE/1", matched=3)
        engine.dispose()
        page.reload()
        expect(page.locator(".triage-matched")).to_have_text("3")
        expect(page.get_by_text("zebra-test-0.jpg")).to_be_visible()
        page.get_by_label("Handed to").fill("exhibits.officer")
        page.get_by_label("Where").fill("Gwent property store")
        page.get_by_label("Purpose").fill("Storage")
        page.get_by_role("button", name="Record hand-over").click()  # htmx: in place, no load
        expect(page.locator("#custody-notice")).to_have_text("Handed over to exhibits.officer")
        expect(page.locator("#holder")).to_contain_text("exhibits.officer")
        expect(page.locator("#chain")).to_have_text("unbroken")
        shot("exhibit-with-triage")

        page.goto(case_url)
        unfold("Add safeguarding")
        page.get_by_label("Children identified").fill("2")
        page.get_by_label("Children safeguarded").fill("2")
        page.get_by_label("Referred to children's services").check()
        page.get_by_label("Children's services (local authority)").fill("Synthetic County Council")
        submit("Record safeguarding")
        expect(page.get_by_role("status")).to_contain_text("Safeguarding recorded")
        page.get_by_label("Helpline details given to").select_option("family")
        submit("Note helpline details given")
        expect(page.get_by_role("status")).to_contain_text("Helpline details noted")

        reference = page.locator("h1").inner_text()

        # Find it: the search box on every police page, by the subject's name.
        page.get_by_role("searchbox", name="Search cases").fill("Jordan Example")
        with page.expect_navigation():
            page.get_by_role("searchbox", name="Search cases").press("Enter")
        expect(page.locator("#search-results")).to_contain_text(reference)
        shot("search")
        page.locator("#search-results").get_by_role("link", name=reference).click()
        assert page.url.split("#")[0] == case_url

        # My work: an action on the case, assigned to me, due today.
        unfold("Add an action")
        page.get_by_label("Action", exact=True).fill("Chase the triage report")
        submit("Add action")
        page.get_by_role("link", name="My work").click()
        expect(page.locator("#my-actions")).to_contain_text("Chase the triage report")
        shot("my-work")
        page.locator("#my-actions").get_by_role("link", name=reference).click()

        # Correct the arrest's date with a reason; a date in the future is refused first.
        page.get_by_role("link", name="Correct or withdraw arrest").click()
        future = (datetime.now(UTC) + timedelta(days=365)).strftime("%Y-%m-%dT%H:%M")
        page.get_by_label("Arrested at (UTC)").fill(future)
        page.get_by_label("Reason for the correction (required)").fill("typed the year wrong")
        with page.expect_navigation():
            page.get_by_role("button", name="Save correction").click()
        expect(page.get_by_role("alert")).to_contain_text("arrested_at: in the future")
        arrested = (received + timedelta(days=1)).strftime("%Y-%m-%dT%H:%M")
        page.get_by_label("Arrested at (UTC)").fill(arrested)
        page.get_by_label("Reason for the correction (required)").fill("time from custody record")
        submit("Save correction")
        expect(page.get_by_role("status")).to_contain_text("Arrest corrected: arrested_at")
        expect(page.locator("#record-history")).to_contain_text("time from custody record")
        shot("arrest-corrected")

        page.goto(case_url)
        expect(page.get_by_role("link", name="corrected", exact=True)).to_be_visible()
        unfold("Record an outcome")
        page.get_by_role("combobox", name="Outcome", exact=True).select_option("conviction")
        submit("Record outcome")
        expect(page.get_by_role("status")).to_contain_text("referral closed")
        expect(page.locator("#referral-status")).to_have_text("closed")
        timeline = page.locator("#timeline")
        for title in (
            "Referral received",
            "Risk assessed: High",
            "Warrant executed",
            "Exhibit seized: GWP/JE/1",
            "Safeguarding recorded",
            "Outcome: conviction",
        ):
            expect(timeline).to_contain_text(title)
        shot("case-closed")

        page.get_by_role("link", name="Dashboard").click()
        expect(page.locator("#open-count")).to_have_text("0")
        page.keyboard.press("Tab")  # the skip link is the first stop, for keyboard users
        expect(page.get_by_role("link", name="Skip to content")).to_be_focused()
        shot("dashboard-after")

        # A supervisor reopens the closed case, with a reason.
        supervisor = browser.new_context(viewport={"width": 1280, "height": 900}).new_page()
        supervisor.goto(case_url)
        supervisor.get_by_label("Username").fill("gwent.supervisor")
        supervisor.get_by_label("Password").fill(PASSWORD)
        with supervisor.expect_navigation():
            supervisor.get_by_role("button", name="Log in").click()
        expect(supervisor.locator("#case-closed")).to_contain_text("closed and read-only")
        supervisor.get_by_label("Reason for reopening (required)").fill("new evidence arrived")
        with supervisor.expect_navigation():
            supervisor.get_by_role("button", name="Reopen case").click()
        expect(supervisor.get_by_role("status")).to_contain_text("Case reopened")
        expect(supervisor.locator("#referral-status")).not_to_have_text("closed")
        expect(supervisor.locator("#case-history, #history")).to_contain_text(
            "new evidence arrived"
        )
        supervisor.screenshot(path=str(artifacts / f"{next(shots):02d}-reopened.png"))
        browser.close()

    assert len(list(artifacts.glob("*.png"))) >= 8
