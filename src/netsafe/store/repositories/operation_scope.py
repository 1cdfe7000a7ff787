"""A viewer's `Scope` as a SQL condition on the `referrals` table."""

from __future__ import annotations

from sqlalchemy import ColumnElement, and_, exists, or_, select, true

from netsafe.operation.access import Scope
from netsafe.store.models.operation import ReferralAccessRow, ReferralRow


def scope_clause(scope: Scope) -> ColumnElement[bool]:
    """Referrals of the scope's forces that are not restricted, or name the scope's user."""
    named = exists(
        select(ReferralAccessRow.referral_id).where(
            ReferralAccessRow.referral_id == ReferralRow.id,
            ReferralAccessRow.username == scope.username,
        )
    )
    forces = true() if scope.forces is None else ReferralRow.force.in_(sorted(scope.forces))
    return and_(forces, or_(ReferralRow.restricted.is_(False), named))
