"""The regional unit's queue of imported referrals awaiting a force, assigning one, and the
report behind a referral."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime

from sqlalchemy.orm import Session

from netsafe.intake.records import IntakeRecord, UnassignedReferral
from netsafe.operation import referrals as casework
from netsafe.platform.access import OperationInputError
from netsafe.platform.roles import Viewer
from netsafe.store.repositories.intake import SqlIntakeRepository
from netsafe.store.repositories.operation_referrals import SqlReferralRepository
from netsafe.usecases.intake_setup import Audit, require_force, require_intake_role


def unassigned_queue(
    session: Session, viewer: Viewer, *, limit: int = 50, offset: int = 0
) -> tuple[list[UnassignedReferral], int]:
    """The regional unit's queue of imported referrals awaiting a force, and its length."""
    require_intake_role(viewer)
    intake = SqlIntakeRepository(session)
    limit = max(1, min(limit, 500))
    return intake.unassigned(limit=limit, offset=max(0, offset)), intake.count_unassigned()


def assign_referral(
    session: Session, viewer: Viewer, referral_id: int, force: str, *, audit: Audit
) -> casework.Referral:
    """A person gives a referral waiting in the regional unit's queue its force (audited)."""
    require_intake_role(viewer)
    require_force(force)
    referrals = SqlReferralRepository(session)
    referral = casework.get_referral(referrals, viewer, referral_id)
    now = datetime.now(UTC)
    reason = f"assigned to {force} by {viewer.username}"
    if not SqlIntakeRepository(session).assign(
        referral.id, force, by=viewer.username, at=now, reason=reason
    ):
        raise OperationInputError("referral", "this referral is not waiting for a force")
    audit(session, "referral.assign", "referral", referral.id, f"to {force}")
    return replace(referral, force=force)


def intake_record(session: Session, viewer: Viewer, referral_id: int) -> IntakeRecord | None:
    """The report behind a referral the viewer may see (None: it was not imported)."""
    referral = casework.get_referral(SqlReferralRepository(session), viewer, referral_id)
    return SqlIntakeRepository(session).record(referral.id)
