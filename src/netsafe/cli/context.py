"""What a command needs to reach storage: settings, engine and a unit of work, built on demand.

A command never creates a database by accident: with the default SQLite database (under
NETSAFE_HOME), a command other than `netsafe db upgrade` refuses to run when the file does not
exist, naming the path and what to do; `netsafe db upgrade` says when it creates one.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import cached_property

from sqlalchemy import Engine, make_url
from sqlalchemy.orm import Session, sessionmaker

from netsafe.cli.output import ExitCode, fail
from netsafe.settings import Settings, SettingsError, load_settings
from netsafe.store.engine import engine_from_settings, make_session_factory, unit_of_work
from netsafe.store.migrate import current_revisions, head_revisions


@dataclass
class CommandContext:
    """Lazily built settings, engine and sessions for one command run."""

    overrides: dict[str, object] = field(default_factory=dict)
    #: May this command create the default SQLite database (`netsafe db upgrade` only).
    create: bool = False
    #: The default SQLite database did not exist and this command created it.
    created: bool = False

    @cached_property
    def settings(self) -> Settings:
        try:
            return load_settings(**self.overrides)
        except SettingsError as error:
            fail(f"configuration: {error}", ExitCode.BAD_INPUT)

    @property
    def database(self) -> str:
        """The database this command uses, as a URL without password."""
        return make_url(self.settings.sqlalchemy_url).render_as_string(hide_password=True)

    @cached_property
    def engine(self) -> Engine:
        sqlite_file = self.settings.sqlite_file
        if sqlite_file is not None and not sqlite_file.exists():
            if not self.create:
                fail(
                    f"no NetSafe database at {sqlite_file} (NETSAFE_HOME={self.settings.home}):"
                    " set NETSAFE_HOME to the data folder you use, or run `netsafe db upgrade`"
                    " to create a new database there"
                )
            self.created = True
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
            fail(
                f"the database schema of {self.database} is not up to date:"
                " run `netsafe db upgrade`"
            )


def command_context(*, create: bool = False) -> CommandContext:
    """The context of the current command (settings from the environment); `create`: it may
    create the default SQLite database (`netsafe db upgrade`)."""
    return CommandContext(create=create)
