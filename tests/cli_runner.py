"""Run the `netsafe` CLI in process, as the console script would (errors mapped to exit codes)."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

import pytest

from netsafe.cli.app import main


@dataclass
class CliResult:
    exit_code: int
    stdout: str
    stderr: str

    def json(self) -> Any:
        return json.loads(self.stdout)


def run_cli(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, *args: str
) -> CliResult:
    """Run `netsafe ARGS...` through `main()` and capture its exit code and output."""
    monkeypatch.setattr("sys.argv", ["netsafe", *args])
    capsys.readouterr()
    try:
        main()
        code = 0
    except SystemExit as exit_:
        code = exit_.code if isinstance(exit_.code, int) else 1
    out, err = capsys.readouterr()
    return CliResult(code, out, err)
