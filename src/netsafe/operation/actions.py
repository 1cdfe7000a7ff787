"""Who works on a case: its owner (one officer, assigned by a supervisor or the operation lead)
and its actions (tasks with an assignee, a due date and a state: open, done or cancelled).

Work is only ever given to someone who may see the case: a police user of its force (or one who
sees every force) and, when the case is restricted, one of its named users. The refusal reads the
same whether the username is unknown or belongs to someone who may not see the case.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime
from typing import Protocol

from netsafe.operation.corrections import ensure_open
from netsafe.operation.records import MAX_RECORD_ID
from netsafe.operation.referrals import Referral, ReferralRepository, get_referral
from netsafe.platform.access import (
    AccessDeniedError,
    OperationInputError,
    RecordNotFoundError,
    scope_for,
)
from netsafe.platform.roles import CASEWORK_WRITERS, Role, Viewer
from netsafe.platform.users import User

TITLE_MAX = 500
#: The roles that give a case its owner.
ASSIGNING_ROLES = frozenset({Role.SUPERVISOR, Role.OPERATION_LEAD})


class ActionState(enum.StrEnum):
    """Where an action is: still to do, done, or no longer needed."""

    OPEN = "open"
    DONE = "done"
    CANCELLED = "cancelled"


@dataclass(frozen=True, slots=True)
class CaseOwner:
    """The officer a case belongs to, and who made them its owner when."""

    referral_id: int
    username: str
    assigned_at: datetime
    assigned_by: str


@dataclass(frozen=True, slots=True)
class Action:
    """A task on a case: what, for whom, by when, and whether it is done."""

    id: int
    referral_id: int
    title: str
    assignee: str
    due_on: date
    state: ActionState
    created_at: datetime
    created_by: str
    updated_at: datetime | None = None
    updated_by: str | None = None

    def overdue(self, today: date) -> bool:
        """An open action whose due date has passed."""
        return self.state is ActionState.OPEN and self.due_on < today


@dataclass(frozen=True, slots=True)
class ActionChange:
    """The fields of an action to change (None: leave as it is)."""

    title: str | None = None
    assignee: str | None = None
    due_on: date | None = None
    state: ActionState | str | None = None


class People(Protocol):
    """The user accounts, by username (`UserRepository` is one)."""

    def by_username(self, username: str) -> User | None: ...


class WorkRepository(Protocol):
    """Where case owners and actions are kept."""

    def owner(self, referral_id: int) -> CaseOwner | None: ...

    def set_owner(self, referral_id: int, owner: CaseOwner | None) -> None:
        """Make `owner` the case's owner (None: the case has none)."""
        ...

    def add_action(self, action: Action) -> Action:
        """Store a new action (its `id` is ignored) and return it with its id."""
        ...

    def get_action(self, action_id: int) -> Action | None: ...

    def update_action(self, action: Action) -> None: ...

    def actions_for(self, referral_id: int) -> list[Action]:
        """The case's actions: open ones first by due date, then the rest."""
        ...


def _now(now: datetime | None) -> datetime:
    return now or datetime.now(UTC)


def check_worker(people: People, referral: Referral, username: str, field: str) -> str:
    """`username` (trimmed) when it is an active police user who works cases (an analyst
    writes none) and may see the case."""
    name = username.strip()
    if not name:
        raise OperationInputError(field, "required")
    user = people.by_username(name)
    if (
        user is None
        or user.disabled
        or user.role not in CASEWORK_WRITERS
        or not scope_for(user.viewer).allows(referral.force, referral.restricted_to)
    ):
        raise OperationInputError(
            field, f"{name} is not a police user who may see and work on {referral.reference}"
        )
    return name


def assign_owner(
    referrals: ReferralRepository,
    work: WorkRepository,
    people: People,
    viewer: Viewer,
    referral_id: int,
    username: str | None,
    *,
    now: datetime | None = None,
) -> CaseOwner | None:
    """Make `username` the case's owner (None or empty: the case has none). Supervisors (for
    their force's cases) and the operation lead only, and only while the case is open (a closed
    case is read-only: `CaseClosedError`, 409, until it is reopened)."""
    referral = get_referral(referrals, viewer, referral_id)
    if viewer.role not in ASSIGNING_ROLES:
        raise AccessDeniedError("only a supervisor or the operation lead assigns a case's owner")
    ensure_open(referral)
    if username is None or not username.strip():
        work.set_owner(referral.id, None)
        return None
    owner = CaseOwner(
        referral_id=referral.id,
        username=check_worker(people, referral, username, "owner"),
        assigned_at=_now(now),
        assigned_by=viewer.username,
    )
    work.set_owner(referral.id, owner)
    return owner


