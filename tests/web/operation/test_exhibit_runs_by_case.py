"""An exhibit's triage runs on its API answer and its page are the runs that belong to it
(`triage_runs.exhibit_id`, by the rule of `store.run_exhibits`): where two forces use the same
reference, only the runs naming the exhibit's case, never the other force's; where the reference
is its force's alone, every run of it. SQLite and PostgreSQL."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import UTC, datetime, timedelta

from fastapi.testclient import TestClient
from sqlalchemy import Engine
from sqlalchemy.orm import Session

from netsafe.operation.exhibits import record_exhibit
from netsafe.operation.referrals import NewReferral, Referral, create_referral
from netsafe.platform.roles import Role
from netsafe.store.engine import make_session_factory, unit_of_work
from netsafe.store.repositories.operation import case_repositories
from tests.operation.operation_seeds import SEEDER
from tests.operation.operation_triage import store_triage_run

NOW = datetime.now(UTC).replace(microsecond=0)
Headers = dict[str, str]


def _case(session: Session, force: str) -> Referral:
    new = NewReferral("partner", force, NOW - timedelta(days=2), f"Runs test {force}")
    return create_referral(case_repositories(session).referrals, new, by=SEEDER, now=NOW)


def _exhibit(session: Session, case: Referral, reference: str) -> int:
    repos = case_repositories(session)
    return record_exhibit(
        repos,
        SEEDER,
        case.id,
        reference=reference,
        device_type="phone",
        seal_number=f"S-{reference}-{case.id}",
        seized_at=NOW - timedelta(days=1),
        seized_from="1 Test Street",
    ).id


def test_each_exhibit_shows_its_own_runs_only(
    client: TestClient, engine: Engine, bearer: Callable[..., Headers]
) -> None:
    with unit_of_work(make_session_factory(engine)) as session:
        gwent_case, south_case = _case(session, "gwent"), _case(session, "south-wales")
        gwent = _exhibit(session, gwent_case, "ZC/1")
        south = _exhibit(session, south_case, "ZC/1")  # the same label, another force
        alone = _exhibit(session, gwent_case, "ZC/2")  # Gwent's reference alone
        store_triage_run(session, "ZC/1", matched=2, case=gwent_case.reference)
        store_triage_run(session, "ZC/1", matched=3, case=south_case.reference)
        store_triage_run(session, "ZC/1", matched=5)  # names no case: neither's
        store_triage_run(session, "ZC/2", matched=7)  # names no case: the one exhibit's
    examiners = {
        "gwent": bearer(Role.EXAMINER, "gwent"),
        "south-wales": bearer(Role.EXAMINER, "south-wales"),
    }

    def matched(exhibit: int, force: str) -> list[int]:
        answer = client.get(f"/api/v1/exhibits/{exhibit}", headers=examiners[force])
        assert answer.status_code == 200, answer.text
        runs = [run["files_matched"] for run in answer.json()["triage_runs"]]
        page = client.get(f"/operation/exhibits/{exhibit}", headers=examiners[force]).text
        shown = re.findall(r'<dd class="triage-matched">(\d+)</dd>', page)
        assert sorted(int(n) for n in shown) == sorted(runs)
        return runs

    assert matched(gwent, "gwent") == [2]
    assert matched(south, "south-wales") == [3]
    assert matched(alone, "gwent") == [7]
