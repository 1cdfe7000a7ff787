"""Values converted without pydantic (`netsafe.cli.plain_values`) are what typer's own converters
give: the same values, and for values it does not take, typer's own errors."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import typer

from netsafe.cli.plain_values import plain_values


def _app() -> typer.Typer:
    app = typer.Typer(add_completion=False)

    @app.command()
    def show(
        paths: list[Path] = typer.Argument(..., help="Paths."),
        workers: int = typer.Option(0, "--workers"),
        bounded: int = typer.Option(1, "--bounded", min=0, max=9),
        name: str = typer.Option("x", "--name"),
        existing: Path | None = typer.Option(None, "--existing", exists=True),
        tag: list[str] = typer.Option([], "--tag"),
        flag: bool = typer.Option(False, "--flag"),
    ) -> None:
        values = [paths, workers, bounded, name, existing, tag, flag]
        typer.echo(repr([(type(v).__name__, v) for v in values]))

    return app


def _run(argv: list[str], *, plain: bool, capsys: pytest.CaptureFixture[str]) -> tuple[str, str]:
    """What the command printed, or the error it raised (standalone mode off)."""
    command: Any = typer.main.get_command(_app())
    if plain:
        plain_values(command)
    capsys.readouterr()
    try:
        command.main(args=argv, prog_name="show", standalone_mode=False)
        outcome = "done"
    except Exception as error:  # the usage error typer raised, compared as text
        message = error.format_message() if hasattr(error, "format_message") else str(error)
        outcome = f"{type(error).__name__}: {message}"
    return outcome, capsys.readouterr().out


@pytest.mark.parametrize(
    "argv",
    [
        ["a", "b/c"],
        ["a", "--workers", "12", "--name", "zebra-test-term", "--tag", "t1", "--tag", "t2"],
        ["a", "--workers", "-3", "--flag", "--bounded", "4"],
        ["a", "--workers", "007"],
        ["a", "--workers", "abc"],
        ["a", "--workers", "1.5"],
        ["a", "--bounded", "12"],
        ["a", "--existing", "/no/such/path/zebra"],
        ["a", "--existing", "."],
        [],
    ],
)
def test_plain_values_are_typers(argv: list[str], capsys: pytest.CaptureFixture[str]) -> None:
    plain = _run(argv, plain=True, capsys=capsys)
    assert plain == _run(argv, plain=False, capsys=capsys)
    assert plain[0] != "done" or plain[1].startswith("[(")


def test_the_plain_converters_are_installed() -> None:
    command: Any = typer.main.get_command(_app())
    plain_values(command)
    kinds = {p.name: type(p.get_runtime_param).__name__ for p in command.params}
    assert kinds["paths"] == kinds["workers"] == kinds["name"] == kinds["tag"] == "_Installed"
    assert kinds["bounded"] != "_Installed"  # bounds: typer's own
