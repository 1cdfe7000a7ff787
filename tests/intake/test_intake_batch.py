"""The batch import (SQLite and PostgreSQL) gives what importing the same reports one at a time
gives: the same forces, matches, pre-scores, deconfliction keys and links (links found inside a
batch as well as against referrals stored before it), and a search index equal to a rebuild."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine, delete, func, select, text
from sqlalchemy.orm import Session

from netsafe.intake.generator import generate_reports, image_hashes, reports_xml
from netsafe.intake.model import CyberTipReport
from netsafe.intake.reading import report_stream
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
from netsafe.store.models.operation import (
    ReferralAccessRow,
    ReferralFileRow,
    ReferralIdentifierRow,
    ReferralRow,
)
from netsafe.store.models.search import SearchEntryRow
from netsafe.store.search_index import rebuild_search_index
from netsafe.timestamps import as_utc
from netsafe.usecases import import_referrals
from netsafe.usecases.import_referrals import import_content, import_report_bytes
from netsafe.usecases.intake_outcome import ReferralImport
from netsafe.usecases.intake_setup import intake_config, intake_matcher
from tests.intake.conftest import Cli

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


def _import_at(
    engine: Engine, settings: Settings, reports: list[CyberTipReport], now: datetime
) -> None:
    """Import `reports` as one file, at `now` (every time the import writes is `now`)."""
    result = ReferralImport()
    with unit_of_work(make_session_factory(engine)) as session:
        import_content(
            session,
            report_stream(reports_xml(reports), "reports.xml"),
            result,
            viewer=LEAD,
            config=intake_config(settings),
            matcher=intake_matcher(session, settings),
            audit=_no_audit,
            now=now,
        )
    assert len(result.added) == len(reports)


def _rows(session: Session) -> dict[str, list[tuple[Any, ...]]]:
    """Every row the import writes, ids replaced by report numbers (and a file's by its
    report number and file id), JSON read back as values."""
    numbers = select(IntakeReportRow.referral_id, IntakeReportRow.report_id)
    report_of: dict[int, str] = dict(session.execute(numbers).all())
    file_of = {
        fid: (report_of[rid], file_id)
        for fid, rid, file_id in session.execute(
            select(IntakeFileRow.id, IntakeFileRow.referral_id, IntakeFileRow.file_id)
        )
    }
    mapped = {"referral_id": report_of, "other_referral_id": report_of, "intake_file_id": file_of}
    found: dict[str, list[tuple[Any, ...]]] = {}
    for row_type in (*_TABLES, ReferralAccessRow):
        table = row_type.__table__
        columns = [c for c in table.c if c.name not in ("id", "record_id")]
        found[table.name] = sorted(
            (
                tuple(
                    mapped[c.name][value] if c.name in mapped else value
                    for c, value in zip(columns, row, strict=True)
                )
                for row in session.execute(select(*columns))
            ),
            key=repr,
        )
    # a case's reference is made from its id, which a PostgreSQL sequence does not reuse
    matched = [c.name for c in SearchEntryRow.__table__.c if c.name not in ("id", "record_id")]
    at = matched.index("matched")
    found["search_entries"] = [r for r in found["search_entries"] if r[at] != "reference"]
    return found


def test_a_file_in_many_batches_stores_every_row_as_one_at_a_time(
    engine: Engine, settings: Settings, cli: Cli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Batches of 4 (deconfliction keys found common in one batch are remembered by the next,
    the new files' ids read back for their matches) give exactly the rows a report at a time
    gives, in every table the import writes."""
    listed = [image_hashes(seed) for seed in (0, 3)]
    (tmp_path / "list.csv").write_text("md5,category\n" + "".join(f"{h.md5},A\n" for h in listed))
    assert cli("hashlist", "import", str(tmp_path / "list.csv"), "--name", "known").exit_code == 0
    reports = generate_reports(
        30, seed=21, files_per_report=3, shared_fraction=0.5, image_seeds=tuple(range(7)), now=NOW
    )
    sessions = make_session_factory(engine)
    monkeypatch.setattr(import_referrals, "BATCH", 4)
    _import_at(engine, settings, reports, NOW)
    with sessions() as session:
        batched = _rows(session)
    with unit_of_work(sessions) as session:
        for table in (*_TABLES, ReferralAccessRow):
            session.execute(delete(table))
    for report in reports:
        _import_at(engine, settings, [report], NOW)
    with sessions() as session:
        single = _rows(session)
    assert batched["intake_file_matches"], "some files are on the list"
    assert batched["deconfliction_links"], "the reports share identifiers across forces"
    assert batched == single


def test_stored_rows_hold_the_reports_values(engine: Engine, settings: Settings) -> None:
    """The intake tables written in bulk (COPY on PostgreSQL) read back as the reports say:
    JSON documents and lists, booleans, times, hashes."""
    reports = generate_reports(12, seed=22, files_per_report=2, image_seeds=(1, 2), now=NOW)
    _import_at(engine, settings, reports, NOW)
    by_number = {r.report_id: r for r in reports}
    with make_session_factory(engine)() as session:
        stored = session.scalars(select(IntakeReportRow)).all()
        assert sorted(r.report_id for r in stored) == sorted(by_number)
        for row in stored:
            report = by_number[row.report_id]
            assert row.document == report.as_json()
            assert row.annotations == list(report.annotations)
            assert as_utc(row.imported_at) == NOW
            files = session.scalars(
                select(IntakeFileRow)
                .where(IntakeFileRow.referral_id == row.referral_id)
                .order_by(IntakeFileRow.id)
            ).all()
            assert [
                (f.file_id, f.md5, f.sha1, f.pdq, f.annotations, f.viewed_by_esp) for f in files
            ] == [
                (
                    r.file_id,
                    r.hash_of("md5"),
                    r.hash_of("sha1"),
                    r.hash_of("pdq"),
                    list(r.annotations),
                    r.viewed_by_esp,
                )
                for r in report.files
            ]
            identifiers = session.execute(
                select(
                    IntakeIdentifierRow.kind, IntakeIdentifierRow.value, IntakeIdentifierRow.seen_at
                )
                .where(IntakeIdentifierRow.referral_id == row.referral_id)
                .order_by(IntakeIdentifierRow.id)
            ).all()
            assert [(k, v, None if s is None else as_utc(s)) for k, v, s in identifiers] == [
                (i.kind.value, i.value, i.seen_at) for i in report.identifiers()
            ]


def test_postgresql_statistics_count_the_keys_an_import_writes(
    engine: Engine, settings: Settings
) -> None:
    """PostgreSQL plans the reads of stored keys from the table's statistics: an import that
    writes more keys than they count has the table analysed, so a later batch's `key IN (…)`
    is not planned as a scan of the whole table."""
    if engine.dialect.name != "postgresql":
        pytest.skip("statistics for the planner: PostgreSQL's")
    _import_at(engine, settings, generate_reports(6, seed=23, files_per_report=2, now=NOW), NOW)
    with make_session_factory(engine)() as session:
        stored = session.scalar(select(func.count()).select_from(DeconflictionKeyRow))
        counted = session.scalar(
            text("SELECT reltuples FROM pg_class WHERE oid = 'deconfliction_keys'::regclass")
        )
    assert stored
    assert counted == stored
