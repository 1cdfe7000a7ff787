"""Referrals: creation rules, visibility by force, restriction and role, the queue and breaches."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy.orm import Session

from netsafe.operation.casefile import CaseRepositories
from netsafe.operation.referrals import (
    IdentifierKind,
    IncidentDetails,
    NewReferral,
    ReferralStatus,
    ReportedFile,
    ReportedIdentifier,
    create_referral,
    get_referral,
    queue_summary,
    record_response,
    referral_queue,
    restrict_referral,
)
from netsafe.platform.access import AccessDeniedError, OperationInputError, RecordNotFoundError
from netsafe.store.repositories.operation import case_repositories
from tests.operation.operation_helpers import (
    ANALYST,
    GWENT_COLLEAGUE,
    GWENT_INVESTIGATOR,
    HELPLINE,
    NOW,
    OPERATION_LEAD,
    SOUTH_WALES_INVESTIGATOR,
    make_referral,
)


@pytest.fixture
def repos(session: Session) -> CaseRepositories:
    return case_repositories(session)


def test_a_referral_keeps_its_incident_details(repos: CaseRepositories) -> None:
    incident = IncidentDetails(
        incident_type="Possession (synthetic test)",
        incident_at=NOW - timedelta(days=3),
        identifiers=(
            ReportedIdentifier(IdentifierKind.ACCOUNT, "zebra-test-account"),
            ReportedIdentifier(IdentifierKind.IP_ADDRESS, "192.0.2.10"),
        ),
        files=(ReportedFile("holiday.jpg", md5="D41D8CD98F00B204E9800998ECF8427E"),),
    )
    referral = create_referral(
        repos.referrals,
        NewReferral("national-referral", "gwent", NOW - timedelta(hours=2), "Synthetic", incident),
        by=GWENT_INVESTIGATOR,
        now=NOW,
    )
    stored = get_referral(repos.referrals, GWENT_INVESTIGATOR, referral.id)
    assert stored.id > 0
    assert stored.reference == f"NS-2026-{referral.id:06d}"
    assert stored.status is ReferralStatus.NEW
    assert stored.incident.identifiers == incident.identifiers
    assert stored.incident.files[0].md5 == "d41d8cd98f00b204e9800998ecf8427e"
    assert stored.incident.incident_at == NOW - timedelta(days=3)
    assert stored.deadline_at == NOW - timedelta(hours=2) + timedelta(days=2)
    assert stored.created_by == "gwent.investigator"


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"source": "pigeon"}, "source"),
        ({"force": "atlantis"}, "force"),
        ({"summary": "  "}, "summary"),
        ({"received_at": NOW + timedelta(days=1)}, "received_at"),
        ({"received_at": NOW.replace(tzinfo=None)}, "received_at"),
        (
            {"incident": IncidentDetails(files=(ReportedFile("x", md5="abc"),))},
            "incident.files[0].md5",
        ),
        (
            {
                "incident": IncidentDetails(
                    identifiers=(ReportedIdentifier(IdentifierKind.IP_ADDRESS, "999.1.1.1"),)
                )
            },
            "incident.identifiers[0]",
        ),
    ],
)
def test_bad_referrals_name_the_field(
    repos: CaseRepositories, change: dict[str, object], field: str
) -> None:
    values: dict[str, object] = {
        "source": "partner",
        "force": "gwent",
        "received_at": NOW - timedelta(hours=1),
        "summary": "Synthetic",
    }
    values.update(change)
    with pytest.raises(OperationInputError) as error:
        create_referral(repos.referrals, NewReferral(**values), by=OPERATION_LEAD, now=NOW)  # type: ignore[arg-type]
    assert error.value.field == field


def test_anonymous_referrals_are_public_reports_only(repos: CaseRepositories) -> None:
    public = create_referral(
        repos.referrals,
        NewReferral("public-report", "regional-unit", NOW, "A concern about a website"),
        by=None,
        now=NOW,
    )
    assert public.created_by is None
    with pytest.raises(OperationInputError, match="public reports only"):
        create_referral(
            repos.referrals, NewReferral("partner", "gwent", NOW, "x"), by=None, now=NOW
        )


def test_police_users_create_only_for_their_force(repos: CaseRepositories) -> None:
    with pytest.raises(OperationInputError) as error:
        make_referral(repos, force="south-wales", by=GWENT_INVESTIGATOR)
    assert error.value.field == "force"
    with pytest.raises(AccessDeniedError):
        make_referral(repos, by=HELPLINE)


def test_visibility_by_force_role_and_restriction(repos: CaseRepositories) -> None:
    gwent = make_referral(repos, force="gwent")
    restricted = make_referral(repos, force="gwent", restricted_to=("gwent.investigator",))
    # the restricting user is kept on the list
    assert restricted.restricted_to == ("gwent.investigator", "op.lead")

    assert get_referral(repos.referrals, GWENT_INVESTIGATOR, gwent.id) == gwent
    assert get_referral(repos.referrals, ANALYST, gwent.id).id == gwent.id
    with pytest.raises(RecordNotFoundError):
        get_referral(repos.referrals, SOUTH_WALES_INVESTIGATOR, gwent.id)
    with pytest.raises(AccessDeniedError):
        get_referral(repos.referrals, HELPLINE, gwent.id)
    with pytest.raises(RecordNotFoundError):
        get_referral(repos.referrals, GWENT_COLLEAGUE, restricted.id)
    with pytest.raises(RecordNotFoundError):
        get_referral(repos.referrals, ANALYST, restricted.id)
    assert get_referral(repos.referrals, GWENT_INVESTIGATOR, restricted.id).id == restricted.id

    def queue_ids(viewer: object) -> set[int]:
        return {r.id for r in referral_queue(repos.referrals, viewer)}  # type: ignore[arg-type]

    assert queue_ids(GWENT_INVESTIGATOR) == {gwent.id, restricted.id}
    assert queue_ids(GWENT_COLLEAGUE) == {gwent.id}
    assert queue_ids(SOUTH_WALES_INVESTIGATOR) == set()
    assert queue_ids(OPERATION_LEAD) == {gwent.id, restricted.id}

    lifted = restrict_referral(repos.referrals, GWENT_INVESTIGATOR, restricted.id, ())
    assert lifted.restricted_to == ()
    assert queue_ids(GWENT_COLLEAGUE) == {gwent.id, restricted.id}


def test_queue_is_ordered_by_deadline_and_breaches_are_counted(repos: CaseRepositories) -> None:
    late = make_referral(repos, received=NOW - timedelta(days=5))  # due 3 days ago
    soon = make_referral(repos, received=NOW - timedelta(days=1, hours=12))  # due in 12 h
    later = make_referral(repos, received=NOW - timedelta(hours=1))  # due in ~2 days
    answered_late = make_referral(repos, received=NOW - timedelta(days=10))
    record_response(repos.referrals, answered_late, NOW - timedelta(days=2))
    answered_in_time = make_referral(repos, received=NOW - timedelta(days=4))
    record_response(repos.referrals, answered_in_time, NOW - timedelta(days=3))

    queue = referral_queue(repos.referrals, OPERATION_LEAD, awaiting_only=True)
    assert [r.id for r in queue] == [late.id, soon.id, later.id]
    everything = referral_queue(repos.referrals, OPERATION_LEAD)
    assert [r.deadline_at for r in everything] == sorted(r.deadline_at for r in everything)

    summary = queue_summary(repos.referrals, OPERATION_LEAD, now=NOW)
    assert summary.open == 5
    assert summary.awaiting_response == 3
    assert summary.breached == 2  # the late open one and the one answered after its deadline
    assert summary.breached_open == 1
    assert summary.due_within_24h == 1
    assert summary.by_band == {"unassessed": 5}
    assert summary.by_force == {"gwent": 5}
    assert late.breached(NOW)
    assert not soon.breached(NOW)
    assert queue_summary(repos.referrals, SOUTH_WALES_INVESTIGATOR, now=NOW).open == 0
