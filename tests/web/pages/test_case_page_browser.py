"""The case page by keyboard and screen reader (#17 point 7), in Debian's chromium: the second
skip link reaches the section nav; each section is a region landmark named by its heading, in
the order of the nav; a nav link moves the focus to its section; folded forms open from the
keyboard. The exhibit reference `pattern` compiles under the `v` flag that Chrome applies to
`pattern`, and the browser then refuses a reference the server would refuse."""

from __future__ import annotations

import pytest

from tests.browser_support import BROWSER_MARKS, launch_chromium
from tests.web.pages.demo_site import DemoSite, log_in

pytestmark = [*BROWSER_MARKS, pytest.mark.slow]

SECTIONS = ["Summary", "People", "Owner and actions", "Warrants", "Exhibits", "Outcome", "History"]


def test_the_case_page_by_keyboard_and_landmarks(site: DemoSite) -> None:
    from playwright.sync_api import expect, sync_playwright

    problems: list[str] = []
    with sync_playwright() as playwright:
        browser = launch_chromium(playwright)
        page = browser.new_page(viewport={"width": 1280, "height": 900})
        page.set_default_timeout(30_000)
        page.on("console", lambda m: problems.append(m.text) if m.type == "error" else None)
        log_in(page, site.base, "investigator.gwent")
        page.goto(f"{site.base}/operation/referrals/{site.referral_id}")

        page.keyboard.press("Tab")
        expect(page.get_by_role("link", name="Skip to content")).to_be_focused()
        page.keyboard.press("Tab")
        skip = page.get_by_role("link", name="Skip to case sections")
        expect(skip).to_be_focused()
        page.keyboard.press("Enter")
        nav = page.get_by_role("navigation", name="Case sections")
        expect(nav).to_be_focused()

        links = nav.get_by_role("link")
        labels = [text.split(" (")[0] for text in links.all_inner_texts()]
        assert labels == SECTIONS
        regions = page.locator("section.case-section")
        names = [regions.nth(i).get_attribute("aria-labelledby") for i in range(regions.count())]
        assert [page.locator(f"#{n}").inner_text() for n in names] == SECTIONS
        for name in SECTIONS:
            expect(page.get_by_role("region", name=name, exact=True)).to_be_visible()

        page.keyboard.press("Tab")  # the first section link
        expect(links.first).to_be_focused()
        exhibits = nav.get_by_role("link", name="Exhibits")
        exhibits.focus()
        page.keyboard.press("Enter")
        assert page.url.endswith("#exhibits")
        section = page.get_by_role("region", name="Exhibits", exact=True)
        assert section.bounding_box()["y"] < 200  # type: ignore[index]  # scrolled to the top

        summary = section.locator("summary", has_text="Record an exhibit")
        summary.focus()
        page.keyboard.press("Enter")
        reference = page.get_by_label("Exhibit reference")
        expect(reference).to_be_visible()

        pattern = reference.get_attribute("pattern")
        assert pattern is not None
        assert page.evaluate("p => { new RegExp(p, 'v'); return true; }", pattern)
        for value, valid in (("GWP/JE/1", True), ("GWP-JE_1.2", True), ("/GWP", False),
                             ("GWP JE", False), ("GWP#1", False)):  # fmt: skip
            reference.fill(value)
            assert reference.evaluate("e => e.validity.valid") is valid, value
        browser.close()
    assert problems == []
