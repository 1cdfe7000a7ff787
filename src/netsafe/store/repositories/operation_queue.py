"""SQL implementation of `netsafe.operation.queue_filters.FilteredQueueRepository`: the referral
queue under filters, with its count. Both read the same conditions; the open-referral condition
is written as the partial indexes' (a literal), so the planner uses them when it can."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, Select, and_, false, func, or_, select, text
from sqlalchemy.orm import Session

from netsafe.operation.queue_filters import (
    OPEN_STATUSES,
    UNASSESSED,
    Breach,
    QueueFilter,
)
from netsafe.operation.referrals import Referral, ReferralStatus
from netsafe.platform.access import Scope
from netsafe.store.models.operation import OPEN_CONDITION, ReferralAccessRow, ReferralRow
from netsafe.store.repositories.operation_referrals import _listed
from netsafe.store.repositories.operation_scope import scope_clause

_OPEN = text(f"referrals.{OPEN_CONDITION}")
_ACCESS = ReferralAccessRow.__table__


def breached_clause(now: datetime) -> ColumnElement[bool]:
    """Answered after the deadline, or still awaited past it (`Referral.breached`)."""
    return or_(
        ReferralRow.responded_at > ReferralRow.deadline_at,
        and_(ReferralRow.responded_at.is_(None), ReferralRow.deadline_at < now),
    )


def kept_clause(now: datetime) -> ColumnElement[bool]:
    """Answered by the deadline, or still awaited before it (not `breached_clause`, written
    without NOT: a NULL response time would make the negation unknown)."""
    return or_(
        and_(
            ReferralRow.responded_at.is_not(None),
            ReferralRow.responded_at <= ReferralRow.deadline_at,
        ),
        and_(ReferralRow.responded_at.is_(None), ReferralRow.deadline_at >= now),
    )


def filter_conditions(scope: Scope, wanted: QueueFilter, now: datetime) -> list[Any]:
    """The WHERE conditions of `wanted` within `scope`."""
    conditions: list[Any] = [scope_clause(scope)]
    statuses = set(wanted.statuses)
    if statuses == set(OPEN_STATUSES):
        conditions.append(_OPEN)
    elif statuses != set(ReferralStatus):
        conditions.append(ReferralRow.status.in_(sorted(s.value for s in statuses)))
    if wanted.forces:
        conditions.append(ReferralRow.force.in_(sorted(wanted.forces)))
    if wanted.bands:
        bands = [b for b in wanted.bands if b != UNASSESSED]
        either = [ReferralRow.risk_band.in_(sorted(bands))] if bands else []
        if UNASSESSED in wanted.bands:
            either.append(ReferralRow.risk_band.is_(None))
        conditions.append(or_(false(), *either))
    if wanted.sources:
        conditions.append(ReferralRow.source.in_(sorted(s.value for s in wanted.sources)))
    if wanted.received_from is not None:
        conditions.append(ReferralRow.received_at >= wanted.received_from)
    if wanted.received_before is not None:
        conditions.append(ReferralRow.received_at < wanted.received_before)
    if wanted.breached is Breach.YES:
        conditions.append(breached_clause(now))
    elif wanted.breached is Breach.NO:
        conditions.append(kept_clause(now))
    if wanted.awaiting_only or wanted.due_before is not None:
        conditions.append(ReferralRow.responded_at.is_(None))
    if wanted.due_before is not None:
        conditions.append(ReferralRow.deadline_at >= now)
        conditions.append(ReferralRow.deadline_at < wanted.due_before)
    return conditions


def listed_referrals(session: Session, rows: Sequence[Any]) -> list[Referral]:
    """Referrals as a list shows them, from `referrals` rows (restricted ones with their names)."""
    restricted = [row.id for row in rows if row.restricted]
    named: dict[int, list[str]] = {}
    if restricted:
        access = (
            select(_ACCESS.c.referral_id, _ACCESS.c.username)
            .where(_ACCESS.c.referral_id.in_(restricted))
            .order_by(_ACCESS.c.username)
        )
        for referral_id, username in session.connection().execute(access):
            named.setdefault(referral_id, []).append(username)
    return [_listed(row, tuple(named.get(row.id, ()))) for row in rows]


class SqlFilteredQueue:
    """The filtered referral queue in the caller's session."""

    def __init__(self, session: Session) -> None:
        self._session = session

    def _where(self, query: Select[Any], scope: Scope, wanted: QueueFilter, now: datetime) -> Any:
        return query.where(*filter_conditions(scope, wanted, now))

    def filtered(
        self, scope: Scope, wanted: QueueFilter, now: datetime, *, limit: int, offset: int
    ) -> list[Referral]:
        self._session.flush()
        query = self._where(select(ReferralRow.__table__), scope, wanted, now)
        query = query.order_by(ReferralRow.deadline_at, ReferralRow.id).limit(limit).offset(offset)
        rows = self._session.connection().execute(query).all()
        return listed_referrals(self._session, rows)

    def count(self, scope: Scope, wanted: QueueFilter, now: datetime) -> int:
        query = self._where(select(func.count()).select_from(ReferralRow), scope, wanted, now)
        return int(self._session.scalar(query) or 0)
