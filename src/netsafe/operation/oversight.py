"""Oversight of restricted cases: a restriction hides a case's contents, never its existence.

The operation lead answers for every force's deadlines, so a case restricted to named officers
still shows to the lead as a line: its id, reference, force, deadline and whether that was met
(`RestrictedCase`) — not its summary, incident, subjects or any record on it. Opening the case
stays refused (404) unless the lead is one of the names.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

from netsafe.platform.access import AccessDeniedError
from netsafe.platform.roles import Role, Viewer


@dataclass(frozen=True, slots=True)
class RestrictedCase:
    """That a restricted case exists, whose it is and when it is due; nothing of what it holds."""

    id: int
    reference: str
    force: str
    deadline_at: datetime
    responded_at: datetime | None

    def breached(self, now: datetime) -> bool:
        """Whether the deadline passed without a response."""
        return (self.responded_at or now) > self.deadline_at


class RestrictedCaseSource(Protocol):
    """Where restricted cases are listed from (the referrals' store)."""

    def restricted_cases(self, *, limit: int, offset: int) -> list[RestrictedCase]:
        """Every restricted case, earliest deadline first."""
        ...


def restricted_cases(
    source: RestrictedCaseSource, viewer: Viewer, *, limit: int = 100, offset: int = 0
) -> list[RestrictedCase]:
    """The restricted cases, for the operation lead only (`AccessDeniedError` otherwise)."""
    if viewer.role is not Role.OPERATION_LEAD:
        raise AccessDeniedError("only the operation lead oversees restricted cases")
    return source.restricted_cases(limit=max(1, min(limit, 500)), offset=max(0, offset))
