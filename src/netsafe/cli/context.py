"""What a command needs to reach storage: settings, engine and a unit of work, built on demand."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import cached_property

from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker

from netsafe.cli.output import ExitCode, fail
from netsafe.settings import Settings, SettingsError, load_settings
from netsafe.store.engine import engine_from_settings, make_session_factory, unit_of_work
from netsafe.store.migrate import current_revisions, head_revisions


@dataclass
class CommandContext:
    """Lazily built settings, engine and sessions for one command run."""

    overrides: dict[str, object] = field(default_factory=dict)

    @cached_property
    def settings(self) -> Settings:
        try:
            return load_settings(**self.overrides)
        except SettingsError as error:
            fail(f"configuration: {error}", ExitCode.BAD_INPUT)

    @cached_property
    def engine(self) -> Engine:
        return engine_from_settings(self.settings)

    @cached_property
    def sessions(self) -> sessionmaker[Session]:
        return make_session_factory(self.engine)

    @contextmanager
    def transaction(self) -> Iterator[Session]:
        """One transaction for the command; refuses to run on an unmigrated database."""
        self.require_migrated()
        with unit_of_work(self.sessions) as session:
            yield session

    def require_migrated(self) -> None:
        if not head_revisions(self.engine) <= current_revisions(self.engine):
            fail("the database schema is not up to date: run `netsafe db upgrade`")


def command_context() -> CommandContext:
    """The context of the current command (settings from the environment)."""
    return CommandContext()
