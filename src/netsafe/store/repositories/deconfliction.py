"""Deconfliction in SQL: read notices, links and lookups within a viewer's scope."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from sqlalchemy import ColumnElement, and_, func, select, union_all
from sqlalchemy.orm import Session, aliased

from netsafe.intake.deconfliction import Carrier, IdentifierLookup, Link, Notice
from netsafe.operation.referrals import referral_reference
from netsafe.platform.access import Scope
from netsafe.store.models.deconfliction import DeconflictionKeyRow, DeconflictionLinkRow
from netsafe.store.models.operation import ReferralAccessRow, ReferralRow
from netsafe.store.repositories.operation_scope import scope_clause
from netsafe.timestamps import as_utc


class SqlDeconflictionRepository:
    """Deconfliction notices, links and lookups of one session (keys and links are written by
    `netsafe.store.repositories.deconfliction_keys`)."""

    def __init__(self, session: Session) -> None:
        self._session = session

    def _notices(
        self, scope: Scope, condition: Callable[[Any], ColumnElement[bool]], limit: int
    ) -> list[Notice]:
        """The notices of the referrals `condition` (of a referral id column) picks: a link is
        stored once a pair, so it is read from each side (the lower id, then the higher)."""
        mine, other = aliased(ReferralRow), aliased(ReferralRow)
        stored = DeconflictionLinkRow
        link = union_all(
            select(
                stored.referral_id.label("referral_id"),
                stored.other_referral_id.label("other_referral_id"),
                stored.kind.label("kind"),
                stored.created_at.label("created_at"),
            ).where(condition(stored.referral_id)),
            select(
                stored.other_referral_id,
                stored.referral_id,
                stored.kind,
                stored.created_at,
            ).where(condition(stored.other_referral_id)),
        ).subquery("link")
        named = (
            select(ReferralAccessRow.referral_id)
            .where(
                ReferralAccessRow.referral_id == other.id,
                ReferralAccessRow.username == scope.username,
            )
            .exists()
        )
        query = (
            select(
                mine.id,
                mine.received_at,
                mine.force,
                link.c.kind,
                other.id,
                other.received_at,
                other.force,
                and_(other.restricted, ~named),
                func.min(link.c.created_at),
            )
            .select_from(link)
            .join(mine, mine.id == link.c.referral_id)
            .join(other, other.id == link.c.other_referral_id)
            .where(mine.force != other.force, mine.withdrawn_at.is_(None))
            .where(other.withdrawn_at.is_(None))
            .group_by(
                mine.id,
                mine.received_at,
                mine.force,
                link.c.kind,
                other.id,
                other.received_at,
                other.force,
                other.restricted,
            )
            .order_by(func.min(link.c.created_at).desc(), mine.id.desc(), other.id)
            .limit(limit)
        )
        return [
            Notice(
                referral_id=rid,
                reference=referral_reference(rid, received),
                force=force,
                kind=kind,
                other_force=other_force,
                other_reference=None if hidden else referral_reference(oid, other_received),
                found_at=as_utc(found),
            )
            for rid, received, force, kind, oid, other_received, other_force, hidden, found in (
                self._session.execute(query).all()
            )
        ]

    def referral_notices(self, scope: Scope, referral_id: int, limit: int = 200) -> list[Notice]:
        """Notices of one referral (the caller has checked that the viewer may see it)."""
        return self._notices(scope, lambda column: column == referral_id, limit)

    def scope_notices(self, scope: Scope, limit: int = 50) -> list[Notice]:
        """Notices of every referral the scope sees, newest first (the dashboard's)."""
        mine = select(ReferralRow.id).where(scope_clause(scope))
        return self._notices(scope, lambda column: column.in_(mine), limit)

    def links(self, *, limit: int, offset: int) -> tuple[list[Link], int]:
        """Every link, one row a pair, newest first, and how many there are (the operation
        lead's page)."""
        mine, other = aliased(ReferralRow), aliased(ReferralRow)
        link = DeconflictionLinkRow
        total = self._session.scalar(select(func.count()).select_from(link)) or 0
        rows = self._session.execute(
            select(
                mine.id,
                mine.received_at,
                mine.force,
                other.id,
                other.received_at,
                other.force,
                link.kind,
                link.created_at,
            )
            .join(mine, mine.id == link.referral_id)
            .join(other, other.id == link.other_referral_id)
            .order_by(link.created_at.desc(), link.id.desc())
            .limit(limit)
            .offset(offset)
        ).all()
        return [
            Link(
                referral_id=a,
                reference=referral_reference(a, a_received),
                force=a_force,
                other_referral_id=b,
                other_reference=referral_reference(b, b_received),
                other_force=b_force,
                kind=kind,
                found_at=as_utc(found),
            )
            for a, a_received, a_force, b, b_received, b_force, kind, found in rows
        ], total

    def lookup(self, scope: Scope, value: str, keys: tuple[str, ...]) -> IdentifierLookup:
        """The referrals the scope sees whose identifiers have one of `keys` as their value
        key, and how many others do."""
        keyed = DeconflictionKeyRow
        total = (
            self._session.scalar(
                select(func.count(func.distinct(keyed.referral_id))).where(
                    keyed.value_key.in_(keys)
                )
            )
            or 0
        )
        rows = self._session.execute(
            select(ReferralRow.id, ReferralRow.received_at, ReferralRow.force, keyed.kind)
            .join(keyed, keyed.referral_id == ReferralRow.id)
            .where(keyed.value_key.in_(keys), scope_clause(scope))
            .distinct()
            .order_by(ReferralRow.id)
        ).all()
        visible = tuple(
            Carrier(rid, referral_reference(rid, received), force, kind)
            for rid, received, force, kind in rows
        )
        return IdentifierLookup(value, visible, total - len({c.referral_id for c in visible}))
