"""The CLI: version, help on every command, exit codes, db upgrade and demo with --json."""

from __future__ import annotations

from typing import Any

import pytest
import typer

from netsafe import __version__
from netsafe.cli.app import app
from netsafe.settings import Settings
from tests.cli_runner import run_cli


def all_command_paths() -> list[list[str]]:
    """Every command and group of the CLI, as argument lists."""
    paths: list[list[str]] = []

    def walk(command: Any, prefix: list[str]) -> None:
        paths.append(prefix)
        for name, sub in getattr(command, "commands", {}).items():  # groups have sub-commands
            walk(sub, [*prefix, name])

    walk(typer.main.get_command(app), [])
    return paths


def test_version(capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    result = run_cli(capsys, monkeypatch, "--version")
    assert result.exit_code == 0
    assert result.stdout.strip() == f"netsafe {__version__}"


@pytest.mark.parametrize("path", all_command_paths(), ids=lambda p: " ".join(p) or "netsafe")
def test_every_command_has_help(
    path: list[str], capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    result = run_cli(capsys, monkeypatch, *path, "--help")
    assert result.exit_code == 0
    assert "Usage" in result.stdout


def test_unknown_command_is_bad_usage(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    assert run_cli(capsys, monkeypatch, "no-such-command").exit_code == 2


def test_bad_configuration_exits_2(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("NETSAFE_ENV", "production")
    monkeypatch.delenv("NETSAFE_SECRET_KEY", raising=False)
    result = run_cli(capsys, monkeypatch, "db", "current")
    assert result.exit_code == 2
    assert "NETSAFE_SECRET_KEY" in result.stderr


@pytest.mark.slow
def test_db_upgrade_and_demo_json(
    cli_env: Settings, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    upgraded = run_cli(capsys, monkeypatch, "db", "upgrade", "--json")
    assert upgraded.exit_code == 0, upgraded.stderr
    assert upgraded.json()["changed"] is False  # the fixture database is migrated already
    first = run_cli(capsys, monkeypatch, "demo", "--json")
    assert first.exit_code == 0, first.stderr
    assert "south-wales" in first.json()["agencies_added"]
    again = run_cli(capsys, monkeypatch, "demo", "--json")
    assert again.json()["agencies_added"] == []
    # the demo's casework ends on 31 October 2018 and its reports arrive that day: the figures
    # open on the twelve months up to then, with every headline figure in them (issue 17.4)
    stats = run_cli(capsys, monkeypatch, "stats", "--json")
    assert stats.exit_code == 0, stats.stderr
    assert stats.json()["period"] == {"from": "2017-11-01", "to": "2018-10-31"}
    figures = stats.json()["figures"]
    for name in ("warrants_executed", "arrests", "devices_seized", "children_safeguarded"):
        assert figures[name]["value"] > 0, name
    assert figures["people_seeking_help"]["value"] > 5
    current = run_cli(capsys, monkeypatch, "db", "current", "--json")
    assert current.json()["up_to_date"] is True


def test_commands_refuse_an_unmigrated_database(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, tmp_path: object
) -> None:
    monkeypatch.setenv("NETSAFE_DATABASE_URL", f"sqlite:///{tmp_path}/empty.db")
    monkeypatch.setenv("NETSAFE_ENV", "development")
    result = run_cli(capsys, monkeypatch, "demo")
    assert result.exit_code == 1
    assert "netsafe db upgrade" in result.stderr
