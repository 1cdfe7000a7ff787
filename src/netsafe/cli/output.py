"""What every command shares: exit codes, errors, JSON or rich output, tables, progress bars.

Output that is not a terminal (a pipe, a file) is plain lines, never wrapped: a table is a header
line and one line per row, cells separated by tabs (`print_table`), and a message is one line
(markup taken out) that `grep` and `cut` can read. In a terminal, rich draws tables and colours.
rich is imported only when a terminal, stderr or a progress bar needs it: `netsafe hash` through
a pipe imports none of it.
"""

from __future__ import annotations

import enum
import json
import sys
from collections.abc import Callable, Iterable, Sequence
from types import TracebackType
from typing import IO, TYPE_CHECKING, Any, NoReturn, Protocol, TypeAlias

import typer

if TYPE_CHECKING:
    from rich.console import Console

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


def help_width() -> int | None:
    """The width click wraps help to: its own choice in a terminal (the terminal's, at most 80
    columns), `PIPE_WIDTH` through a pipe or into a file, so each paragraph, option and command
    is one line and no command's one-line help is cut short with "..."."""
    return None if sys.stdout.isatty() else PIPE_WIDTH


def _console(stream: IO[str], *, stderr: bool) -> Console:
    from rich.console import Console

    if stream.isatty():
        return Console(stderr=stderr)
    return Console(stderr=stderr, width=PIPE_WIDTH, soft_wrap=True)


class PlainConsole:
    """stdout when it is not a terminal: each message one line, written as rich would write it
    unwrapped (markup and emoji codes rendered to plain text), without importing rich for text
    that has neither; tables (`print_table`) as tab-separated lines."""

    def __init__(self, stream: IO[str]) -> None:
        self.stream = stream

    def print(self, *objects: Any, sep: str = " ", end: str = "\n", **options: Any) -> None:
        if all(isinstance(o, str) and "[" not in o and ":" not in o for o in objects):
            self.stream.write(sep.join(objects) + end)
            return
        rich_console = _console(self.stream, stderr=False)
        rich_console.file = self.stream
        rich_console.print(*objects, sep=sep, end=end, **options)


#: What a command's `render` prints to: rich's console in a terminal, `PlainConsole` otherwise.
Printer: TypeAlias = "Console | PlainConsole"


def stdout_console() -> Printer:
    """A console on stdout: rich in a terminal, plain unwrapped lines otherwise."""
    if sys.stdout.isatty():
        return _console(sys.stdout, stderr=False)
    return PlainConsole(sys.stdout)


def print_table(
    console: Printer,
    columns: Sequence[str],
    rows: Iterable[Sequence[object]],
    *,
    fold: bool = False,
    right: Sequence[str] = (),
    title: str | None = None,
    caption: str | None = None,
) -> None:
    """A table: drawn by rich in a terminal (`fold`: long cells fold rather than shrink; the
    `right` columns aligned right); through a pipe or into a file, the title line if any, a header
    line and one line per row with cells separated by tabs (a tab or a line break in a cell
    becomes a space), then the caption line if any: `cut -f` and `sort -t` read the rows."""
    if isinstance(console, PlainConsole):
        lines = [title] if title else []
        lines += ["\t".join(_cell(cell) for cell in cells) for cells in (columns, *rows)]
        lines += [caption] if caption else []
        console.stream.write("".join(line + "\n" for line in lines))
        return
    from rich.table import Table

    table = Table(title=title, caption=caption)
    for column in columns:
        table.add_column(
            column,
            overflow="fold" if fold else "ellipsis",
            justify="right" if column in right else "left",
        )
    for cells in rows:
        table.add_row(*(str(cell) for cell in cells))
    console.print(table)


def _cell(value: object) -> str:
    return str(value).replace("\t", " ").replace("\r\n", " ").replace("\n", " ").replace("\r", " ")


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


def emit(data: Any, *, as_json: bool, render: Callable[[Printer], None]) -> None:
    """Print a command's result: JSON when asked, otherwise `render` to a rich console."""
    if as_json:
        print_json(data)
    else:
        render(stdout_console())


class ProgressBar(Protocol):
    """What commands use of a progress bar (rich's `Progress`, or `NoProgressBar`)."""

    def __enter__(self) -> Any: ...

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        trace: TracebackType | None,
    ) -> Any: ...

    def add_task(self, description: str, /, *, total: float | None = ...) -> Any: ...

    def advance(self, task: Any, /, advance: float = ...) -> None: ...

    def update(
        self,
        task: Any,
        /,
        *,
        total: float | None = ...,
        completed: float | None = ...,
        advance: float | None = ...,
        description: str | None = ...,
    ) -> None: ...


class NoProgressBar:
    """A progress bar that shows nothing (and imports nothing)."""

    def __enter__(self) -> NoProgressBar:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        trace: TracebackType | None,
    ) -> None:
        return None

    def add_task(self, description: str, /, *, total: float | None = None) -> int:
        return 0

    def advance(self, task: Any, /, advance: float = 1) -> None:
        return None

    def update(
        self,
        task: Any,
        /,
        *,
        total: float | None = None,
        completed: float | None = None,
        advance: float | None = None,
        description: str | None = None,
    ) -> None:
        return None


def progress_bar(*, transient: bool = True, disable: bool = False) -> ProgressBar:
    """A rich progress bar on stderr: description, bar, done/total, elapsed and ETA (nothing when
    `disable`)."""
    if disable:
        return NoProgressBar()
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
