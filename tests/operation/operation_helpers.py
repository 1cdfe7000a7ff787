"""Helpers for the operation tests: synthetic viewers, a referral maker and fixed times."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from netsafe.operation.casefile import CaseRepositories
from netsafe.operation.referrals import NewReferral, Referral, create_referral
from netsafe.platform.roles import Role, Viewer

NOW = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)

GWENT_INVESTIGATOR = Viewer(1, "gwent.investigator", "gwent", Role.INVESTIGATOR)
GWENT_COLLEAGUE = Viewer(2, "gwent.colleague", "gwent", Role.INVESTIGATOR)
SOUTH_WALES_INVESTIGATOR = Viewer(3, "sw.investigator", "south-wales", Role.INVESTIGATOR)
OPERATION_LEAD = Viewer(4, "op.lead", "regional-unit", Role.OPERATION_LEAD)
ANALYST = Viewer(5, "analyst", "regional-unit", Role.ANALYST)
HELPLINE = Viewer(6, "helpline.worker", "charity", Role.HELPLINE)


def make_referral(
    repos: CaseRepositories,
    *,
    force: str = "gwent",
    received: datetime = NOW - timedelta(days=1),
    by: Viewer = OPERATION_LEAD,
    summary: str = "Synthetic referral for tests",
    restricted_to: tuple[str, ...] = (),
) -> Referral:
    return create_referral(
        repos.referrals,
        NewReferral(
            source="national-referral",
            force=force,
            received_at=received,
            summary=summary,
            restricted_to=restricted_to,
        ),
        by=by,
        now=NOW,
    )
