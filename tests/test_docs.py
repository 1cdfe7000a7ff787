"""Docs can't drift: every CLI command, option and setting is documented under docs/, the
README stays a short front door, and links between the docs resolve."""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path
from typing import Any

import pytest
import typer

from netsafe.cli.app import app
from netsafe.settings import ENVIRONMENT_VARIABLES
from tests.cli.test_commands import all_command_paths

ROOT = Path(__file__).resolve().parents[1]
README = (ROOT / "README.md").read_text(encoding="utf-8")
DOCS = ROOT / "docs"
CLI_DOC = DOCS / "cli.md"
SETTINGS_DOC = DOCS / "operator.md"


def _command(path: list[str]) -> Any:
    command: Any = typer.main.get_command(app)
    for name in path:
        command = command.commands[name]
    return command


def _options(path: list[str]) -> list[str]:
    """The options of one command, each by its longest name (`--max-distance`)."""
    names = []
    for param in _command(path).params:
        if param.param_type_name == "option" and not getattr(param, "hidden", False):
            names.append(max(param.opts, key=len))
    return names


@cache
def _cli_sections() -> dict[str, str]:
    """docs/cli.md's `### netsafe …` sections: heading → text up to the next heading."""
    sections: dict[str, str] = {}
    heading = None
    for line in CLI_DOC.read_text(encoding="utf-8").splitlines():
        if line.startswith("#"):
            heading = line[4:].strip() if line.startswith("### netsafe") else None
            if heading is not None:
                sections[heading] = ""
        elif heading is not None:
            sections[heading] += line + "\n"
    return sections


def _name(path: list[str]) -> str:
    return " ".join(["netsafe", *path])


@pytest.mark.parametrize("path", all_command_paths(), ids=_name)
def test_every_command_has_a_section_in_the_cli_reference(path: list[str]) -> None:
    name = _name(path)
    assert name in _cli_sections(), (
        f"`{name}` is not documented: add a `### {name}` heading under '## Reference' in "
        f"docs/cli.md, with what it does and a `| option | meaning |` table of its options"
    )


@pytest.mark.parametrize(
    ("path", "option"),
    [(path, option) for path in all_command_paths() for option in _options(path)],
    ids=lambda value: _name(value) if isinstance(value, list) else value,
)
def test_every_option_is_in_the_cli_reference(path: list[str], option: str) -> None:
    name = _name(path)
    section = _cli_sections().get(name, "")
    # `--key`, `--key SOURCE=@FILE`, `--verify/--no-verify` all name the option
    assert re.search(f"`{re.escape(option)}[`\\s=/\\[]", section), (
        f"`{name} {option}` is not documented: add the row `| `{option}` | what it does |` to "
        f"the table under `### {name}` in docs/cli.md"
    )


@pytest.mark.parametrize("variable", [*ENVIRONMENT_VARIABLES, "NETSAFE_TEST_POSTGRES_URL"])
def test_every_setting_is_in_the_operators_guide(variable: str) -> None:
    text = SETTINGS_DOC.read_text(encoding="utf-8")
    assert f"| `{variable}` |" in text, (
        f"{variable} is not documented: add the row `| `{variable}` | default | meaning |` to "
        f"the table under '## Configuration' in docs/operator.md"
    )


def test_readme_starts_with_the_two_commands() -> None:
    head = README[:1500]
    assert head.index("make run") < head.index("make test")


def test_readme_is_a_short_front_door() -> None:
    lines = README.count("\n")
    assert lines <= 220, f"README.md has {lines} lines: move detail into docs/ (it links there)"


def test_architecture_fits_in_15_kb() -> None:
    size = len((DOCS / "ARCHITECTURE.md").read_bytes())
    assert size <= 15 * 1024, f"docs/ARCHITECTURE.md is {size} bytes: move detail to docs/design/"


_LINK = re.compile(r"\]\(([^)#\s]+)(?:#[^)\s]*)?\)")


@pytest.mark.parametrize(
    "document",
    [ROOT / "README.md", *sorted(DOCS.rglob("*.md"))],
    ids=lambda path: str(path.relative_to(ROOT)),
)
def test_relative_links_resolve(document: Path) -> None:
    text = document.read_text(encoding="utf-8")
    missing = [
        target
        for target in _LINK.findall(text)
        if "://" not in target and not (document.parent / target).exists()
    ]
    assert not missing, f"{document.relative_to(ROOT)} links to missing files: {missing}"
