"""A small demo operation served on loopback for the page tests: the seeded demo (Nov 2016 –
`LAST_DAY`, triage results drawn, none run) and one user per role with a known password."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from sqlalchemy import select

from netsafe.demo.seed import seed_demo_operation
from netsafe.platform.roles import Role
from netsafe.prevention.code_words import CodeWordHasher
from netsafe.store.engine import make_engine, make_session_factory, unit_of_work
from netsafe.store.migrate import upgrade
from netsafe.store.models.operation import ExhibitRow, WarrantRow
from netsafe.store.repositories.demo import SqlDemoLedger, SqlDemoWriter
from tests.browser_support import serve_platform
from tests.platform.platform_helpers import add_user

PASSWORD = "page-tests-password-0123"
SECRET = "page-tests-secret-key-0123456789abcdef"
LAST_DAY = date(2017, 1, 31)
#: (username, agency, role): who logs in to see which pages.
USERS = (
    ("investigator.gwent", "gwent", Role.INVESTIGATOR),
    ("examiner.gwent", "gwent", Role.EXAMINER),
    ("supervisor.gwent", "gwent", Role.SUPERVISOR),
    ("analyst.regional-unit", "regional-unit", Role.ANALYST),
    ("admin.regional-unit", "regional-unit", Role.ADMIN),
    ("operation-lead.regional-unit", "regional-unit", Role.OPERATION_LEAD),
    ("helpline.charity", "charity", Role.HELPLINE),
)


@dataclass(frozen=True, slots=True)
class DemoSite:
    """The served site and a few records to visit."""

    base: str
    referral_id: int
    warrant_id: int
    exhibit_id: int


@contextmanager
def demo_site(folder: Path) -> Iterator[DemoSite]:
    """Seed the demo into a SQLite database under `folder` and serve it until the block ends."""
    database_url = f"sqlite:///{folder / 'demo.db'}"
    engine = make_engine(database_url)
    upgrade(engine)
    for username, agency, role in USERS:
        add_user(engine, username, agency=agency, role=role, password=PASSWORD)
    with unit_of_work(make_session_factory(engine)) as session:
        seed_demo_operation(
            SqlDemoWriter(session),
            SqlDemoLedger(session),
            code_word_hash=CodeWordHasher.from_secret(SECRET).hash,
            self_help_modules=("managing-urges", "staying-safe-online"),
            last_day=LAST_DAY,
            engine_devices=0,
        )
    with unit_of_work(make_session_factory(engine)) as session:
        exhibit = session.scalars(
            select(ExhibitRow)
            .where(ExhibitRow.warrant_id.is_not(None), ExhibitRow.force == "gwent")
            .order_by(ExhibitRow.id)
        ).first()
        assert exhibit is not None, "the demo seeds exhibits seized under warrants"
        warrant = session.get(WarrantRow, exhibit.warrant_id)
        assert warrant is not None
        found = (exhibit.referral_id, warrant.id, exhibit.id)
    engine.dispose()
    with serve_platform(folder / "home", database_url, SECRET) as base:
        yield DemoSite(base, *found)


def log_in(page: Any, base: str, username: str) -> None:
    """Log `page` in as `username` (a Playwright page)."""
    page.goto(f"{base}/login")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(PASSWORD)
    with page.expect_navigation():
        page.get_by_role("button", name="Log in").click()
