"""The batch import (SQLite and PostgreSQL) gives what importing the same reports one at a time
gives: the same forces, matches, pre-scores, deconfliction keys and links (links found inside a
batch as well as against referrals stored before it), and a search index equal to a rebuild."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Engine, delete, select
from sqlalchemy.orm import Session

from netsafe.intake.generator import generate_reports, reports_xml
from netsafe.platform.roles import Role, Viewer
from netsafe.settings import Settings
from netsafe.store.engine import make_session_factory, unit_of_work
from netsafe.store.models.deconfliction import DeconflictionKeyRow, DeconflictionLinkRow
from netsafe.store.models.intake import (
    IntakeFileMatchRow,
    IntakeFileRow,
    IntakeIdentifierRow,
    IntakeReportRow,
)
from netsafe.store.models.operation import ReferralFileRow, ReferralIdentifierRow, ReferralRow
from netsafe.store.models.search import SearchEntryRow
from netsafe.store.search_index import rebuild_search_index
from netsafe.usecases.import_referrals import import_report_bytes
from netsafe.usecases.intake_setup import intake_config, intake_matcher

LEAD = Viewer(0, "op.lead", "regional-unit", Role.OPERATION_LEAD)
NOW = datetime(2026, 11, 20, 9, 0, tzinfo=UTC)
_TABLES = (
    IntakeFileMatchRow,
    IntakeFileRow,
    IntakeIdentifierRow,
    IntakeReportRow,
    DeconflictionLinkRow,
    DeconflictionKeyRow,
    ReferralIdentifierRow,
    ReferralFileRow,
    SearchEntryRow,
    ReferralRow,
)


def _no_audit(*_args: object) -> None:
    return None


def _import(engine: Engine, settings: Settings, data: bytes) -> None:
    sessions = make_session_factory(engine)
    with unit_of_work(sessions) as session:
        result = import_report_bytes(
            session,
            data,
            "reports.xml",
            viewer=LEAD,
            config=intake_config(settings),
            matcher=intake_matcher(session, settings),
            audit=_no_audit,
        )
    assert not result.refused


def _state(session: Session) -> dict[str, Any]:
    """What was stored, by report number (ids differ between databases)."""
    report_of = dict(
        session.execute(select(IntakeReportRow.referral_id, IntakeReportRow.report_id)).all()
    )
    referrals = {
        report_of[rid]: (force, band)
        for rid, force, band in session.execute(
            select(ReferralRow.id, ReferralRow.force, ReferralRow.risk_band)
        )
    }
    keys = sorted(
        (report_of[rid], kind, key, value, str(seen))
        for rid, kind, key, value, seen in session.execute(
            select(
                DeconflictionKeyRow.referral_id,
                DeconflictionKeyRow.kind,
                DeconflictionKeyRow.key,
                DeconflictionKeyRow.value_key,
                DeconflictionKeyRow.seen_at,
            )
        )
    )
    links = sorted(
        (report_of[a], report_of[b], kind, key)
        for a, b, kind, key in session.execute(
            select(
                DeconflictionLinkRow.referral_id,
                DeconflictionLinkRow.other_referral_id,
                DeconflictionLinkRow.kind,
                DeconflictionLinkRow.key,
            )
        )
    )
    matches = sorted(
        (report_of[rid], file_id, category)
        for rid, file_id, category in session.execute(
            select(
                IntakeFileRow.referral_id, IntakeFileRow.file_id, IntakeFileMatchRow.category
            ).join(IntakeFileMatchRow, IntakeFileMatchRow.intake_file_id == IntakeFileRow.id)
        )
    )
    return {"referrals": referrals, "keys": keys, "links": links, "matches": matches}


def _entries(session: Session) -> list[tuple[Any, ...]]:
    columns = [c for c in SearchEntryRow.__table__.c if c.name != "id"]
    return sorted(tuple(row) for row in session.execute(select(*columns)))


def test_a_batch_stores_what_one_at_a_time_stores(engine: Engine, settings: Settings) -> None:
    reports = generate_reports(
        40, seed=19, files_per_report=2, shared_fraction=0.5, image_seeds=tuple(range(6)), now=NOW
    )
    sessions = make_session_factory(engine)
    _import(engine, settings, reports_xml(reports[:5]))  # some stored before the batch
    _import(engine, settings, reports_xml(reports[5:]))  # the rest in one batch
    with sessions() as session:
        batched = _state(session)
        indexed = _entries(session)
        rebuild_search_index(session.connection())
        assert _entries(session) == indexed
        session.rollback()
        for table in _TABLES:  # the same reports again, from nothing
            session.execute(delete(table))
        session.commit()
    for report in reports:
        _import(engine, settings, reports_xml([report]))
    with sessions() as session:
        single = _state(session)
    assert batched["links"], "the generated reports share identifiers across forces"
    assert batched == single
