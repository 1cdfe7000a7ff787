"""`/api/v1/referrals/{id}/owner`, `/api/v1/referrals/{id}/actions`, `/api/v1/actions/{id}` and
`/api/v1/my-work`: who owns a case, the actions on it, and a user's own work. Every call is
audited; giving a case its owner is for supervisors and the operation lead."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Annotated

from fastapi import APIRouter, Depends, Path, Request
from pydantic import BaseModel, Field

from netsafe.operation.actions import (
    ASSIGNING_ROLES,
    Action,
    ActionChange,
    ActionState,
    CaseOwner,
    add_action,
    assign_owner,
    case_actions,
    case_owner,
    change_action,
    visible_action,
)
from netsafe.operation.my_work import my_work
from netsafe.platform.roles import Viewer
from netsafe.web.auditor import AuditDep
from netsafe.web.operation.api_lists import ExhibitLineOut
from netsafe.web.operation.common import PoliceViewer, ReposDep, answering, visible_referral
from netsafe.web.operation.schemas import ReferralOut
from netsafe.web.operation.work_common import WorkDep
from netsafe.web.policy import allow

router = APIRouter(prefix="/api/v1", tags=["work"])
Assigner = Annotated[Viewer, Depends(allow(*sorted(ASSIGNING_ROLES), force_scoped=True))]


class OwnerIn(BaseModel):
    """The case's new owner (a police user who may see it); null or "" to leave it without."""

    username: str | None = Field(None, max_length=63)


class ActionIn(BaseModel):
    """A new action: what, by when, and for whom (the caller when not given)."""

    title: str = Field(max_length=500)
    due_on: date
    assignee: str = Field("", max_length=63)


class ActionPatch(BaseModel):
    """The fields to change; those left out stay as they are."""

    title: str | None = Field(None, max_length=500)
    assignee: str | None = Field(None, max_length=63)
    due_on: date | None = None
    state: ActionState | None = None


class ActionOut(BaseModel):
    id: int
    referral_id: int
    title: str
    assignee: str
    due_on: date
    state: ActionState
    overdue: bool
    created_at: datetime
    created_by: str
    updated_at: datetime | None
    updated_by: str | None

    @classmethod
    def of(cls, action: Action, today: date) -> ActionOut:
        return cls(
            id=action.id,
            referral_id=action.referral_id,
            title=action.title,
            assignee=action.assignee,
            due_on=action.due_on,
            state=action.state,
            overdue=action.overdue(today),
            created_at=action.created_at,
            created_by=action.created_by,
            updated_at=action.updated_at,
            updated_by=action.updated_by,
        )


class AssignedActionOut(ActionOut):
    case_reference: str
    force: str


class MyWorkOut(BaseModel):
    """The caller's work: owned open cases, open actions, exhibits awaiting their examination."""

    cases: list[ReferralOut]
    actions: list[AssignedActionOut]
    exhibits: list[ExhibitLineOut]
    overdue: int
    due_today: int


def _today() -> date:
    return datetime.now(UTC).date()


def _visible_action(
    request: Request,
    viewer: PoliceViewer,
    repos: ReposDep,
    work: WorkDep,
    action_id: int = Path(),
) -> Action:
    """The action of the path, or 404 when the caller may not see its case (checked before
    the request body is read)."""
    with answering(request, "action.access", "action", action_id):
        action, _ = visible_action(repos.referrals, work.work, viewer, action_id)
    return action


VISIBLE_REFERRAL = Depends(visible_referral)
VISIBLE_ACTION = Depends(_visible_action)


@router.get("/referrals/{referral_id}/owner", response_model=CaseOwner | None)
def read_owner(
    referral_id: int,
    request: Request,
    viewer: PoliceViewer,
    repos: ReposDep,
    work: WorkDep,
    auditor: AuditDep,
) -> CaseOwner | None:
    """The case's owner (null when it has none)."""
    with answering(request, "owner.read", "referral", referral_id):
        owner = case_owner(repos.referrals, work.work, viewer, referral_id)
    auditor.record("owner.read", "referral", referral_id)
    return owner


