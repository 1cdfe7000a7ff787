"""`netsafe referral import|unassigned|assign` on SQLite and PostgreSQL: idempotent by report
number, all-or-nothing per file, force from the postcode or the queue, files matched against
the lists at import and again when a list arrives, the risk pre-score and its deadline."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import Engine, func, select

from netsafe.intake.generator import generate_reports, reports_json, reports_xml
from netsafe.store.engine import make_session_factory
from netsafe.store.models.intake import IntakeIdentifierRow
from netsafe.store.models.platform import AuditRow
from netsafe.store.repositories.operation_referrals import SqlReferralRepository
from netsafe.usecases import import_referrals
from tests.intake.conftest import Cli


def test_import_is_idempotent_by_report_number(cli: Cli, tmp_path: Path, engine: Engine) -> None:
    reports = generate_reports(4, seed=11, unlocated_fraction=0.0)
    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "a.xml").write_bytes(reports_xml(reports[:2]))
    (tmp_path / "in" / "b.json").write_bytes(reports_json(reports[2:]))
    first = cli("referral", "import", str(tmp_path / "in"), "--json")
    assert first.exit_code == 0, first.stderr
    data = first.json()
    assert data["counts"] == {"added": 4, "already_known": 0, "refused_files": 0, "unassigned": 0}
    assert {a["report_id"] for a in data["added"]} == {r.report_id for r in reports}
    again = cli("referral", "import", str(tmp_path / "in"), "--json").json()
    assert again["counts"]["added"] == 0
    assert again["counts"]["already_known"] == 4
    text = cli("referral", "import", str(tmp_path / "in" / "a.xml"))
    assert "nothing changed" in text.stdout
    with make_session_factory(engine)() as session:
        identifiers = session.scalar(select(func.count()).select_from(IntakeIdentifierRow))
        audited = session.scalar(
            select(func.count()).select_from(AuditRow).where(AuditRow.action == "referral.import")
        )
        referral = SqlReferralRepository(session).get(data["added"][0]["referral_id"])
    assert identifiers == sum(len(r.identifiers()) for r in reports)
    assert audited == 4
    assert referral is not None
    assert referral.source.value == "national-referral"
    assert referral.incident.incident_type == reports[0].incident_type
    assert len(referral.incident.files) == len(reports[0].files)


def test_a_file_is_imported_whole_or_refused_whole(cli: Cli, tmp_path: Path) -> None:
    reports = generate_reports(2, seed=12)
    broken = reports_xml(reports).decode().replace(">Reported<", ">Maybe<", 1)
    (tmp_path / "bad.xml").write_text(broken)
    (tmp_path / "good.json").write_bytes(
        reports_json(generate_reports(1, seed=13, first_report_id=5))
    )
    result = cli(
        "referral", "import", str(tmp_path / "bad.xml"), str(tmp_path / "good.json"), "--json"
    )
    assert result.exit_code == 0
    data = result.json()
    assert data["counts"]["added"] == 1
    assert data["counts"]["refused_files"] == 1
    refused = data["refused"][0]
    assert refused["file"].endswith("bad.xml")
    assert refused["path"] == "reports/report[1]/fileDetails[1]/fileRelevance"
    assert "NCMEC's values" in refused["reason"]
    alone = cli("referral", "import", str(tmp_path / "bad.xml"))
    assert alone.exit_code == 2
    assert "refused" in alone.stdout
    assert "fileRelevance" in alone.stdout


def test_a_wrong_report_after_stored_batches_rolls_the_file_back(
    cli: Cli, tmp_path: Path, engine: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A file is read a report at a time and stored a batch at a time: a wrong fifth report
    refuses the file after two batches were written, and nothing of it stays."""
    monkeypatch.setattr(import_referrals, "BATCH", 2)
    reports = generate_reports(5, seed=14)
    last = reports[-1].report_id
    document = reports_xml(reports).decode()
    broken = document.replace(f"<reportId>{last}</reportId>", "<reportId>x</reportId>")
    # an element of <reports> that is not a report is passed over
    broken = broken.replace("<reports>", "<reports><generatedBy>zebra-test</generatedBy>", 1)
    (tmp_path / "late.xml").write_text(broken)
    result = cli("referral", "import", str(tmp_path / "late.xml"), "--json")
    assert result.exit_code == 2
    refused = result.json()["refused"][0]
    assert refused["path"] == "reports/report[5]/reportId"
    with make_session_factory(engine)() as session:
        assert session.scalar(select(func.count()).select_from(IntakeIdentifierRow)) == 0
    (tmp_path / "late.xml").write_text(document.replace("<reports>", "<reports><x/>", 1))
    again = cli("referral", "import", str(tmp_path / "late.xml"), "--json").json()
    assert again["counts"]["added"] == 5


