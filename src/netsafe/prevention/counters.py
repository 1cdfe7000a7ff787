"""Anonymous daily counters: self-help module use and the deterrence funnel.

Nothing here is an event about a person. A counter is (day, what, how many): no cookie, no IP, no
session, no time of day, no identifier of any kind — a start of a self-help module adds one to
that module's count for the day, a help-page view adds one to the day's help-page count. That is
all the charity needs to see how many people use self-help and how many people a warning leads
to the helpline (warnings shown → help page views → helpline/chat clicks).
"""

from __future__ import annotations

import enum
import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from typing import Protocol


class SelfHelpEvent(enum.StrEnum):
    """What happened in a self-help module."""

    STARTED = "started"
    COMPLETED = "completed"


class FunnelStep(enum.StrEnum):
    """The deterrence funnel, in order: a warning shown, the help page viewed, help contacted."""

    WARNING_SHOWN = "warning-shown"
    HELP_PAGE_VIEW = "help-page-view"
    HELPLINE_CLICK = "helpline-click"
    CHAT_CLICK = "chat-click"


#: Steps a page or platform reports itself; "warning-shown" is counted by the deterrence check.
REPORTABLE_STEPS = (FunnelStep.HELP_PAGE_VIEW, FunnelStep.HELPLINE_CLICK, FunnelStep.CHAT_CLICK)

#: The self-help modules counted unless the operator's prevention file names its own.
DEFAULT_SELF_HELP_MODULES = (
    "understanding-the-harm",
    "managing-urges",
    "staying-safe-online",
    "telling-someone",
    "for-family-and-friends",
)
_MODULE_SLUG = re.compile(r"[a-z0-9][a-z0-9-]{0,58}[a-z0-9]")


class UnknownModuleError(ValueError):
    """A self-help module that isn't configured (so it can't be counted)."""


def check_module_slug(slug: str) -> str:
    """A module slug is lower-case letters, digits and dashes, 2–60 characters."""
    if not _MODULE_SLUG.fullmatch(slug):
        raise ValueError(f"self-help module {slug!r}: use lower-case letters, digits and dashes")
    return slug


@dataclass(frozen=True, slots=True)
class DailyCount:
    """How many of something happened on one day. `key` is the module (self-help) or "" (funnel)."""

    day: date
    name: str
    key: str
    count: int


class CounterRepository(Protocol):
    """Where the daily counters are kept. `add` must be safe under concurrent requests."""

    def add_self_help(self, day: date, module: str, event: SelfHelpEvent) -> None: ...

    def add_funnel(self, day: date, step: FunnelStep) -> None: ...

    def self_help_counts(self, date_from: date, date_to: date) -> list[DailyCount]: ...

    def funnel_counts(self, date_from: date, date_to: date) -> list[DailyCount]: ...


def count_self_help(
    repository: CounterRepository,
    modules: Iterable[str],
    module: str,
    event: SelfHelpEvent,
    today: date,
) -> None:
    """Add one to today's count of `event` for `module` (one of the configured `modules`)."""
    if module not in set(modules):
        raise UnknownModuleError(f"self-help module {module!r} is not one of the configured ones")
    repository.add_self_help(today, module, event)


def count_funnel_step(repository: CounterRepository, step: FunnelStep, today: date) -> None:
    """Add one to today's count of a funnel step."""
    repository.add_funnel(today, step)
