"""Help text a reader can use, in a terminal and through a pipe: click's plain help (no rich
boxes), and after each option a placeholder that says what it expects (`--out FOLDER`,
`--exhibit REFERENCE`, `--format auto|vics|csv`), nothing after a flag, and arguments named
the way click names them (`Usage: netsafe hashlist import [OPTIONS] FILE`).

Typer's help shows each value's Python type instead (`--out <path>`, `file <path>`, `{file}`).
An option declares its placeholder with `metavar=` where its name doesn't say what it expects;
one without gets one here: its choices (an enum), `N` for a whole number, else its name in
capitals (`--source SOURCE`). An argument without one is its name in capitals, with `...` when
it takes several. `tests/cli/test_pipe_help.py` checks every command's help.

Typer has no public switch for this, so two of its internals are set per argument (never per
class): `display_type_rich` (the type shown beside the name) and `_usage_display_name`.
"""

from __future__ import annotations

import enum
from typing import Any, get_args, get_origin


def clean_help(command: Any) -> Any:
    """`command` and its sub-commands with plain help and placeholders (see above)."""
    command.rich_markup_mode = None
    for param in getattr(command, "params", ()):
        if getattr(param, "type_descriptor", None) is None:
            continue  # --help, and click's own parameters: nothing to rename
        if param.param_type_name == "argument":
            _name_argument(param)
        elif not getattr(param, "is_flag", False) and not getattr(param, "count", False):
            param.metavar = param.metavar or _option_placeholder(param)
    for sub in getattr(command, "commands", {}).values():
        clean_help(sub)
    return command


def _option_placeholder(param: Any) -> str:
    annotation = param.type_descriptor.annotation
    if get_origin(annotation) is list and len(get_args(annotation)) == 1:
        annotation = get_args(annotation)[0]
    if isinstance(annotation, type) and issubclass(annotation, enum.Enum):
        return "|".join(str(member.value) for member in annotation)
    if annotation is int:
        return "N"
    long_names = [opt for opt in param.opts if opt.startswith("--")] or param.opts
    return str(long_names[0]).lstrip("-").replace("-", "_").upper()


def _name_argument(param: Any) -> None:
    if param.metavar is None:
        param.metavar = str(param.name).upper() + ("..." if param.nargs != 1 else "")
    metavar = str(param.metavar)
    usage = metavar if param.required else f"[{metavar}]"
    param.display_type_rich = lambda ctx=None: None
    param._usage_display_name = lambda: usage
