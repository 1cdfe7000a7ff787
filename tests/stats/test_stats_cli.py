"""`netsafe stats` and `netsafe report operation` over a migrated database."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import Engine
from sqlalchemy.orm import Session

from netsafe.settings import Settings
from netsafe.store.models.operation import ReferralRow, WarrantRow
from tests.cli_runner import run_cli


@pytest.fixture
def cli_env(cli_env: Settings, engine: Engine) -> Settings:
    """The shared CLI environment (tests/conftest.py) with three synthetic referrals."""
    with Session(engine) as session, session.begin():
        for day, force in ((3, "gwent"), (4, "gwent"), (5, "north-wales")):
            moment = datetime(2017, 3, day, 10, tzinfo=UTC)
            referral = ReferralRow(
                source="national-referral",
                force=force,
                received_at=moment,
                summary="synthetic",
                status="actioned",
                deadline_at=moment,
            )
            session.add(referral)
            session.flush()
            session.add(
                WarrantRow(
                    referral_id=referral.id,
                    status="executed",
                    premises="x",
                    applied_at=moment,
                    applied_by="t",
                    executed_at=moment,
                )
            )
    return cli_env


def test_stats_json_names_each_figure(
    cli_env: Settings, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    args = ("stats", "--from", "2017-03-01", "--to", "2017-03-31", "--json")
    result = run_cli(capsys, monkeypatch, *args)
    assert result.exit_code == 0, result.stderr
    data = result.json()
    assert data["period"] == {"from": "2017-03-01", "to": "2017-03-31"}
    assert data["compare"]["from"] == "2017-02-01"
    figures = data["figures"]
    assert figures["warrants_executed"] == {
        "value": 3,
        "previous": 0,
        "change_pct": None,
        "by_force": {
            "south-wales": {"value": 0, "previous": 0, "change_pct": None},
            "gwent": {"value": 2, "previous": 0, "change_pct": None},
            "dyfed-powys": {"value": 0, "previous": 0, "change_pct": None},
            "north-wales": {"value": 1, "previous": 0, "change_pct": None},
        },
    }
    for name in ("arrests", "devices_seized", "children_safeguarded", "people_seeking_help"):
        assert {"value", "previous", "change_pct"} <= set(figures[name])
    gwent = run_cli(capsys, monkeypatch, *args, "--force", "gwent", "--compare", "none")
    assert gwent.json()["figures"]["warrants_executed"]["value"] == 2
    table = run_cli(capsys, monkeypatch, "stats", "--from", "2017-03-01", "--to", "2017-03-31")
    assert "warrants_executed" in table.stdout


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("--force", "atlantis"), "unknown force"),
        (("--from", "2017-13-01"), "--from: not a date"),
        (("--from", "2017-03-02", "--to", "2017-03-01"), "before it starts"),
        (("--compare", "yesterday"), "--compare: unknown"),
    ],
)
def test_bad_options_exit_2_naming_the_option(
    cli_env: Settings,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    args: tuple[str, ...],
    message: str,
) -> None:
    result = run_cli(capsys, monkeypatch, "stats", *args, "--json")
    assert result.exit_code == 2
    assert message in result.stderr
    assert result.stdout == ""


def test_report_operation_writes_pdf_and_html(
    cli_env: Settings,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
) -> None:
    out = tmp_path / "briefing.pdf"
    args = ("report", "operation", "--from", "2017-03-01", "--to", "2017-03-31", "-o", str(out))
    result = run_cli(capsys, monkeypatch, *args, "--json")
    assert result.exit_code == 0, result.stderr
    assert result.json()["pdf"] == str(out)
    assert out.read_bytes().startswith(b"%PDF")
    assert "Warrants executed" in out.with_suffix(".html").read_text(encoding="utf-8")
