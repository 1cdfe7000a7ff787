"""Commands imported only when they run: `netsafe --help` and `--version` import none of them.

Each command module imports what its command needs (SQLAlchemy, numpy, Pillow, the web app, …),
so importing them all up front made every invocation pay for all of them. The root group holds a
`LazyCommand` per command (name, module, attribute, one-line help); the root help lists those
lines, and a command's module is imported when the command is resolved to run or to print its
own help. `tests/cli/test_startup.py` checks the one-line help against each command's own.
A loaded command converts its simple values without pydantic (`plain_values`).
"""

from __future__ import annotations

import importlib
from collections.abc import Iterator, MutableMapping
from dataclasses import dataclass
from typing import Any

import typer
from typer.core import TyperCommand, TyperGroup

from netsafe.cli.clean_help import clean_help
from netsafe.cli.output import help_width
from netsafe.cli.plain_values import plain_values


@dataclass(frozen=True, slots=True)
class LazyCommand:
    """A command of the root group: `module.attribute` is a `typer.Typer` (a group of commands)
    or a function (one command)."""

    name: str
    module: str
    attribute: str
    help: str

    def load(self) -> Any:
        """The click command, its module imported now."""
        target = getattr(importlib.import_module(self.module), self.attribute)
        if isinstance(target, typer.Typer):
            command: Any = typer.main.get_group(target)
            command.name = self.name
        else:
            single = typer.Typer(add_completion=False)
            single.command(self.name)(target)
            command = typer.main.get_command(single)
        return plain_values(clean_help(command))

    def placeholder(self) -> TyperCommand:
        """A stand-in with the name and one-line help only: enough for the root's help."""
        return TyperCommand(name=self.name, help=self.help, callback=None)


class _Commands(MutableMapping[str, Any]):
    """Name → command; a command's module is imported when the command is looked up."""

    def __init__(self, lazy: tuple[LazyCommand, ...]) -> None:
        self._lazy = {command.name: command for command in lazy}
        self._loaded: dict[str, Any] = {}

    def __getitem__(self, name: str) -> Any:
        if name not in self._loaded:
            self._loaded[name] = self._lazy[name].load()
        return self._loaded[name]

    def __setitem__(self, name: str, command: Any) -> None:
        self._loaded[name] = command

    def __delitem__(self, name: str) -> None:
        self._lazy.pop(name, None)
        self._loaded.pop(name, None)

    def __iter__(self) -> Iterator[str]:
        return iter([*self._lazy, *(n for n in self._loaded if n not in self._lazy)])

    def __len__(self) -> int:
        return len(set(self._lazy) | set(self._loaded))

    def listed(self, name: str) -> Any:
        """The loaded command, else its placeholder (for the root's list of commands)."""
        if name in self._loaded:
            return self._loaded[name]
        lazy = self._lazy.get(name)
        return None if lazy is None else lazy.placeholder()


def lazy_group_class(lazy: tuple[LazyCommand, ...]) -> type[TyperGroup]:
    """A root group class whose commands are `lazy`, loaded on use."""

    class LazyGroup(TyperGroup):
        def __init__(self, **attrs: Any) -> None:
            super().__init__(**attrs)
            self.commands = _Commands(lazy)
            plain_values(self)

        def make_context(
            self, info_name: str | None, args: list[str], parent: Any = None, **extra: Any
        ) -> Any:
            if parent is None:  # the sub-commands' contexts inherit the width
                extra.setdefault("terminal_width", help_width())
            return super().make_context(info_name, args, parent, **extra)

        def list_commands(self, ctx: Any) -> list[str]:
            return list(self.commands)

        def get_command(self, ctx: Any, cmd_name: str) -> Any:
            commands = self.commands
            assert isinstance(commands, _Commands)
            return commands.listed(cmd_name)

        def resolve_command(self, ctx: Any, args: list[str]) -> Any:
            if args and args[0] in self.commands:
                self.commands[args[0]]
            return super().resolve_command(ctx, args)

    return LazyGroup