@router.put(
    "/referrals/{referral_id}/owner",
    response_model=CaseOwner | None,
    dependencies=[VISIBLE_REFERRAL],
)
def put_owner(
    referral_id: int,
    body: OwnerIn,
    request: Request,
    viewer: Assigner,
    repos: ReposDep,
    work: WorkDep,
    auditor: AuditDep,
) -> CaseOwner | None:
    """Give the case its owner (supervisors for their force, the operation lead for any)."""
    with answering(request, "owner.assign", "referral", referral_id):
        owner = assign_owner(
            repos.referrals, work.work, work.people, viewer, referral_id, body.username
        )
    auditor.record(
        "owner.assign", "referral", referral_id, detail=owner.username if owner else "none"
    )
    return owner


@router.get("/referrals/{referral_id}/actions", response_model=list[ActionOut])
def list_actions(
    referral_id: int,
    request: Request,
    viewer: PoliceViewer,
    repos: ReposDep,
    work: WorkDep,
    auditor: AuditDep,
) -> list[ActionOut]:
    """The case's actions: open ones by due date first, then done and cancelled ones."""
    with answering(request, "action.list", "referral", referral_id):
        actions = case_actions(repos.referrals, work.work, viewer, referral_id)
    auditor.record("action.list", "referral", referral_id, detail=f"{len(actions)} shown")
    today = _today()
    return [ActionOut.of(action, today) for action in actions]


@router.post(
    "/referrals/{referral_id}/actions",
    status_code=201,
    response_model=ActionOut,
    dependencies=[VISIBLE_REFERRAL],
)
def create_action(
    referral_id: int,
    body: ActionIn,
    request: Request,
    viewer: PoliceViewer,
    repos: ReposDep,
    work: WorkDep,
    auditor: AuditDep,
) -> ActionOut:
    """Add an open action to the case, for `assignee` (a police user who may see the case)."""
    with answering(request, "action.create", "referral", referral_id):
        action = add_action(
            repos.referrals,
            work.work,
            work.people,
            viewer,
            referral_id,
            title=body.title,
            due_on=body.due_on,
            assignee=body.assignee,
        )
    auditor.record("action.create", "action", action.id, detail=f"for {action.assignee}")
    return ActionOut.of(action, _today())


@router.get("/actions/{action_id}", response_model=ActionOut)
def read_action(
    action_id: int,
    request: Request,
    viewer: PoliceViewer,
    repos: ReposDep,
    work: WorkDep,
    auditor: AuditDep,
) -> ActionOut:
    with answering(request, "action.read", "action", action_id):
        action, _ = visible_action(repos.referrals, work.work, viewer, action_id)
    auditor.record("action.read", "action", action_id)
    return ActionOut.of(action, _today())


@router.patch("/actions/{action_id}", response_model=ActionOut, dependencies=[VISIBLE_ACTION])
def patch_action(
    action_id: int,
    body: ActionPatch,
    request: Request,
    viewer: PoliceViewer,
    repos: ReposDep,
    work: WorkDep,
    auditor: AuditDep,
) -> ActionOut:
    """Change an action: its title, assignee, due date or state (open, done, cancelled)."""
    change = ActionChange(
        title=body.title, assignee=body.assignee, due_on=body.due_on, state=body.state
    )
    with answering(request, "action.update", "action", action_id):
        action, changed = change_action(
            repos.referrals, work.work, work.people, viewer, action_id, change
        )
    detail = ", ".join(f"{name}={getattr(action, name)}" for name in changed) or "no change"
    auditor.record("action.update", "action", action_id, detail=detail)
    return ActionOut.of(action, _today())


@router.get("/my-work", response_model=MyWorkOut)
def read_my_work(
    request: Request, viewer: PoliceViewer, work: WorkDep, auditor: AuditDep
) -> MyWorkOut:
    """The caller's work: the open cases they own (earliest deadline first), their open actions
    (by due date) and, for examiners, the untriaged exhibits they hold."""
    now = datetime.now(UTC)
    with answering(request, "work.read", "referral"):
        mine = my_work(work.work, work.exhibit_list, viewer, now.date())
    auditor.record(
        "work.read",
        "referral",
        detail=mine.counts,
    )
    return MyWorkOut(
        cases=[ReferralOut.of(referral, now) for referral in mine.cases],
        actions=[
            AssignedActionOut(
                **ActionOut.of(a.action, mine.today).model_dump(),
                case_reference=a.case_reference,
                force=a.force,
            )
            for a in mine.actions
        ],
        exhibits=[ExhibitLineOut.of(line) for line in mine.exhibits],
        overdue=mine.overdue,
        due_today=mine.due_today,
    )
