"""The CLI finds its data wherever it runs and never creates a database without saying so."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.cli_runner import run_cli


@pytest.fixture
def home(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Path:
    """A data folder of its own, with the default SQLite database (no NETSAFE_DATABASE_URL)."""
    folder = tmp_path / "data"
    monkeypatch.setenv("NETSAFE_HOME", str(folder))
    monkeypatch.delenv("NETSAFE_DATABASE_URL", raising=False)
    monkeypatch.setenv("NETSAFE_ENV", "development")
    monkeypatch.chdir(tmp_path)
    return folder


def test_a_command_without_a_database_says_where_it_looked_and_creates_nothing(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, home: Path
) -> None:
    result = run_cli(capsys, monkeypatch, "hashlist", "list")
    assert result.exit_code == 1
    assert f"no NetSafe database at {home / 'netsafe.db'}" in result.stderr
    assert "netsafe db upgrade" in result.stderr
    assert not (home / "netsafe.db").exists()


def test_db_upgrade_says_it_creates_a_database_and_db_current_names_it(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, home: Path
) -> None:
    created = run_cli(capsys, monkeypatch, "db", "upgrade", "--json")
    assert created.exit_code == 0
    assert "creating a new database" in created.stderr
    assert created.json()["created"] is True
    again = run_cli(capsys, monkeypatch, "db", "upgrade", "--json")
    assert again.json()["created"] is False
    assert "creating" not in again.stderr
    current = run_cli(capsys, monkeypatch, "db", "current", "--json").json()
    assert current["database"] == f"sqlite:///{home / 'netsafe.db'}"
    assert current["home"] == str(home)
    assert current["up_to_date"] is True
    listed = run_cli(capsys, monkeypatch, "hashlist", "list")
    assert listed.exit_code == 0


def test_the_root_help_names_the_data_folder(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    result = run_cli(capsys, monkeypatch, "--help")
    assert "NETSAFE_HOME" in result.stdout
    assert "netsafe db current" in " ".join(result.stdout.split())
