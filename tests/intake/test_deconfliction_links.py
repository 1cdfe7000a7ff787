"""Deconfliction links on SQLite and PostgreSQL: a pair of referrals is linked once a kind of
identifier (a file's MD5, SHA-1 and PDQ make one link, not three, and not one each way); a file
hash links only its first `COMMON_FILE_REFERRALS` carriers; a file a list knows is never linked
on, though the lookup still finds who carries it."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import Engine, select, text

from netsafe.intake.generator import generate_reports, reports_xml
from netsafe.intake.identifier_keys import COMMON_FILE_REFERRALS
from netsafe.platform.access import Scope
from netsafe.store.engine import make_engine, make_session_factory
from netsafe.store.migrate import upgrade
from netsafe.store.models.deconfliction import DeconflictionLinkRow
from netsafe.store.models.intake import IntakeReportRow
from netsafe.store.repositories.deconfliction import SqlDeconflictionRepository
from tests.intake.conftest import Cli

FORCES = ("gwent", "south-wales", "dyfed-powys", "north-wales")


def _file_links(engine: Engine) -> list[tuple[str, str]]:
    with make_session_factory(engine)() as session:
        report_of = dict(
            session.execute(select(IntakeReportRow.referral_id, IntakeReportRow.report_id)).all()
        )
        rows = session.execute(
            select(DeconflictionLinkRow.referral_id, DeconflictionLinkRow.other_referral_id).where(
                DeconflictionLinkRow.kind == "file-hash"
            )
        ).all()
    assert all(a < b for a, b in rows)
    return sorted((report_of[a], report_of[b]) for a, b in rows)


def test_a_file_links_each_pair_once_and_only_its_first_carriers(
    cli: Cli, tmp_path: Path, engine: Engine
) -> None:
    reports = generate_reports(8, seed=31, files_per_report=1, image_seeds=(7,))
    for n, report in enumerate(reports):  # one at a time, across the four forces
        (tmp_path / f"{n}.xml").write_bytes(reports_xml([report]))
        imported = cli("referral", "import", str(tmp_path / f"{n}.xml"), "--force", FORCES[n % 4])
        assert imported.exit_code == 0, imported.stderr
    first = [r.report_id for r in reports[:COMMON_FILE_REFERRALS]]
    pairs = [(a, b) for i, a in enumerate(first) for b in first[i + 1 :]]
    assert _file_links(engine) == pairs  # MD5, SHA-1 and PDQ of one file: one link a pair
    # the notices of a linked referral are read from either side of its stored pair
    with make_session_factory(engine)() as session:
        repository = SqlDeconflictionRepository(session)
        everyone = Scope(forces=frozenset(FORCES), username="op.lead")
        notices = repository.scope_notices(everyone, limit=500)
    told = {(n.reference, n.other_reference) for n in notices}
    assert all((b, a) in told for a, b in told)
    assert len({n.referral_id for n in notices}) == COMMON_FILE_REFERRALS


def test_a_file_the_lists_know_is_not_linked_on_but_is_looked_up(
    cli: Cli, tmp_path: Path, engine: Engine
) -> None:
    reports = generate_reports(3, seed=32, files_per_report=1, image_seeds=(8,))
    md5 = reports[0].files[0].hash_of("md5")
    (tmp_path / "list.csv").write_text(f"md5,category\n{md5},C\n")
    assert cli("hashlist", "import", str(tmp_path / "list.csv"), "--name", "known").exit_code == 0
    (tmp_path / "r.xml").write_bytes(reports_xml(reports))
    imported = cli("referral", "import", str(tmp_path / "r.xml"), "--json")
    assert imported.exit_code == 0, imported.stderr
    assert all(a["known_files"] == 1 for a in imported.json()["added"])
    assert _file_links(engine) == []
    with make_session_factory(engine)() as session:
        found = SqlDeconflictionRepository(session).lookup(
            Scope(forces=frozenset(FORCES), username="op.lead"), md5.upper(), (md5.lower(),)
        )
    assert len(found.visible) == 3


def test_the_migration_folds_links_stored_each_way_and_per_key(database_url: str) -> None:
    """deconflict_0002: rows each way and one per key shared become one row a pair and kind."""
    engine = make_engine(database_url)
    try:
        upgrade(engine, "deconflict_0001")
        now = datetime(2026, 12, 1, tzinfo=UTC)
        with engine.begin() as connection:
            for n in (1, 2, 3):
                connection.execute(
                    text(
                        "INSERT INTO referrals (id, source, force, received_at, summary, status,"
                        " deadline_at, restricted) VALUES (:id, 'partner', 'gwent', :at,"
                        " 'migration', 'new', :at, false)"
                    ),
                    {"id": n, "at": now},
                )
            for a, b, kind, key in (
                (1, 2, "file-hash", "md5"),
                (2, 1, "file-hash", "md5"),
                (1, 2, "file-hash", "sha1"),
                (2, 1, "file-hash", "sha1"),
                (3, 2, "email", "m@example.org"),  # one way only, the higher id first
            ):
                connection.execute(
                    text(
                        "INSERT INTO deconfliction_links (referral_id, other_referral_id, kind,"
                        " key, created_at) VALUES (:a, :b, :kind, :key, :at)"
                    ),
                    {"a": a, "b": b, "kind": kind, "key": key, "at": now},
                )
        upgrade(engine)
        with engine.connect() as connection:
            rows = connection.execute(
                text(
                    "SELECT referral_id, other_referral_id, kind FROM deconfliction_links"
                    " ORDER BY referral_id, other_referral_id"
                )
            ).all()
        assert [tuple(r) for r in rows] == [(1, 2, "file-hash"), (2, 3, "email")]
    finally:
        engine.dispose()