def case_owner(
    referrals: ReferralRepository, work: WorkRepository, viewer: Viewer, referral_id: int
) -> CaseOwner | None:
    """The owner of a case the viewer may see."""
    referral = get_referral(referrals, viewer, referral_id)
    return work.owner(referral.id)


def _title(value: str) -> str:
    title = value.strip()
    if not title:
        raise OperationInputError("title", "required")
    if len(title) > TITLE_MAX:
        raise OperationInputError("title", f"longer than {TITLE_MAX} characters")
    return title


def _state(value: ActionState | str) -> ActionState:
    try:
        return ActionState(value)
    except ValueError:
        choices = ", ".join(s.value for s in ActionState)
        raise OperationInputError("state", f"one of {choices}") from None


def add_action(
    referrals: ReferralRepository,
    work: WorkRepository,
    people: People,
    viewer: Viewer,
    referral_id: int,
    *,
    title: str,
    due_on: date,
    assignee: str = "",
    now: datetime | None = None,
) -> Action:
    """An open action on a case the viewer may see and that is open (a closed case takes no new
    work: `CaseClosedError`, 409); for the viewer unless `assignee` is given."""
    referral = get_referral(referrals, viewer, referral_id)
    ensure_open(referral)
    return work.add_action(
        Action(
            id=0,
            referral_id=referral.id,
            title=_title(title),
            assignee=check_worker(people, referral, assignee or viewer.username, "assignee"),
            due_on=due_on,
            state=ActionState.OPEN,
            created_at=_now(now),
            created_by=viewer.username,
        )
    )


def case_actions(
    referrals: ReferralRepository, work: WorkRepository, viewer: Viewer, referral_id: int
) -> list[Action]:
    """The actions of a case the viewer may see."""
    referral = get_referral(referrals, viewer, referral_id)
    return work.actions_for(referral.id)


def visible_action(
    referrals: ReferralRepository, work: WorkRepository, viewer: Viewer, action_id: int
) -> tuple[Action, Referral]:
    """The action and its case, when the viewer may see the case (404 otherwise)."""
    scope_for(viewer)
    action = work.get_action(action_id) if 0 < action_id <= MAX_RECORD_ID else None
    if action is None:
        raise RecordNotFoundError(f"action {action_id} not found")
    try:
        referral = get_referral(referrals, viewer, action.referral_id)
    except RecordNotFoundError:
        raise RecordNotFoundError(f"action {action_id} not found") from None
    return action, referral


def change_action(
    referrals: ReferralRepository,
    work: WorkRepository,
    people: People,
    viewer: Viewer,
    action_id: int,
    change: ActionChange,
    *,
    now: datetime | None = None,
) -> tuple[Action, list[str]]:
    """Change an action of an open case the viewer may see; returns it and the names of the
    fields that changed (none: nothing is written). A closed case is read-only, its actions
    included (`CaseClosedError`, 409): reopening it makes them changeable again."""
    action, referral = visible_action(referrals, work, viewer, action_id)
    ensure_open(referral)
    updated = action
    if change.title is not None:
        updated = replace(updated, title=_title(change.title))
    if change.assignee is not None and change.assignee.strip() != action.assignee:
        updated = replace(
            updated, assignee=check_worker(people, referral, change.assignee, "assignee")
        )
    if change.due_on is not None:
        updated = replace(updated, due_on=change.due_on)
    if change.state is not None:
        updated = replace(updated, state=_state(change.state))
    changed = [
        name
        for name in ("title", "assignee", "due_on", "state")
        if getattr(updated, name) != getattr(action, name)
    ]
    if not changed:
        return action, []
    updated = replace(updated, updated_at=_now(now), updated_by=viewer.username)
    work.update_action(updated)
    return updated, changed
