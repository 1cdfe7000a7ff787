"""Work for the demo accounts, so "My work" is not empty after `netsafe demo`: in each force the
investigator owns the open cases due soonest and has actions on them (one overdue, one due today,
one next week), the supervisor has a review to do, and the examiner is handed the untriaged
exhibits seized longest ago. Deterministic: the same database gives the same work.

Written once (its own data set in the demo ledger), through the same repositories and checks as
the pages: owners and assignees are the demo accounts, who may see their force's cases.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from netsafe.demo.writer import DemoLedger
from netsafe.operation.actions import Action, ActionState, CaseOwner, WorkRepository
from netsafe.operation.exhibit_list import (
    ExhibitFilter,
    ExhibitListRepository,
    TriageState,
)
from netsafe.operation.exhibits import CustodyEvent, custody_events
from netsafe.operation.queue_filters import FilteredQueueRepository, QueueFilter
from netsafe.operation.records import RecordRepository
from netsafe.platform.access import Scope
from netsafe.platform.agencies import FORCE_SLUGS
from netsafe.platform.demo_users import demo_username
from netsafe.platform.roles import Role

DATASET = "operation-netsafe-demo-work"
CASES_OWNED = 3
EXHIBITS_HANDED = 2
ASSIGNER = "demo.generator"


@dataclass(frozen=True, slots=True)
class DemoWorkStores:
    """Where the demo's work is read from and written to (the caller's transaction)."""

    queue: FilteredQueueRepository
    exhibit_list: ExhibitListRepository
    work: WorkRepository
    custody: RecordRepository[CustodyEvent]


def _actions(force: str, case_ids: list[int], today: date, now: datetime) -> list[Action]:
    investigator = demo_username(Role.INVESTIGATOR, force)
    supervisor = demo_username(Role.SUPERVISOR, force)
    plan = [
        ("Request subscriber data from the platform", investigator, -2),
        ("Check the reported identifiers against local systems", investigator, 0),
        ("Prepare the warrant application", investigator, 7),
        ("Review the risk assessment", supervisor, 1),
    ]
    return [
        Action(
            id=0,
            referral_id=case_ids[index % len(case_ids)],
            title=title,
            assignee=assignee,
            due_on=today + timedelta(days=days),
            state=ActionState.OPEN,
            created_at=now,
            created_by=ASSIGNER,
        )
        for index, (title, assignee, days) in enumerate(plan)
    ]


def seed_demo_work(
    stores: DemoWorkStores, ledger: DemoLedger, *, today: date, now: datetime
) -> dict[str, int]:
    """Give each force's demo accounts their work, unless already given; what was added."""
    if ledger.seeded(DATASET):
        return {}
    added = {"case_owners": 0, "actions": 0, "exhibits_handed_to_examiners": 0}
    for force in FORCE_SLUGS:
        scope = Scope(forces=frozenset({force}), username=ASSIGNER)
        cases = stores.queue.filtered(scope, QueueFilter(), now, limit=CASES_OWNED, offset=0)
        investigator = demo_username(Role.INVESTIGATOR, force)
        for case in cases:
            stores.work.set_owner(case.id, CaseOwner(case.id, investigator, now, ASSIGNER))
        added["case_owners"] += len(cases)
        if cases:
            for action in _actions(force, [c.id for c in cases], today, now):
                stores.work.add_action(action)
                added["actions"] += 1
        untriaged = ExhibitFilter(triage=TriageState.AWAITING)
        lines = stores.exhibit_list.listed(scope, untriaged, limit=EXHIBITS_HANDED, offset=0)
        for line in lines:
            chain = custody_events(stores.custody, line.exhibit)
            last = chain[-1].at if chain else line.exhibit.seized_at
            stores.custody.add(
                CustodyEvent(
                    id=0,
                    referral_id=line.exhibit.referral_id,
                    exhibit_id=line.exhibit.id,
                    handed_from=line.holder,
                    handed_to=demo_username(Role.EXAMINER, force),
                    at=min(now, last + timedelta(hours=2)),
                    location=f"Digital forensic unit, {force}",
                    purpose="examination",
                )
            )
            added["exhibits_handed_to_examiners"] += 1
    ledger.record(DATASET, 0, now, added)
    return added
