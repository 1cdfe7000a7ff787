"""SQL implementation of `netsafe.operation.actions.WorkRepository` and
`netsafe.operation.my_work.MyWorkRepository`: case owners and actions."""

from __future__ import annotations

from typing import Any

from sqlalchemy import case, delete, select, text
from sqlalchemy.orm import Session

from netsafe.operation.actions import Action, ActionState, CaseOwner
from netsafe.operation.my_work import AssignedAction
from netsafe.operation.referrals import Referral, referral_reference
from netsafe.platform.access import Scope
from netsafe.store.models.operation import OPEN_CONDITION, ReferralRow
from netsafe.store.models.work import CaseActionRow, CaseOwnerRow
from netsafe.store.repositories.operation_queue import listed_referrals
from netsafe.store.repositories.operation_scope import scope_clause
from netsafe.timestamps import as_utc

_OPEN = text(f"referrals.{OPEN_CONDITION}")
_STATES = {state.value: state for state in ActionState}


def _action(row: Any) -> Action:
    return Action(
        id=row.id,
        referral_id=row.referral_id,
        title=row.title,
        assignee=row.assignee,
        due_on=row.due_on,
        state=_STATES.get(row.state) or ActionState(row.state),
        created_at=as_utc(row.created_at),
        created_by=row.created_by,
        updated_at=None if row.updated_at is None else as_utc(row.updated_at),
        updated_by=row.updated_by,
    )


class SqlWorkRepository:
    """Owners and actions in the caller's session."""

    def __init__(self, session: Session) -> None:
        self._session = session

    def owner(self, referral_id: int) -> CaseOwner | None:
        row = self._session.get(CaseOwnerRow, referral_id)
        if row is None:
            return None
        return CaseOwner(row.referral_id, row.username, as_utc(row.assigned_at), row.assigned_by)

    def set_owner(self, referral_id: int, owner: CaseOwner | None) -> None:
        row = self._session.get(CaseOwnerRow, referral_id)
        if owner is None:
            if row is not None:
                self._session.delete(row)
        elif row is None:
            self._session.add(
                CaseOwnerRow(
                    referral_id=referral_id,
                    username=owner.username,
                    assigned_at=owner.assigned_at,
                    assigned_by=owner.assigned_by,
                )
            )
        else:
            row.username = owner.username
            row.assigned_at = owner.assigned_at
            row.assigned_by = owner.assigned_by
        self._session.flush()

    def clear_owners(self, referral_ids: list[int]) -> None:
        """No owner for these referrals (demo data reset)."""
        self._session.execute(
            delete(CaseOwnerRow).where(CaseOwnerRow.referral_id.in_(referral_ids))
        )

    def add_action(self, action: Action) -> Action:
        row = CaseActionRow(
            referral_id=action.referral_id,
            title=action.title,
            assignee=action.assignee,
            due_on=action.due_on,
            state=action.state.value,
            created_at=action.created_at,
            created_by=action.created_by,
            updated_at=action.updated_at,
            updated_by=action.updated_by,
        )
        self._session.add(row)
        self._session.flush()
        return _action(row)

    def get_action(self, action_id: int) -> Action | None:
        row = self._session.get(CaseActionRow, action_id)
        return None if row is None else _action(row)

    def update_action(self, action: Action) -> None:
        row = self._session.get(CaseActionRow, action.id)
        if row is None:
            raise LookupError(f"action {action.id} not stored")
        row.title = action.title
        row.assignee = action.assignee
        row.due_on = action.due_on
        row.state = action.state.value
        row.updated_at = action.updated_at
        row.updated_by = action.updated_by
        self._session.flush()

    def actions_for(self, referral_id: int) -> list[Action]:
        still_open = case((CaseActionRow.state == ActionState.OPEN.value, 0), else_=1)
        rows = self._session.scalars(
            select(CaseActionRow)
            .where(CaseActionRow.referral_id == referral_id)
            .order_by(still_open, CaseActionRow.due_on, CaseActionRow.id)
        )
        return [_action(row) for row in rows]

    def owned_cases(self, scope: Scope, username: str, *, limit: int) -> list[Referral]:
        self._session.flush()
        query = (
            select(ReferralRow.__table__)
            .join(CaseOwnerRow, CaseOwnerRow.referral_id == ReferralRow.id)
            .where(CaseOwnerRow.username == username, _OPEN, scope_clause(scope))
            .order_by(ReferralRow.deadline_at, ReferralRow.id)
            .limit(limit)
        )
        return listed_referrals(self._session, self._session.connection().execute(query).all())

    def open_actions(self, scope: Scope, username: str, *, limit: int) -> list[AssignedAction]:
        query = (
            select(CaseActionRow, ReferralRow.received_at, ReferralRow.force)
            .join(ReferralRow, ReferralRow.id == CaseActionRow.referral_id)
            .where(
                CaseActionRow.assignee == username,
                CaseActionRow.state == ActionState.OPEN.value,
                _OPEN,
                scope_clause(scope),
            )
            .order_by(CaseActionRow.due_on, CaseActionRow.id)
            .limit(limit)
        )
        return [
            AssignedAction(
                _action(row), referral_reference(row.referral_id, as_utc(received)), force
            )
            for row, received, force in self._session.execute(query)
        ]
