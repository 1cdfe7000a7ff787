"""Option and argument values converted without pydantic, for the few simple types NetSafe uses.

typer converts every value that is not a flag through a pydantic `TypeAdapter`, and importing
pydantic (through typer's adapters) costs ~0.14 s of CPU: a third of `netsafe hash one.jpg`. For
the plain annotations — `str`, `int` without bounds, `pathlib.Path`, and lists of these — a
parameter here converts a value the way typer would (paths through typer's own `coerce_cli_path`,
which checks existence and access as asked), and hands anything else to typer's converter, which
then gives its own error messages. `tests/cli/test_plain_values.py` checks both agree.

Why typer's internals: typer (0.2x, which vendors click) has no public way to convert a value
without pydantic. `parser=` still wraps the parser in a `TypeAdapter`, and `click_type=` is gone.
So this module — and only this module — touches four internals of typer's parameters:
`param.type_descriptor` (annotation, `parameter_info`, `file_annotation`),
`param.get_runtime_param()` (replaced per parameter by `_Installed`), the `coerce(value, param,
ctx)` of what it returns, and `typer._param_types.coerce_cli_path`. A typer without them is left
alone: `_plain` finds no `type_descriptor` and typer converts every value itself (the same values,
with pydantic's start-up cost), and `tests/cli/test_startup.py` (hashing through a pipe imports no
pydantic) fails to say so.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path
from typing import Any, get_args, get_origin

_INTEGER = re.compile(r"[+-]?[0-9]+")


class _NotPlainError(Exception):
    """The value is not one this module converts: typer's converter takes it."""


def _to_str(value: Any, param: Any, ctx: Any) -> str:
    if isinstance(value, str):
        return value
    raise _NotPlainError


def _to_bool(value: Any, param: Any, ctx: Any) -> bool:
    if isinstance(value, bool):
        return value
    raise _NotPlainError


def _to_int(value: Any, param: Any, ctx: Any) -> int:
    if type(value) is int:
        return value
    if isinstance(value, str) and _INTEGER.fullmatch(value):
        return int(value)
    raise _NotPlainError


def _to_path(value: Any, param: Any, ctx: Any) -> Any:
    from typer._param_types import coerce_cli_path

    if not isinstance(value, str | Path):
        raise _NotPlainError
    info = param.type_descriptor.parameter_info
    return coerce_cli_path(Path(value), info, path_type=Path, param=param, ctx=ctx)


def _converter(annotation: Any, info: Any) -> Callable[[Any, Any, Any], Any] | None:
    if getattr(info, "parser", None) is not None or getattr(info, "callback", None) is not None:
        return None
    if annotation is str:
        return _to_str
    if annotation is bool:
        return _to_bool
    if annotation is int and info.min is None and info.max is None and not info.clamp:
        return _to_int
    if annotation is Path and getattr(info, "path_type", None) in (None, Path):
        return _to_path
    return None


class _PlainRuntime:
    """Stands in for typer's runtime converter of one parameter."""

    def __init__(self, param: Any, convert: Callable[[Any, Any, Any], Any], many: bool) -> None:
        self._param = param
        self._convert = convert
        self._many = many
        self._typer_runtime = type(param).get_runtime_param.__get__(param)

    def coerce(self, value: Any, param: Any, ctx: Any) -> Any:
        is_multi = param.multiple or param.nargs == -1
        if value is None:
            return () if is_multi else None
        try:
            if self._many and is_multi and isinstance(value, list | tuple):
                return [self._convert(item, param, ctx) for item in value]
            if not self._many and not is_multi:
                return self._convert(value, param, ctx)
        except _NotPlainError:
            pass
        return self._typer_runtime().coerce(value, param=param, ctx=ctx)


def plain_values(command: Any) -> Any:
    """`command` and its sub-commands (`--help` included) with plain converters where the type
    allows (see above); parameters of other types keep typer's."""
    for param in getattr(command, "params", ()):
        _plain(param)
    original = getattr(command, "get_help_option", None)
    if original is not None:

        def get_help_option(ctx: Any) -> Any:
            option = original(ctx)
            if option is not None:
                _plain(option)
            return option

        command.get_help_option = get_help_option
    commands = getattr(command, "commands", None)
    if isinstance(commands, dict):  # not the root's lazily loaded commands
        for sub in commands.values():
            plain_values(sub)
    return command


def _plain(param: Any) -> None:
    descriptor = getattr(param, "type_descriptor", None)
    if descriptor is None or not hasattr(param, "get_runtime_param"):
        return
    if isinstance(getattr(param, "get_runtime_param", None), _Installed):
        return
    annotation, many = descriptor.annotation, False
    if get_origin(annotation) is list and len(get_args(annotation)) == 1:
        annotation, many = get_args(annotation)[0], True
    convert = _converter(annotation, descriptor.parameter_info)
    if convert is not None and descriptor.file_annotation is None:
        param.get_runtime_param = _Installed(_PlainRuntime(param, convert, many))


class _Installed:
    """A parameter's `get_runtime_param`, answering the plain converter."""

    def __init__(self, runtime: _PlainRuntime) -> None:
        self.runtime = runtime

    def __call__(self) -> _PlainRuntime:
        return self.runtime
