"""The practitioner's journey in a real browser (Debian's chromium through Playwright).

A helpline practitioner logs in and enters contacts with the keyboard only (the count of key
presses per contact is the measure of "quick": no mouse, no timing); a refused note is named on
the form; the list filters; a follow-up is counted; a member of the public views the help page and
clicks through to the chat; the charity's dashboard shows the funnel; a police user is refused.
The app runs under uvicorn on a loopback port. Screenshots go to test-artifacts/prevention-journey/.
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest

from netsafe.platform.agencies import ensure_agencies
from netsafe.platform.users import create_user
from netsafe.store.engine import make_engine, make_session_factory, unit_of_work
from netsafe.store.migrate import upgrade
from netsafe.store.repositories.agencies import SqlAgencyRepository
from netsafe.store.repositories.users import SqlUserRepository
from tests.browser_support import BROWSER_MARKS, launch_chromium, serve_platform
from tests.web.prevention.web_helpers import PREVENTION_FILE

ARTIFACTS = Path(__file__).resolve().parents[3] / "test-artifacts" / "prevention-journey"
PASSWORD = "correct-horse-battery-staple-7"
#: Key presses for a whole contact, typed text excluded (each typed string counts as one).
MAX_KEYS_PER_CONTACT = 20

pytestmark = BROWSER_MARKS


@pytest.fixture
def served(tmp_path: Path) -> Iterator[str]:
    database_url = f"sqlite:///{tmp_path / 'prevention.db'}"
    engine = make_engine(database_url)
    upgrade(engine)
    with unit_of_work(make_session_factory(engine)) as session:
        ensure_agencies(SqlAgencyRepository(session))
        for username, agency, role in [
            ("helpline.one", "charity", "helpline"),
            ("gwent.lead", "gwent", "operation-lead"),
        ]:
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
    home = tmp_path / "home"
    home.mkdir()
    (home / "prevention.toml").write_text(PREVENTION_FILE, encoding="utf-8")
    with serve_platform(home, database_url, "prevention-journey-key-0123") as base:
        yield base


def test_the_practitioner_journey_in_chromium(served: str) -> None:
    from playwright.sync_api import Page, expect, sync_playwright

    base = served
    shutil.rmtree(ARTIFACTS, ignore_errors=True)
    ARTIFACTS.mkdir(parents=True)
    shots = iter(range(1, 100))

    with sync_playwright() as playwright:
        browser = launch_chromium(playwright)
        page = browser.new_page(viewport={"width": 1280, "height": 900})
        page.set_default_timeout(15_000)

        def shot(name: str) -> None:
            page.screenshot(path=str(ARTIFACTS / f"{next(shots):02d}-{name}.png"), full_page=True)

        def log_in(target: Page, username: str, path: str) -> None:
            target.goto(f"{base}{path}")
            target.get_by_label("Username").fill(username)
            target.get_by_label("Password").fill(PASSWORD)
            target.get_by_role("button", name="Log in").click()

        log_in(page, "helpline.one", "/prevention/contacts/new")
        expect(page.get_by_role("heading", name="New contact")).to_be_visible()
        shot("entry-form")

        keys = 0

        def press(*names: str) -> None:
            nonlocal keys
            for name in names:
                page.keyboard.press(name)
                keys += 1

        def type_text(text: str) -> None:
            nonlocal keys
            page.keyboard.type(text)
            keys += 1

        # Contact 1, keyboard only: the channel group has the focus when the form opens.
        expect(page.get_by_role("radio", name="Phone call")).to_be_focused()
        press("ArrowRight")  # channel: chat
        press("Tab", "Space")  # who: own-behaviour
        press("Tab", "ArrowLeft", "ArrowLeft")  # area: from "unknown" back to dyfed-powys
        press("Tab", "ArrowRight")  # heard via: deterrence-message
        press("Tab", "Space")  # concerns: online-images
        press("Tab", "Tab", "Tab")  # to protective actions
        type_text("Agreed to install blocking software.")
        press("Control+Enter")
        expect(page.get_by_role("status")).to_contain_text("Saved contact #1")
        assert keys <= MAX_KEYS_PER_CONTACT, f"{keys} key presses for one contact"
        shot("saved-first")

        # Contact 2: a note with a phone number is refused, named on the form, then fixed.
        keys = 0
        expect(page.get_by_role("radio", name="Phone call")).to_be_focused()
        press("Space")  # channel: call
        press("Tab", "ArrowRight")  # who: family-friend
        press("Tab")  # area stays unknown
        press("Tab", "Space")  # heard via: police-operation
        press("Tab", "Tab", "Space")  # concerns: online-contact
        press("Tab", "Tab")  # to notes
        press("Tab")
        type_text("Call back on 07700 900123")
        press("Control+Enter")
        expect(page.get_by_role("alert")).to_contain_text(
            "Notes: looks like it contains phone number"
        )
        shot("refused-phone-number")
        page.get_by_label("Notes").fill("Call back through the helpline only.")
        page.get_by_label("Notes").press("Control+Enter")
        expect(page.get_by_role("status")).to_contain_text("Saved contact #2")

        # The list, filtered; a record; a follow-up counted.
        page.get_by_role("link", name="Contacts", exact=True).click()
        expect(page.get_by_role("heading", name="Contacts (2)")).to_be_visible()
        page.get_by_label("Channel").select_option("chat")
        page.get_by_role("button", name="Filter").click()
        expect(page.get_by_role("heading", name="Contacts (1)")).to_be_visible()
        shot("list-filtered")
        page.get_by_role("link", name="1", exact=True).click()
        expect(page.get_by_role("heading", name="Contact #1")).to_be_visible()
        page.get_by_role("button", name="Count a follow-up").click()
        expect(page.locator("#follow-ups")).to_have_text("1")
        shot("record")

        # A member of the public: a warning, the help page, a click through to the chat.
        public = browser.new_context().new_page()
        answer = public.request.post(
            f"{base}/api/v1/deterrence/check", data={"query": "zebra-test-term"}
        )
        assert answer.json()["warn"] is True
        public.route("https://help.example.test/**", lambda route: route.fulfill(body="chat"))
        public.goto(f"{base}/help")
        expect(public.get_by_role("heading", name="Test helpline")).to_be_visible()
        public.screenshot(path=str(ARTIFACTS / "public-help-page.png"), full_page=True)
        public.get_by_role("link", name="Chat to someone now (live chat)").click()
        public.wait_for_url("https://help.example.test/chat")

        # The charity's dashboard shows the contacts and the funnel.
        page.get_by_role("link", name="Dashboard").click()
        expect(page.locator("#contacts")).to_have_text("2")
        funnel = page.locator("#funnel")
        expect(funnel).to_contain_text("Warning shown")
        expect(funnel.locator("tr", has_text="Help page view").locator("td").nth(1)).to_have_text(
            "1"
        )
        expect(funnel.locator("tr", has_text="Chat click").locator("td").nth(1)).to_have_text("1")
        shot("dashboard")

        # A police user is refused every prevention page.
        police = browser.new_context().new_page()
        log_in(police, "gwent.lead", "/prevention/contacts")
        expect(police.get_by_text("may not do this")).to_be_visible()
        police.goto(f"{base}/prevention/contacts/1")
        expect(police.get_by_text("may not do this")).to_be_visible()
        police.screenshot(path=str(ARTIFACTS / "police-refused.png"), full_page=True)
        browser.close()
