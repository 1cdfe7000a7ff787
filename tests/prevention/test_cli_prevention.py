"""`netsafe prevention import-contacts | export --aggregate | check-config`."""

from __future__ import annotations

import csv
import random
from datetime import date, timedelta
from pathlib import Path

import pytest
from sqlalchemy import func, select

from netsafe.prevention.help_contacts import EXAMPLE_FILE
from netsafe.settings import Settings
from netsafe.store.engine import engine_from_settings, make_session_factory, unit_of_work
from netsafe.store.models.prevention import PreventionContactRow
from tests.cli_runner import run_cli

HEADER = [
    "contact_date",
    "channel",
    "who",
    "concerns",
    "area",
    "heard_via",
    "protective_actions",
    "notes",
    "follow_ups",
    "code_word",
]


def synthetic_rows(count: int, seed: int = 7) -> list[dict[str, str]]:
    """Synthetic, seeded contacts (no real data)."""
    rng = random.Random(seed)
    start = date(2026, 1, 1)
    rows = []
    for i in range(count):
        rows.append(
            {
                "contact_date": (start + timedelta(days=rng.randrange(300))).isoformat(),
                "channel": rng.choice(["call", "chat", "email", "self-help", "other"]),
                "who": rng.choice(["own-behaviour", "family-friend", "professional", "other"]),
                "concerns": ";".join(
                    rng.sample(["online-images", "online-contact", "offline"], rng.randint(1, 2))
                ),
                "area": rng.choice(["south-wales", "gwent", "dyfed-powys", "north-wales"]),
                "heard_via": rng.choice(["police-operation", "deterrence-message", "other"]),
                "protective_actions": "blocking software; agreed to call back",
                "notes": f"synthetic contact {i}",
                "follow_ups": str(rng.randint(0, 3)),
                "code_word": rng.choice(["", "", "blue kettle", "green lamp", "red door"]),
            }
        )
    return rows


def write_csv(path: Path, rows: list[dict[str, str]], header: list[str] = HEADER) -> Path:
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=header)
        writer.writeheader()
        writer.writerows(rows)
    return path


def stored_contacts(settings: Settings) -> int:
    engine = engine_from_settings(settings)
    try:
        with unit_of_work(make_session_factory(engine)) as session:
            return int(session.scalar(select(func.count(PreventionContactRow.id))) or 0)
    finally:
        engine.dispose()


def test_import_then_export_aggregates(
    cli_env: Settings,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    path = write_csv(tmp_path / "contacts.csv", synthetic_rows(60))
    result = run_cli(capsys, monkeypatch, "prevention", "import-contacts", str(path), "--json")
    assert result.exit_code == 0, result.stderr
    assert result.json()["imported"] == 60
    assert stored_contacts(cli_env) == 60

    result = run_cli(
        capsys,
        monkeypatch,
        "prevention",
        "export",
        "--aggregate",
        "--from",
        "2026-01-01",
        "--to",
        "2026-12-31",
        "--json",
    )
    assert result.exit_code == 0, result.stderr
    data = result.json()
    assert data["contacts"]["total"] == 60
    assert data["period"] == {"from": "2026-01-01", "to": "2026-12-31"}
    shown = [
        v for group in ("by_channel", "by_who", "by_area") for v in data["contacts"][group].values()
    ]
    assert all(v in ("<5", "suppressed") or v >= 5 for v in shown)
    assert "synthetic contact" not in result.stdout  # no record content leaves

    table = run_cli(capsys, monkeypatch, "prevention", "export", "--aggregate", "--area", "gwent")
    assert table.exit_code == 0
    assert "counts under 5 read <5" in table.stdout


def test_export_without_aggregate_is_refused(
    cli_env: Settings, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    result = run_cli(capsys, monkeypatch, "prevention", "export", "--json")
    assert result.exit_code == 2
    assert "--aggregate is required" in result.stderr
    assert result.stdout == ""


def test_one_bad_row_imports_nothing_and_names_line_and_field(
    cli_env: Settings,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    rows = synthetic_rows(10)
    rows[3]["notes"] = "call him on 07700 900123"
    rows[6]["channel"] = "fax"
    path = write_csv(tmp_path / "bad.csv", rows)
    result = run_cli(capsys, monkeypatch, "prevention", "import-contacts", str(path))
    assert result.exit_code == 2
    stderr = " ".join(result.stderr.split())  # rich wraps long lines
    assert "line 5: notes:" in stderr
    assert "phone number" in stderr
    assert "07700" not in stderr
    assert "line 8: channel:" in stderr
    assert "nothing imported" in stderr
    assert stored_contacts(cli_env) == 0


def test_identifying_columns_are_refused(
    cli_env: Settings,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    rows = [{**row, "caller_name": "A. Person"} for row in synthetic_rows(2)]
    path = write_csv(tmp_path / "named.csv", rows, [*HEADER, "caller_name"])
    result = run_cli(capsys, monkeypatch, "prevention", "import-contacts", str(path))
    assert result.exit_code == 2
    assert "line 1 (header): unknown column(s) caller_name" in " ".join(result.stderr.split())
    assert stored_contacts(cli_env) == 0


def test_a_missing_file_is_bad_input(
    cli_env: Settings,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    result = run_cli(capsys, monkeypatch, "prevention", "import-contacts", str(tmp_path / "no.csv"))
    assert result.exit_code == 2
    assert "no.csv" in result.stderr


def test_check_config(
    cli_env: Settings,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    result = run_cli(capsys, monkeypatch, "prevention", "check-config", str(EXAMPLE_FILE), "--json")
    assert result.exit_code == 0, result.stderr
    assert result.json()["terms"] == 2
    bad = tmp_path / "bad.toml"
    bad.write_text("[deterrence]\nhashes = ['nope']\n", encoding="utf-8")
    result = run_cli(capsys, monkeypatch, "prevention", "check-config", str(bad))
    assert result.exit_code == 2
    assert "deterrence.hashes" in result.stderr
