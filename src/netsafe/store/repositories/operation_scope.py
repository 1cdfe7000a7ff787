"""A viewer's `Scope` as a SQL condition on the `referrals` table."""

from __future__ import annotations

from sqlalchemy import BindParameter, ColumnElement, and_, exists, or_, select, true

from netsafe.platform.access import Scope
from netsafe.store.models.operation import ReferralAccessRow, ReferralRow


def scope_clause(scope: Scope) -> ColumnElement[bool]:
    """Referrals of the scope's forces that are not restricted, or name the scope's user."""
    return forces_clause(scope.forces, scope.username)


def forces_clause(
    forces: frozenset[str] | None, username: str | BindParameter[str]
) -> ColumnElement[bool]:
    """`scope_clause` from its parts; `username` may be a bound parameter, so that a statement
    built once serves every user of the same forces."""
    named = exists(
        select(ReferralAccessRow.referral_id).where(
            ReferralAccessRow.referral_id == ReferralRow.id,
            ReferralAccessRow.username == username,
        )
    )
    in_forces = true() if forces is None else ReferralRow.force.in_(sorted(forces))
    return and_(in_forces, or_(ReferralRow.restricted.is_(False), named))