def test_unlocated_reports_wait_for_a_person_who_assigns_them(
    cli: Cli, tmp_path: Path, engine: Engine
) -> None:
    reports = generate_reports(3, seed=14, unlocated_fraction=1.0)
    (tmp_path / "r.xml").write_bytes(reports_xml(reports))
    data = cli("referral", "import", str(tmp_path / "r.xml"), "--json").json()
    assert data["counts"]["unassigned"] == 3
    assert all(a["force"] == "regional-unit" for a in data["added"])
    waiting = cli("referral", "unassigned", "--json").json()
    assert waiting["total"] == 3
    first = waiting["referrals"][0]["referral_id"]
    assigned = cli("referral", "assign", str(first), "dyfed-powys", "--json")
    assert assigned.exit_code == 0, assigned.stderr
    assert assigned.json()["force"] == "dyfed-powys"
    assert cli("referral", "unassigned", "--json").json()["total"] == 2
    twice = cli("referral", "assign", str(first), "gwent")
    assert twice.exit_code == 2
    assert "not waiting for a force" in twice.stderr
    assert cli("referral", "assign", str(first), "mars").exit_code == 2
    with make_session_factory(engine)() as session:
        assert SqlReferralRepository(session).get(first).force == "dyfed-powys"  # type: ignore[union-attr]
        audited = session.scalar(
            select(func.count()).select_from(AuditRow).where(AuditRow.action == "referral.assign")
        )
    assert audited == 1


def test_force_option_overrides_the_location(cli: Cli, tmp_path: Path) -> None:
    reports = generate_reports(2, seed=15, unlocated_fraction=1.0)
    (tmp_path / "r.json").write_bytes(reports_json(reports))
    data = cli("referral", "import", str(tmp_path / "r.json"), "--force", "gwent", "--json").json()
    assert {a["force"] for a in data["added"]} == {"gwent"}
    assert cli("referral", "import", str(tmp_path / "r.json"), "--force", "kent").exit_code == 2


def test_files_are_matched_at_import_and_again_when_a_list_arrives(
    cli: Cli, tmp_path: Path, engine: Engine
) -> None:
    early, late = generate_reports(2, seed=16, unlocated_fraction=0.0, escalated_fraction=0.0)
    early_a = early.files[0].hash_of("md5")
    late_a = late.files[1].hash_of("sha1")
    (tmp_path / "a.csv").write_text(f"md5,category\n{early_a},A\n")
    assert cli("hashlist", "import", str(tmp_path / "a.csv"), "--name", "list-a").exit_code == 0
    (tmp_path / "early.xml").write_bytes(reports_xml([early]))
    added = cli("referral", "import", str(tmp_path / "early.xml"), "--json").json()["added"][0]
    assert added["known_files"] == 1
    assert added["categories"] == ["A"]
    assert added["prescore_band"] == "high"
    (tmp_path / "late.xml").write_bytes(reports_xml([late]))
    before = cli("referral", "import", str(tmp_path / "late.xml"), "--json").json()["added"][0]
    assert before["known_files"] == 0
    assert before["prescore_band"] is None
    (tmp_path / "b.csv").write_text(f"sha1,category\n{late_a},A\n")
    listed = cli("hashlist", "import", str(tmp_path / "b.csv"), "--name", "list-b", "--json")
    assert listed.exit_code == 0, listed.stderr
    assert listed.json()["referrals_rematched"]["prescore_raised"] == [before["referral_id"]]
    with make_session_factory(engine)() as session:
        referral = SqlReferralRepository(session).get(before["referral_id"])
    assert referral is not None
    assert referral.risk_band == "high"
    assert referral.deadline_at <= referral.received_at + timedelta(days=7)
    assert referral.status.value == "new"  # the assessor confirms or changes the pre-score


def test_no_report_files_is_bad_input(cli: Cli, tmp_path: Path) -> None:
    result = cli("referral", "import", str(tmp_path))
    assert result.exit_code == 2
    assert "no report files" in result.stderr


def test_escalated_report_is_prescored_high(cli: Cli, tmp_path: Path) -> None:
    report = replace(generate_reports(1, seed=17)[0], escalate_reason="immediate risk")
    (tmp_path / "e.json").write_bytes(reports_json([report]))
    added = cli("referral", "import", str(tmp_path / "e.json"), "--json").json()["added"][0]
    assert added["prescore_band"] == "high"
    assert "escalated" in added["prescore_reasons"][0]
