"""The demo accounts' work: after seeding, each force's demo investigator owns open cases and has
actions (one overdue), the supervisor has a review, and the examiner holds untriaged exhibits —
so My work is not empty for them; seeding again adds nothing. SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy import Engine
from sqlalchemy.orm import Session

from netsafe.demo.work import DemoWorkStores, seed_demo_work
from netsafe.operation.exhibits import record_exhibit
from netsafe.operation.my_work import my_work
from netsafe.operation.referrals import NewReferral, create_referral
from netsafe.platform.roles import Role, Viewer
from netsafe.store.engine import make_session_factory, unit_of_work
from netsafe.store.repositories.demo import SqlDemoLedger
from netsafe.store.repositories.exhibit_list import SqlExhibitList
from netsafe.store.repositories.operation import case_repositories
from netsafe.store.repositories.operation_queue import SqlFilteredQueue
from netsafe.store.repositories.work import SqlWorkRepository
from tests.operation.operation_seeds import SEEDER

NOW = datetime.now(UTC).replace(microsecond=0)


def _stores(session: Session) -> DemoWorkStores:
    return DemoWorkStores(
        queue=SqlFilteredQueue(session),
        exhibit_list=SqlExhibitList(session),
        work=SqlWorkRepository(session),
        custody=case_repositories(session).custody,
    )


def _cases(session: Session) -> None:
    repos = case_repositories(session)
    for number in range(4):
        received = NOW - timedelta(days=10 - number)
        new = NewReferral("partner", "gwent", received, f"Demo-like referral {number}")
        referral = create_referral(repos.referrals, new, by=SEEDER, now=NOW)
        record_exhibit(
            repos,
            SEEDER,
            referral.id,
            reference=f"DW/{number}",
            device_type="phone",
            seal_number=f"DW-{number}",
            seized_at=received + timedelta(hours=1),
            seized_from="1 Test Street",
        )


def _seed(engine: Engine) -> dict[str, int]:
    with unit_of_work(make_session_factory(engine)) as session:
        return seed_demo_work(_stores(session), SqlDemoLedger(session), today=NOW.date(), now=NOW)


def test_demo_accounts_have_work_and_a_rerun_adds_nothing(engine: Engine) -> None:
    with unit_of_work(make_session_factory(engine)) as session:
        _cases(session)
    added = _seed(engine)
    assert added == {"case_owners": 3, "actions": 4, "exhibits_handed_to_examiners": 2}
    with unit_of_work(make_session_factory(engine)) as session:
        stores = _stores(session)
        investigator = Viewer(0, "investigator.gwent", "gwent", Role.INVESTIGATOR)
        mine = my_work(stores.work, stores.exhibit_list, investigator, NOW.date())
        assert len(mine.cases) == 3
        assert mine.overdue == 1
        assert mine.due_today == 1
        examiner = Viewer(0, "examiner.gwent", "gwent", Role.EXAMINER)
        held = my_work(stores.work, stores.exhibit_list, examiner, NOW.date()).exhibits
        assert [line.exhibit.reference for line in held] == ["DW/0", "DW/1"]
        supervisor = Viewer(0, "supervisor.gwent", "gwent", Role.SUPERVISOR)
        assert len(my_work(stores.work, stores.exhibit_list, supervisor, NOW.date()).actions) == 1
        other = Viewer(0, "investigator.gwent", "south-wales", Role.INVESTIGATOR)
        assert my_work(stores.work, stores.exhibit_list, other, NOW.date()).cases == []
    assert _seed(engine) == {}
