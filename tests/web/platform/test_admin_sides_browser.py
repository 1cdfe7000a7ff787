"""The Admin page in a real browser (#16.1): the police admin is offered police roles and
agencies only and does not see the charity's accounts; a charity admin the reverse, and a police
role typed into the form by hand is refused. Runs on each database backend."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import Engine

from netsafe.platform.roles import Role
from tests.browser_support import BROWSER_MARKS, launch_chromium, serve_platform
from tests.platform.platform_helpers import PASSWORD, add_user

pytestmark = BROWSER_MARKS


@pytest.fixture
def served(tmp_path: Path, engine: Engine) -> Iterator[str]:
    add_user(engine, "root", agency="regional-unit", role=Role.ADMIN)
    add_user(engine, "charity.root", agency="charity", role=Role.CHARITY_ADMIN)
    add_user(engine, "helpline.worker", agency="charity", role=Role.HELPLINE)
    add_user(engine, "gwent.officer")
    url = engine.url.render_as_string(hide_password=False)
    with serve_platform(tmp_path / "home", url, "admin-sides-key-0123456789abcdef") as base:
        yield base


def _options(page: object, select: str) -> list[str]:
    values: list[str] = page.locator(f"{select} option").evaluate_all(  # type: ignore[attr-defined]
        "options => options.map(o => o.value)"
    )
    return values


def test_each_admin_sees_and_offers_only_its_side(served: str) -> None:
    from playwright.sync_api import expect, sync_playwright

    with sync_playwright() as playwright:
        browser = launch_chromium(playwright)
        for username, own, other in (
            ("root", "gwent.officer", "helpline.worker"),
            ("charity.root", "helpline.worker", "gwent.officer"),
        ):
            page = browser.new_page()
            page.goto(f"{served}/login?next=/admin")
            page.get_by_label("Username").fill(username)
            page.get_by_label("Password").fill(PASSWORD)
            with page.expect_navigation():
                page.get_by_role("button", name="Log in").click()
            expect(page).to_have_url(f"{served}/admin")
            expect(page.locator("#users")).to_contain_text(own)
            expect(page.locator("#users")).not_to_contain_text(other)
            roles = set(_options(page, "#new-role"))
            agencies = set(_options(page, "#new-agency"))
            if username == "root":
                assert roles == {r.value for r in Role if not r.is_charity}
                assert "charity" not in agencies
            else:
                assert roles == {"helpline", "charity-analyst", "charity-admin"}
                assert agencies == {"charity"}
                # a police role forced into the form is refused, with the reason
                page.locator("#new-role").evaluate(
                    "s => { s.add(new Option('operation-lead', 'operation-lead')); "
                    "s.value = 'operation-lead'; }"
                )
                page.get_by_label("Username").fill("lead.charity")
                page.get_by_label("Initial password").fill(PASSWORD)
                page.get_by_role("button", name="Create user").click()
                expect(page.locator("body")).to_contain_text("does not manage operation-lead")
            page.close()
        browser.close()
