""" "My work": what a police user has to do — the cases they own, their open actions (overdue
first, then by due date) and, for examiners, the untriaged exhibits they hold — all within what
they may see (a case restricted to others drops out of their list).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Protocol

from netsafe.operation.actions import Action
from netsafe.operation.exhibit_list import (
    ExhibitFilter,
    ExhibitLine,
    ExhibitListRepository,
    TriageState,
)
from netsafe.operation.referrals import Referral
from netsafe.platform.access import Scope, scope_for
from netsafe.platform.roles import Role, Viewer

#: How many of each list My work shows (each links to the full list where there is one).
SHOWN = 50


@dataclass(frozen=True, slots=True)
class AssignedAction:
    """An action with the case it belongs to."""

    action: Action
    case_reference: str
    force: str


@dataclass(frozen=True, slots=True)
class MyWork:
    """A user's work: owned open cases (earliest deadline first), open actions, and the
    exhibits awaiting their examination (examiners; empty for other roles)."""

    cases: list[Referral]
    actions: list[AssignedAction]
    exhibits: list[ExhibitLine]
    today: date

    @property
    def counts(self) -> str:
        """How much there is, in words (the audit detail of a read)."""
        return (
            f"{len(self.cases)} cases, {len(self.actions)} actions, {len(self.exhibits)} exhibits"
        )

    @property
    def overdue(self) -> int:
        return sum(1 for a in self.actions if a.action.overdue(self.today))

    @property
    def due_today(self) -> int:
        return sum(1 for a in self.actions if a.action.due_on == self.today)


class MyWorkRepository(Protocol):
    """Owned cases and assigned actions, within a scope."""

    def owned_cases(self, scope: Scope, username: str, *, limit: int) -> list[Referral]:
        """Open referrals within `scope` owned by `username`, earliest deadline first."""
        ...

    def open_actions(self, scope: Scope, username: str, *, limit: int) -> list[AssignedAction]:
        """Open actions assigned to `username` on open cases within `scope`, by due date (a
        closed case's actions are nobody's work until it is reopened)."""
        ...


def my_work(
    work: MyWorkRepository, exhibits: ExhibitListRepository, viewer: Viewer, today: date
) -> MyWork:
    """The viewer's work (charity roles have none: `AccessDeniedError`)."""
    scope = scope_for(viewer)
    held: list[ExhibitLine] = []
    if viewer.role is Role.EXAMINER:
        wanted = ExhibitFilter(triage=TriageState.AWAITING, held_by=viewer.username)
        held = exhibits.listed(scope, wanted, limit=SHOWN, offset=0)
    return MyWork(
        cases=work.owned_cases(scope, viewer.username, limit=SHOWN),
        actions=work.open_actions(scope, viewer.username, limit=SHOWN),
        exhibits=held,
        today=today,
    )
