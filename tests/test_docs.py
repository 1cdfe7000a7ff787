"""Docs can't drift: every CLI command and every setting must appear in the README."""

from __future__ import annotations

from pathlib import Path

import pytest

from netsafe.settings import ENVIRONMENT_VARIABLES
from tests.test_cli import all_command_paths

README = (Path(__file__).resolve().parents[1] / "README.md").read_text(encoding="utf-8")


@pytest.mark.parametrize("path", [p for p in all_command_paths() if p], ids=lambda p: " ".join(p))
def test_every_command_is_in_the_readme(path: list[str]) -> None:
    assert f"netsafe {' '.join(path)}" in README, f"`netsafe {' '.join(path)}` is not in README.md"


@pytest.mark.parametrize("variable", [*ENVIRONMENT_VARIABLES, "NETSAFE_TEST_POSTGRES_URL"])
def test_every_setting_is_in_the_readme(variable: str) -> None:
    assert variable in README, f"{variable} is not in README.md"


def test_readme_starts_with_the_two_commands() -> None:
    head = README[:1500]
    assert head.index("make run") < head.index("make test")
