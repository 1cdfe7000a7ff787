"""The demo's CyberTipline reports (SQLite and PostgreSQL): eight imported once, two awaiting a
force, and three sharing an identifier with an earlier report, so the deconfliction page and
the case pages have links to show, one of them between two of the four forces."""

from __future__ import annotations

from sqlalchemy import Engine

from netsafe.platform.agencies import FORCE_SLUGS
from netsafe.platform.roles import Role, Viewer
from netsafe.settings import Settings
from netsafe.store.engine import make_session_factory
from netsafe.store.repositories.deconfliction import SqlDeconflictionRepository
from netsafe.usecases.import_referrals import DEMO_REPORTS, import_demo_reports

LEAD = Viewer(0, "op.lead", "regional-unit", Role.OPERATION_LEAD)


def _no_audit(*_args: object) -> None:
    return None


def test_the_demo_reports_include_links_across_forces(engine: Engine, settings: Settings) -> None:
    sessions = make_session_factory(engine)
    first = import_demo_reports(sessions, settings, viewer=LEAD, audit=_no_audit)
    assert len(first.added) == DEMO_REPORTS
    assert len(first.unassigned) == 2
    with sessions() as session:
        links, total = SqlDeconflictionRepository(session).links(limit=100, offset=0)
    assert total == 3
    assert {link.kind for link in links} == {"screen-name", "email", "ip-address"}
    assert any(
        link.force in FORCE_SLUGS
        and link.other_force in FORCE_SLUGS
        and link.force != link.other_force
        for link in links
    )
    again = import_demo_reports(sessions, settings, viewer=LEAD, audit=_no_audit)
    assert (len(again.added), len(again.already_known)) == (0, DEMO_REPORTS)
    with sessions() as session:
        assert SqlDeconflictionRepository(session).links(limit=100, offset=0)[1] == 3
