"""Usable at 390 px (#17 point 7): no page scrolls sideways on a phone-sized screen. Each role
logs in to the demo operation in Debian's chromium at 390 × 844 and visits its main pages; on
each the document is no wider than the screen, and nothing visible sticks out past its right edge
(a wide table scrolls inside its own box instead). On the casework and search pages every table
is inside such a box, however narrow its rows today. The case page's sections nav, and the
helpline's quick-entry radios and check boxes, are checked for size too."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.browser_support import BROWSER_MARKS, launch_chromium
from tests.web.pages.demo_site import DemoSite, log_in

pytestmark = [*BROWSER_MARKS, pytest.mark.slow]

WIDTH = 390
#: Pages whose every table must scroll inside its own box (casework's lists and search results).
BOXED_TABLES = ("/operation", "/search")
#: What sticks out of the page's width: elements whose right edge passes the screen's, outside
#: any box that scrolls sideways itself.
OVERFLOW_SCRIPT = """
() => {
  const width = document.documentElement.clientWidth;
  const scrolls = (el) => {
    for (let e = el.parentElement; e; e = e.parentElement) {
      const s = getComputedStyle(e);
      if ((s.overflowX === 'auto' || s.overflowX === 'scroll' || s.overflowX === 'hidden')
          && e !== document.documentElement && e !== document.body) return true;
    }
    return false;
  };
  const out = [];
  for (const el of document.body.querySelectorAll('*')) {
    const r = el.getBoundingClientRect();
    if (r.width === 0 || r.height === 0) continue;
    if (r.right > width + 1 && !scrolls(el)) {
      const cls = typeof el.className === 'string' && el.className ? '.' + el.className : '';
      out.push(el.tagName.toLowerCase() + (el.id ? '#' + el.id : '') + cls +
               ' right=' + Math.round(r.right));
    }
  }
  const unboxed = [...document.querySelectorAll('main table')]
    .filter((t) => !scrolls(t))
    .map((t) => 'table' + (t.id ? '#' + t.id : '') + ' '
                + (t.caption ? t.caption.textContent : ''));
  return {scrollWidth: document.documentElement.scrollWidth, width, out: out.slice(0, 8),
          unboxed};
}
"""


def _pages(site: DemoSite) -> dict[str, list[str]]:
    case = f"/operation/referrals/{site.referral_id}"
    return {
        "": ["/login", "/report", "/help"],
        "investigator.gwent": [
            "/operation/my-work",
            "/operation",
            "/operation/queue",
            "/operation/referrals/new",
            case,
            f"{case}/incident",
            f"/operation/warrants/{site.warrant_id}",
            f"/operation/exhibits/{site.exhibit_id}",
            "/account",
            "/search?q=demo",
            f"{case}/history",
            f"/operation/exhibits/{site.exhibit_id}/history",
        ],
        "examiner.gwent": ["/operation/my-work", "/operation/exhibits"],
        "supervisor.gwent": ["/stats", "/audit"],
        "analyst.regional-unit": ["/stats?from=2017-01-01&to=2017-01-31"],
        "admin.regional-unit": ["/admin", "/audit"],
        "operation-lead.regional-unit": ["/intake", "/operation/queue?show=open&breached=yes"],
        "helpline.charity": ["/prevention", "/prevention/contacts/new", "/prevention/contacts"],
    }


def test_no_page_scrolls_sideways_at_390_px(site: DemoSite, tmp_path: Path) -> None:
    from playwright.sync_api import sync_playwright

    wide: dict[str, object] = {}
    visited = 0
    with sync_playwright() as playwright:
        browser = launch_chromium(playwright)
        for username, paths in _pages(site).items():
            context = browser.new_context(viewport={"width": WIDTH, "height": 844})
            page = context.new_page()
            page.set_default_timeout(30_000)
            if username:
                log_in(page, site.base, username)
            for path in paths:
                answer = page.goto(f"{site.base}{path}")
                assert answer is not None
                assert answer.status == 200, (username, path, answer.status)
                measured = page.evaluate(OVERFLOW_SCRIPT)
                visited += 1
                if not path.startswith(BOXED_TABLES):
                    measured["unboxed"] = []
                if measured["scrollWidth"] > WIDTH or measured["out"] or measured["unboxed"]:
                    wide[f"{username or 'anonymous'} {path}"] = measured
                    name = path.strip("/").replace("/", "_").replace("?", "_") or "root"
                    page.screenshot(path=str(tmp_path / f"{name}.png"), full_page=True)
            context.close()
        browser.close()
    assert visited == sum(len(paths) for paths in _pages(site).values()) == 27
    assert wide == {}, f"pages wider than {WIDTH} px (screenshots in {tmp_path}): {wide}"


def test_the_case_page_and_quick_entry_at_390_px(site: DemoSite) -> None:
    from playwright.sync_api import expect, sync_playwright

    with sync_playwright() as playwright:
        browser = launch_chromium(playwright)
        page = browser.new_context(viewport={"width": WIDTH, "height": 844}).new_page()
        page.set_default_timeout(30_000)
        log_in(page, site.base, "investigator.gwent")
        page.goto(f"{site.base}/operation/referrals/{site.referral_id}")
        nav = page.get_by_role("navigation", name="Case sections")
        expect(nav).to_be_visible()
        box = nav.bounding_box()
        assert box is not None
        assert box["width"] <= WIDTH
        assert box["height"] < 200  # the section links wrap in a few lines at the top
        page.close()

        page = browser.new_context(viewport={"width": WIDTH, "height": 844}).new_page()
        log_in(page, site.base, "helpline.charity")
        page.goto(f"{site.base}/prevention/contacts/new")
        for role, name in (("radio", "Phone call"), ("checkbox", "Online images")):
            control = page.get_by_role(role, name=name)
            control_box = control.bounding_box()
            label_box = page.locator("label", has=control).bounding_box()
            assert control_box is not None
            assert label_box is not None
            assert control_box["width"] < 30, (name, control_box)  # not a 32rem text field
            assert label_box["width"] < WIDTH  # the label sits next to its control
        browser.close()
