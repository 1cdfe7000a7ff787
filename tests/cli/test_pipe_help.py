"""Help through a pipe or into a file is plain lines, never wrapped: each paragraph, each option
and each command of a group on one line, no one-line help cut short with "...", so `grep` finds
an option with its whole description. (Captured output is not a terminal, like a pipe.)"""

from __future__ import annotations

import inspect
import re
from typing import Any

import pytest
import typer

from netsafe.cli.app import COMMANDS, app
from tests.cli.test_commands import all_command_paths
from tests.cli_runner import run_cli


def _command(path: list[str]) -> Any:
    command: Any = typer.main.get_command(app)
    for name in path:
        command = command.commands[name]
    return command


def _one_line(text: str) -> str:
    return " ".join(text.split())


def test_the_root_help_lists_each_command_with_its_whole_line(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("COLUMNS", "80")  # what a pipe reports; the help must not follow it
    lines = run_cli(capsys, monkeypatch, "--help").stdout.splitlines()
    for command in COMMANDS:
        assert any(line.split() == [command.name, *command.help.split()] for line in lines)
    assert not any(line.rstrip().endswith("...") for line in lines if "Usage" not in line)
    epilog = _one_line(str(typer.main.get_command(app).epilog))
    assert epilog in (line.strip() for line in lines)


@pytest.mark.parametrize("path", all_command_paths(), ids=lambda p: " ".join(p) or "netsafe")
def test_every_help_is_unwrapped_through_a_pipe(
    path: list[str], capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("COLUMNS", "80")
    lines = [
        line.strip() for line in run_cli(capsys, monkeypatch, *path, "--help").stdout.split("\n")
    ]
    command = _command(path)
    paragraphs = inspect.cleandoc(command.help or "").split("\n\n")
    for paragraph in paragraphs:
        if paragraph.strip() and "\b" not in paragraph:
            assert _one_line(paragraph) in lines, (paragraph, lines)
    for param in command.params:
        help_text = getattr(param, "help", None)
        if help_text and not getattr(param, "hidden", False):
            assert any(_one_line(help_text) in line for line in lines), (help_text, lines)
    for name, sub in getattr(command, "commands", {}).items():
        short = sub.get_short_help_str(limit=10_000)
        assert any(line.split() == [name, *short.split()] for line in lines), (name, lines)


#: A Python type where the help should say what is expected (`<str>`, `<path>`, `<int range>`,
#: `<list[Path]>`, `<bool>`), or typer's braces around a required argument (`{file}`).
_TYPE_LABEL = re.compile(
    r"<(str|path|Path|int|float|bool|list|int range|float range)[^>]*>|\{\w+\}"
)

#: What an option expects: a word in capitals (`FOLDER`, `SOURCE=@FILE`), or choices
#: (`auto|all|LIST`).
_PLACEHOLDER = re.compile(r"[A-Z][A-Z_]*(=@[A-Z]+)?|[a-zA-Z][a-zA-Z-]*(\|[a-zA-Z][a-zA-Z-]*)+")


@pytest.mark.parametrize("path", all_command_paths(), ids=lambda p: " ".join(p) or "netsafe")
def test_help_says_what_each_option_expects_and_nothing_after_a_flag(
    path: list[str], capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    stdout = run_cli(capsys, monkeypatch, *path, "--help").stdout
    assert not _TYPE_LABEL.search(stdout), stdout
    lines = [line.strip() for line in stdout.splitlines()]
    for param in _command(path).params:
        if param.param_type_name != "option" or param.hidden:
            continue
        row = next(line for line in lines if line.split(" ")[0].rstrip(",") in param.opts)
        # the option column: its names (`--verify / --no-verify`), then the placeholder
        names = [name for name in row.split("  ")[0].split() if name != "/"]
        if param.is_flag:
            assert all(name.startswith("-") for name in names), row
        else:
            assert _PLACEHOLDER.fullmatch(names[-1]), row
    for param in _command(path).params:
        if param.param_type_name == "argument":
            assert str(param.name).upper() in stdout.split("\n")[0], stdout  # the usage line


def test_the_triage_help_names_what_its_options_take(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    lines = run_cli(capsys, monkeypatch, "triage", "--help").stdout.splitlines()
    assert lines[0] == "Usage: netsafe triage [OPTIONS] SOURCES..."
    columns = {line.strip().split("  ")[0] for line in lines}
    for option in ("--out FOLDER", "--exhibit REFERENCE", "--workers N", "--json", "--resume"):
        assert option in columns, (option, lines)
    import_help = run_cli(capsys, monkeypatch, "hashlist", "import", "--help").stdout
    assert "--format auto|vics|csv|icse|nsrl|plain" in import_help
    assert import_help.splitlines()[0] == "Usage: netsafe hashlist import [OPTIONS] FILE"
