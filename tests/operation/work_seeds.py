"""Matrix seeders for the work routes: an action (for `{action_id}`), and an exhibit seized
400 days ago (first in the exhibit list, oldest seizure first, whatever else the matrix seeds)."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from sqlalchemy.orm import Session

from netsafe.operation.actions import Action, ActionState
from netsafe.operation.exhibits import record_exhibit
from netsafe.operation.referrals import NewReferral, create_referral
from netsafe.store.repositories.operation import case_repositories
from netsafe.store.repositories.work import SqlWorkRepository
from tests.operation.operation_seeds import SEEDER, seed_referral

#: The exhibit list's filter that finds the aged exhibit (and no newer one).
AGED_QUERY = "?min_age_days=399"


def seed_action(session: Session, force: str) -> str:
    """An open action on a new referral of `force` (stored directly: its assignee need not be a
    real account for the matrix)."""
    referral_id = int(seed_referral(session, force))
    action = SqlWorkRepository(session).add_action(
        Action(
            id=0,
            referral_id=referral_id,
            title="Matrix action",
            assignee=SEEDER.username,
            due_on=date.today(),
            state=ActionState.OPEN,
            created_at=datetime.now(UTC),
            created_by=SEEDER.username,
        )
    )
    return str(action.id)


def _aged_exhibit(session: Session, force: str) -> tuple[int, str]:
    repos = case_repositories(session)
    now = datetime.now(UTC)
    received = now - timedelta(days=401)
    new = NewReferral("partner", force, received, "Matrix aged referral")
    referral = create_referral(repos.referrals, new, by=SEEDER, now=now)
    exhibit = record_exhibit(
        repos,
        SEEDER,
        referral.id,
        reference=f"AGED/{referral.id}",
        device_type="phone",
        seal_number=f"A{referral.id}",
        seized_at=now - timedelta(days=400),
        seized_from="Seed St",
    )
    return exhibit.id, exhibit.reference


def aged_exhibit_json(session: Session, force: str) -> str:
    """An exhibit seized 400 days ago, revealed by its `"id":N,` in JSON."""
    return f'"id":{_aged_exhibit(session, force)[0]},'


def aged_exhibit_reference(session: Session, force: str) -> str:
    """An exhibit seized 400 days ago, revealed by its reference on a page."""
    return _aged_exhibit(session, force)[1]


WORK_SEEDS = {"action_id": seed_action}
