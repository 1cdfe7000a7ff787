"""What every command shares: exit codes, errors, JSON or rich output, progress bars.

Output that is not a terminal (a pipe, a file) is plain lines, never wrapped: the consoles are
as wide as any line (`PIPE_WIDTH`) and soft-wrap, so a table row or a message is one line that
`grep` and `cut` can read. rich is imported when a console is first made, not with the CLI.
"""

from __future__ import annotations

import enum
import json
import sys
from collections.abc import Callable
from typing import IO, TYPE_CHECKING, Any, NoReturn

import typer

if TYPE_CHECKING:
    from rich.console import Console
    from rich.progress import Progress

JSON_OPTION_HELP = "Print the result as JSON on stdout (and nothing else)."


class ExitCode(enum.IntEnum):
    """Exit codes of every command (documented in docs/cli.md)."""

    DONE = 0  # done, also "done with per-item errors" (counted in the output)
    FAILED = 1  # the command failed
    BAD_INPUT = 2  # bad usage or a bad input file


class BadInputError(Exception):
    """The user's input is wrong: a file, a line, a field. Exits 2 with the message."""


#: The width of output that is not a terminal: wider than any line, so none is wrapped.
PIPE_WIDTH = 100_000


def _console(stream: IO[str], *, stderr: bool) -> Console:
    from rich.console import Console

    if stream.isatty():
        return Console(stderr=stderr)
    return Console(stderr=stderr, width=PIPE_WIDTH, soft_wrap=True)


def stdout_console() -> Console:
    """A console on stdout: rich in a terminal, plain unwrapped lines otherwise."""
    return _console(sys.stdout, stderr=False)


def stderr_console() -> Console:
    """A console on stderr: rich in a terminal, plain unwrapped lines otherwise."""
    return _console(sys.stderr, stderr=True)


def fail(message: str, code: ExitCode = ExitCode.FAILED) -> NoReturn:
    """Print `message` on stderr and exit with `code`."""
    from rich.markup import escape

    # escaped: a message naming a TOML table ("[helpline] phone") is text, not rich markup
    stderr_console().print(f"[bold red]error:[/] {escape(message)}", highlight=False)
    raise typer.Exit(int(code))


def print_json(data: Any) -> None:
    """Write `data` as JSON to stdout (dates, paths and the like as strings)."""
    sys.stdout.write(json.dumps(data, indent=2, default=str, ensure_ascii=False) + "\n")


def emit(data: Any, *, as_json: bool, render: Callable[[Console], None]) -> None:
    """Print a command's result: JSON when asked, otherwise `render` to a rich console."""
    if as_json:
        print_json(data)
    else:
        render(stdout_console())


def progress_bar(*, transient: bool = True, disable: bool = False) -> Progress:
    """A rich progress bar on stderr: description, bar, done/total, elapsed and ETA."""
    from rich.progress import (
        BarColumn,
        MofNCompleteColumn,
        Progress,
        TextColumn,
        TimeElapsedColumn,
        TimeRemainingColumn,
    )

    return Progress(
        TextColumn("[progress.description]{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        TimeRemainingColumn(),
        console=stderr_console(),
        transient=transient,
        disable=disable,
    )
