"""Deconfliction in SQL: index an imported referral's identifiers as keys, link it to every
referral sharing one, and read notices, links and lookups within a viewer's scope."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import ColumnElement, and_, func, insert, select
from sqlalchemy.orm import Session, aliased

from netsafe.intake.deconfliction import Carrier, IdentifierLookup, Link, Notice
from netsafe.intake.identifier_keys import (
    COMMON_KEY_REFERRALS,
    IP_WINDOW,
    identifier_key,
    value_key,
)
from netsafe.operation.referrals import referral_reference
from netsafe.platform.access import Scope
from netsafe.store.models.deconfliction import DeconflictionKeyRow, DeconflictionLinkRow
from netsafe.store.models.intake import IntakeIdentifierRow
from netsafe.store.models.operation import ReferralAccessRow, ReferralRow
from netsafe.store.repositories.operation_scope import scope_clause
from netsafe.timestamps import as_utc

IP = "ip-address"


@dataclass(frozen=True, slots=True)
class _Key:
    kind: str
    key: str
    value_key: str
    seen_at: datetime | None


def _keys(rows: Iterable[tuple[str, str, str | None, datetime | None]]) -> list[_Key]:
    seen: dict[tuple[str, str, datetime | None], _Key] = {}
    for kind, value, qualifier, seen_at in rows:
        key = identifier_key(kind, value, qualifier)
        if not key or (kind == IP and seen_at is None):
            continue  # a bare IP address is never linked (carrier-grade NAT)
        moment = None if seen_at is None else as_utc(seen_at)
        seen.setdefault((kind, key, moment), _Key(kind, key, value_key(kind, value), moment))
    return list(seen.values())


def _close_in_time(a: datetime | None, b: datetime | None) -> bool:
    return a is not None and b is not None and abs(as_utc(a) - as_utc(b)) <= IP_WINDOW


class SqlDeconflictionRepository:
    """Deconfliction keys and links of one session."""

    def __init__(self, session: Session) -> None:
        self._session = session

    def index_referral(self, referral_id: int, now: datetime) -> int:
        """Key the referral's reported identifiers and link it, both ways, to each referral
        sharing one (an IP address only within `IP_WINDOW`; a key carried by more than
        `COMMON_KEY_REFERRALS` referrals is not linked). Returns the links added (pairs)."""
        session = self._session
        rows = session.execute(
            select(
                IntakeIdentifierRow.kind,
                IntakeIdentifierRow.value,
                IntakeIdentifierRow.qualifier,
                IntakeIdentifierRow.seen_at,
            ).where(IntakeIdentifierRow.referral_id == referral_id)
        ).all()
        keys = _keys((r[0], r[1], r[2], r[3]) for r in rows)
        if not keys:
            return 0
        wanted = sorted({k.key for k in keys})
        counts = session.execute(
            select(
                DeconflictionKeyRow.kind,
                DeconflictionKeyRow.key,
                func.count(func.distinct(DeconflictionKeyRow.referral_id)),
            )
            .where(DeconflictionKeyRow.key.in_(wanted))
            .group_by(DeconflictionKeyRow.kind, DeconflictionKeyRow.key)
        ).all()
        common = {(kind, key) for kind, key, n in counts if n >= COMMON_KEY_REFERRALS}
        linkable = {(k.kind, k.key) for k in keys} & {(kind, key) for kind, key, _ in counts}
        pairs: dict[tuple[int, str, str], None] = {}
        if linkable - common:
            mine = defaultdict(list)
            for k in keys:
                mine[(k.kind, k.key)].append(k.seen_at)
            others = session.execute(
                select(
                    DeconflictionKeyRow.referral_id,
                    DeconflictionKeyRow.kind,
                    DeconflictionKeyRow.key,
                    DeconflictionKeyRow.seen_at,
                ).where(
                    DeconflictionKeyRow.key.in_(sorted({key for _, key in linkable - common})),
                    DeconflictionKeyRow.referral_id != referral_id,
                )
            ).all()
            for other_id, kind, key, seen_at in others:
                if (kind, key) not in linkable or (kind, key) in common:
                    continue
                if kind == IP and not any(_close_in_time(seen_at, m) for m in mine[(kind, key)]):
                    continue
                pairs[(other_id, kind, key)] = None
        session.execute(
            insert(DeconflictionKeyRow),
            [
                {
                    "referral_id": referral_id,
                    "kind": k.kind,
                    "key": k.key,
                    "value_key": k.value_key,
                    "seen_at": k.seen_at,
                }
                for k in keys
            ],
        )
        if pairs:
            session.execute(
                insert(DeconflictionLinkRow),
                [
                    {
                        "referral_id": a,
                        "other_referral_id": b,
                        "kind": kind,
                        "key": key,
                        "created_at": now,
                    }
                    for other_id, kind, key in pairs
                    for a, b in ((referral_id, other_id), (other_id, referral_id))
                ],
            )
        return len(pairs)

    def _notices(self, scope: Scope, condition: ColumnElement[bool], limit: int) -> list[Notice]:
        mine, other = aliased(ReferralRow), aliased(ReferralRow)
        link = DeconflictionLinkRow
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
                link.kind,
                other.id,
                other.received_at,
                other.force,
                and_(other.restricted, ~named),
                func.min(link.created_at),
            )
            .join(mine, mine.id == link.referral_id)
            .join(other, other.id == link.other_referral_id)
            .where(condition, mine.force != other.force, mine.withdrawn_at.is_(None))
            .where(other.withdrawn_at.is_(None))
            .group_by(
                mine.id,
                mine.received_at,
                mine.force,
                link.kind,
                other.id,
                other.received_at,
                other.force,
                other.restricted,
            )
            .order_by(func.min(link.created_at).desc(), mine.id.desc(), other.id)
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
        return self._notices(scope, DeconflictionLinkRow.referral_id == referral_id, limit)

    def scope_notices(self, scope: Scope, limit: int = 50) -> list[Notice]:
        """Notices of every referral the scope sees, newest first (the dashboard's)."""
        mine = select(ReferralRow.id).where(scope_clause(scope))
        return self._notices(scope, DeconflictionLinkRow.referral_id.in_(mine), limit)

    def links(self, *, limit: int, offset: int) -> tuple[list[Link], int]:
        """Every link, one row a pair, newest first, and how many there are (the operation
        lead's page)."""
        mine, other = aliased(ReferralRow), aliased(ReferralRow)
        link = DeconflictionLinkRow
        pair = link.referral_id < link.other_referral_id
        total = self._session.scalar(select(func.count()).select_from(link).where(pair)) or 0
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
            .where(pair)
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
