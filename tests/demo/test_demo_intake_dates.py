"""The demo's CyberTipline reports are received on the demo's last day, with the rest of its
casework (`netsafe demo` passes `DEMO_INTAKE_AT`), their incidents before it: the demo reads as
one operation, and the statistics don't open on a year holding only these referrals. SQLite and
PostgreSQL."""

from __future__ import annotations

from sqlalchemy import Engine, select

from netsafe.demo.rates import DEMO_END, DEMO_INTAKE_AT
from netsafe.platform.roles import Role, Viewer
from netsafe.settings import Settings
from netsafe.store.engine import make_session_factory
from netsafe.store.models.operation import ReferralRow
from netsafe.timestamps import as_utc
from netsafe.usecases.import_referrals import DEMO_REPORTS, import_demo_reports

LEAD = Viewer(0, "op.lead", "regional-unit", Role.OPERATION_LEAD)


def _no_audit(*_args: object) -> None:
    return None


def test_the_demo_reports_arrive_on_the_demos_last_day(engine: Engine, settings: Settings) -> None:
    assert DEMO_INTAKE_AT.date() == DEMO_END
    sessions = make_session_factory(engine)
    imported = import_demo_reports(
        sessions, settings, viewer=LEAD, audit=_no_audit, received_at=DEMO_INTAKE_AT
    )
    assert len(imported.added) == DEMO_REPORTS
    with sessions() as session:
        rows = session.scalars(select(ReferralRow)).all()
    assert len(rows) == DEMO_REPORTS
    for row in rows:
        assert as_utc(row.received_at) == DEMO_INTAKE_AT
        assert row.incident_at is None or as_utc(row.incident_at) < DEMO_INTAKE_AT
        assert as_utc(row.deadline_at) > DEMO_INTAKE_AT
