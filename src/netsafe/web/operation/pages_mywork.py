""" "My work" (`/operation/my-work`, the police roles' landing page), and the case page's work
forms: giving the case its owner (supervisors, the operation lead) and adding and changing its
actions (anyone who may see the case). `case_work` gives the case page its owner and actions."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Annotated

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import HTMLResponse, Response

from netsafe.operation.actions import (
    ASSIGNING_ROLES,
    Action,
    ActionChange,
    ActionState,
    CaseOwner,
    add_action,
    assign_owner,
    change_action,
    visible_action,
)
from netsafe.operation.my_work import my_work
from netsafe.operation.referrals import Referral
from netsafe.platform.access import OperationInputError
from netsafe.platform.roles import Viewer
from netsafe.web.auditor import AuditDep
from netsafe.web.deps import TemplatesDep
from netsafe.web.operation.common import PoliceViewer, ReposDep, visible_referral
from netsafe.web.operation.forms import FormError, page_answers, redirect
from netsafe.web.operation.work_common import WorkDep, WorkRepositories
from netsafe.web.policy import allow

router = APIRouter(tags=["pages"], include_in_schema=False)
VISIBLE_REFERRAL = Depends(visible_referral)
Text = Annotated[str, Form(max_length=4000)]
MY_WORK = "/operation/my-work"
#: Supervisors (their force's cases) and the operation lead give a case its owner.
Assigner = Annotated[Viewer, Depends(allow(*sorted(ASSIGNING_ROLES), force_scoped=True))]


@dataclass(frozen=True, slots=True)
class CaseWork:
    """The case page's work section: owner, actions, and what the viewer may do."""

    owner: CaseOwner | None
    actions: list[Action]
    today: date
    may_assign: bool


def case_work(work: WorkRepositories, viewer: Viewer, referral: Referral) -> CaseWork:
    """The work of a case the viewer may see (`referral` comes from a visibility check)."""
    return CaseWork(
        owner=work.work.owner(referral.id),
        actions=work.work.actions_for(referral.id),
        today=datetime.now(UTC).date(),
        may_assign=viewer.role in ASSIGNING_ROLES,
    )


def form_date(value: str, field: str) -> date:
    """A `date` input's value (YYYY-MM-DD)."""
    try:
        return date.fromisoformat(value.strip())
    except ValueError:
        raise OperationInputError(field, f"not a date (YYYY-MM-DD): {value!r}") from None


def _case(referral_id: int) -> str:
    return f"/operation/referrals/{referral_id}"


@router.get(MY_WORK, response_class=HTMLResponse)
def my_work_page(
    request: Request,
    viewer: PoliceViewer,
    work: WorkDep,
    auditor: AuditDep,
    templates: TemplatesDep,
) -> Response:
    """The viewer's cases, actions due and overdue, and (examiners) exhibits to examine."""
    now = datetime.now(UTC)
    with page_answers(request, "work.read", "referral"):
        mine = my_work(work.work, work.exhibit_list, viewer, now.date())
    auditor.record(
        "work.read",
        "referral",
        detail=mine.counts,
    )
    return templates.TemplateResponse(
        request, "operation/my_work.html", {"mine": mine, "now": now, "viewer": viewer}
    )


@router.post("/operation/referrals/{referral_id}/owner", dependencies=[VISIBLE_REFERRAL])
def owner_form(
    referral_id: int,
    request: Request,
    viewer: Assigner,
    repos: ReposDep,
    work: WorkDep,
    auditor: AuditDep,
    owner: Text = "",
) -> Response:
    """Give the case its owner (empty: none). Supervisors and the operation lead only."""
    try:
        with page_answers(request, "owner.assign", "referral", referral_id):
            assigned = assign_owner(
                repos.referrals, work.work, work.people, viewer, referral_id, owner
            )
    except FormError as error:
        return redirect(_case(referral_id), error=error.message, fragment="actions")
    name = assigned.username if assigned else "none"
    auditor.record("owner.assign", "referral", referral_id, detail=name)
    notice = f"Owner: {assigned.username}" if assigned else "The case has no owner now"
    return redirect(_case(referral_id), notice=notice, fragment="actions")


@router.post("/operation/referrals/{referral_id}/actions", dependencies=[VISIBLE_REFERRAL])
def action_form(
    referral_id: int,
    request: Request,
    viewer: PoliceViewer,
    repos: ReposDep,
    work: WorkDep,
    auditor: AuditDep,
    title: Text = "",
    due_on: Text = "",
    assignee: Text = "",
) -> Response:
    try:
        with page_answers(request, "action.create", "referral", referral_id):
            action = add_action(
                repos.referrals,
                work.work,
                work.people,
                viewer,
                referral_id,
                title=title,
                due_on=form_date(due_on, "due_on"),
                assignee=assignee,
            )
    except FormError as error:
        return redirect(_case(referral_id), error=error.message, fragment="actions")
    auditor.record("action.create", "action", action.id, detail=f"for {action.assignee}")
    return redirect(
        _case(referral_id), notice=f"Action added for {action.assignee}", fragment="actions"
    )


@router.post("/operation/actions/{action_id}")
def action_change_form(
    action_id: int,
    request: Request,
    viewer: PoliceViewer,
    repos: ReposDep,
    work: WorkDep,
    auditor: AuditDep,
    state: Text = "",
    assignee: Text = "",
    due_on: Text = "",
    back: Text = "",
) -> Response:
    """Mark an action done, cancelled or open again, or give it another assignee or due date;
    back to My work or the case page (`back`)."""
    with page_answers(request, "action.update", "action", action_id):
        found, _ = visible_action(repos.referrals, work.work, viewer, action_id)
    target = MY_WORK if back == "my-work" else _case(found.referral_id)
    try:
        with page_answers(request, "action.update", "action", action_id):
            if state and state not in {s.value for s in ActionState}:
                raise OperationInputError("state", "one of open, done, cancelled")
            change = ActionChange(
                state=state or None,
                assignee=assignee or None,
                due_on=form_date(due_on, "due_on") if due_on.strip() else None,
            )
            action, changed = change_action(
                repos.referrals, work.work, work.people, viewer, action_id, change
            )
    except FormError as error:
        return redirect(target, error=error.message, fragment="actions")
    detail = ", ".join(f"{name}={getattr(action, name)}" for name in changed) or "no change"
    auditor.record("action.update", "action", action_id, detail=detail)
    notice = f"Action {action.state.value}: {action.title}" if changed else "Nothing changed"
    return redirect(target, notice=notice, fragment="actions")
