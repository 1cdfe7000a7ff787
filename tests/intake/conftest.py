"""The intake tests' `cli` fixture: `netsafe` run in process against the test database."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from netsafe.settings import Settings
from tests.cli_runner import CliResult, run_cli

Cli = Callable[..., CliResult]


@pytest.fixture
def cli(
    monkeypatch: pytest.MonkeyPatch, settings: Settings, capsys: pytest.CaptureFixture[str]
) -> Cli:
    monkeypatch.setenv("NETSAFE_HOME", str(settings.home))
    monkeypatch.setenv("NETSAFE_DATABASE_URL", settings.sqlalchemy_url)
    monkeypatch.setenv("NETSAFE_ENV", "test")
    monkeypatch.setenv("NETSAFE_SECRET_KEY", settings.secret_key)

    def run(*args: str) -> CliResult:
        return run_cli(capsys, monkeypatch, *args)

    return run
