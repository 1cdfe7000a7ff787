"""The date rules of casework (netsafe.operation.dates): no record dated in the future, before
the referral was received, a warrant executed before its grant, a seizure before the warrant it
names, or a custody step before the previous one; each refusal names the field and the rule."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy.orm import Session

from netsafe.operation.arrests import record_arrest
from netsafe.operation.casefile import CaseRepositories
from netsafe.operation.dates import CLOCK_SKEW, check_case_time
from netsafe.operation.exhibits import hand_over, record_exhibit
from netsafe.operation.outcomes import record_outcome
from netsafe.operation.referrals import Referral
from netsafe.operation.safeguarding import record_safeguarding
from netsafe.operation.subjects import add_subject
from netsafe.operation.warrants import Warrant, apply_for_warrant, decide_warrant, execute_warrant
from netsafe.platform.access import OperationInputError
from netsafe.store.repositories.operation import case_repositories
from tests.operation.operation_helpers import GWENT_INVESTIGATOR, NOW, make_referral

V = GWENT_INVESTIGATOR
RECEIVED = NOW - timedelta(days=2)
FUTURE = datetime.now(UTC) + timedelta(days=1)


@pytest.fixture
def repos(session: Session) -> CaseRepositories:
    return case_repositories(session)


@pytest.fixture
def referral(repos: CaseRepositories) -> Referral:
    return make_referral(repos, received=RECEIVED)


def refused(field: str, rule: str) -> pytest.RaisesExc[OperationInputError]:
    return pytest.raises(OperationInputError, match=f"^{field}: {rule}")


def granted_warrant(repos: CaseRepositories, referral: Referral) -> Warrant:
    warrant = apply_for_warrant(
        repos,
        V,
        referral.id,
        premises="1 Test Row",
        applied_at=NOW - timedelta(days=1),
    )
    return decide_warrant(
        repos.referrals, repos.warrants, V, warrant.id, granted=True, at=NOW - timedelta(hours=20)
    )


def test_the_rule_allows_a_little_clock_skew_only(referral: Referral) -> None:
    now = datetime.now(UTC)
    ahead = now + CLOCK_SKEW - timedelta(seconds=30)
    assert check_case_time(ahead, "at", referral, now=now) == ahead
    with refused("at", "in the future"):
        check_case_time(now + CLOCK_SKEW + timedelta(seconds=1), "at", referral, now=now)
    with refused("at", "before the referral was received"):
        check_case_time(RECEIVED - timedelta(seconds=1), "at", referral, now=now)
    assert check_case_time(RECEIVED, "at", referral, now=now) == RECEIVED


def test_arrest_safeguarding_and_outcome_dates(repos: CaseRepositories, referral: Referral) -> None:
    subject = add_subject(repos, V, referral.id, display_name="Subject A")
    for when, rule in ((FUTURE, "in the future"), (RECEIVED - timedelta(1), "before the referral")):
        with refused("arrested_at", rule):
            record_arrest(
                repos,
                V,
                subject.id,
                arrested_at=when,
                location="Home address",
                grounds="Synthetic grounds",
            )
        with refused("recorded_at", rule):
            record_safeguarding(
                repos,
                V,
                referral.id,
                children_identified=0,
                children_safeguarded=0,
                referred_to_childrens_services=False,
                recorded_at=when,
            )
        with refused("decided_at", rule):
            record_outcome(
                repos,
                V,
                referral.id,
                kind="no-further-action",
                decided_at=when,
            )
    assert repos.arrests.for_referral(referral.id) == []
    assert repos.outcomes.for_referral(referral.id) == []


def test_warrant_dates(repos: CaseRepositories, referral: Referral) -> None:
    with refused("applied_at", "before the referral was received"):
        apply_for_warrant(
            repos,
            V,
            referral.id,
            premises="1 Test Row",
            applied_at=RECEIVED - timedelta(hours=1),
        )
    warrant = granted_warrant(repos, referral)
    assert warrant.granted_at is not None
    with refused("executed_at", "before the warrant was granted"):
        execute_warrant(
            repos.referrals,
            repos.warrants,
            V,
            warrant.id,
            at=warrant.granted_at - timedelta(minutes=1),
            result="devices-seized",
        )
    with refused("executed_at", "in the future"):
        execute_warrant(
            repos.referrals, repos.warrants, V, warrant.id, at=FUTURE, result="devices-seized"
        )


def seize(
    repos: CaseRepositories, referral: Referral, at: datetime, warrant_id: int | None = None
) -> None:
    record_exhibit(
        repos,
        V,
        referral.id,
        reference=f"GWP/D/{at:%H%M%S}",
        device_type="phone",
        seal_number="SEAL-D",
        seized_at=at,
        seized_from="Test address",
        warrant_id=warrant_id,
    )


def test_seizure_not_before_the_warrant_it_names(
    repos: CaseRepositories, referral: Referral
) -> None:
    warrant = granted_warrant(repos, referral)
    with refused("seized_at", "before the warrant it names"):
        seize(repos, referral, NOW - timedelta(hours=21), warrant.id)
    executed = execute_warrant(
        repos.referrals, repos.warrants, V, warrant.id, at=NOW, result="devices-seized"
    )
    assert executed.executed_at == NOW
    with refused("seized_at", "before the warrant it names"):
        seize(repos, referral, NOW - timedelta(minutes=1), warrant.id)
    with refused("seized_at", "in the future"):
        seize(repos, referral, FUTURE, warrant.id)
    seize(repos, referral, NOW + timedelta(minutes=30), warrant.id)
    seize(repos, referral, NOW - timedelta(hours=21))  # no warrant named: the referral bounds it
    assert len(repos.exhibits.for_referral(referral.id)) == 2


def test_custody_steps_in_order_and_not_in_the_future(
    repos: CaseRepositories, referral: Referral
) -> None:
    seize(repos, referral, NOW)
    (exhibit,) = repos.exhibits.for_referral(referral.id)
    for when, rule in (
        (NOW - timedelta(minutes=1), "before the previous step"),
        (FUTURE, "in the future"),
    ):
        with refused("at", rule):
            hand_over(
                repos,
                V,
                exhibit.id,
                handed_to="store.keeper",
                at=when,
                location="Property store",
            )
    assert repos.custody.for_referral(referral.id) == []
