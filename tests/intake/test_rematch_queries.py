"""Re-matching when a list arrives is set based (SQLite and PostgreSQL): the statements it runs
do not grow with the number of imported referrals, only with those whose pre-score rises."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from sqlalchemy import Engine, event

from netsafe.intake.generator import generate_reports, reports_xml
from netsafe.settings import Settings
from netsafe.store.engine import make_session_factory, unit_of_work
from netsafe.usecases.intake_setup import intake_config, intake_matcher
from netsafe.usecases.rematch_referrals import rematch_referrals
from tests.intake.conftest import Cli


def _statements(engine: Engine, settings: Settings) -> tuple[int, Any]:
    seen: list[str] = []

    def count(*args: Any) -> None:
        seen.append(str(args[2]))

    event.listen(engine, "before_cursor_execute", count)
    try:
        with unit_of_work(make_session_factory(engine)) as session:
            matcher = intake_matcher(session, settings)
            seen.clear()
            result = rematch_referrals(session, matcher, intake_config(settings))
    finally:
        event.remove(engine, "before_cursor_execute", count)
    return len(seen), result


def test_the_statements_of_a_rematch_do_not_grow_with_the_referrals(
    cli: Cli, tmp_path: Path, engine: Engine, settings: Settings
) -> None:
    reports = generate_reports(
        30, seed=41, files_per_report=2, escalated_fraction=0.0, image_seeds=(1, 2, 3)
    )
    (tmp_path / "few.xml").write_bytes(reports_xml(reports[:5]))
    assert cli("referral", "import", str(tmp_path / "few.xml")).exit_code == 0
    few, _ = _statements(engine, settings)
    (tmp_path / "many.xml").write_bytes(reports_xml(reports[5:]))
    assert cli("referral", "import", str(tmp_path / "many.xml")).exit_code == 0
    many, result = _statements(engine, settings)
    assert result.files == 60
    assert result.raised == ()
    assert many == few
