"""Deconfliction keys in SQL: key referrals' identifiers and link each to every referral that
shares one, many referrals at a time.

A batch is linked as if its referrals were indexed one after the other, in order: each is
linked to the referrals stored before it and to those before it in the batch, under the same
rules (an IP address only within `IP_WINDOW`; a key already carried by `common_at(kind)`
referrals or more is common and not linked; a file hash the lists know is not linked). A pair
of referrals is linked once a kind of identifier, lower id first, whatever number of keys of
that kind they share. The keys already stored are read with one query per 500 keys, the new
keys and links written at once (`insert_rows`: COPY on PostgreSQL).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import cast

from sqlalchemy import Table, delete, func, or_, select, text
from sqlalchemy.orm import Session

from netsafe.intake.identifier_keys import (
    FILE_HASH,
    IP_WINDOW,
    common_at,
    identifier_key,
    value_key,
)
from netsafe.store.bulk_rows import insert_rows
from netsafe.store.models.deconfliction import DeconflictionKeyRow, DeconflictionLinkRow
from netsafe.store.models.intake import IntakeFileMatchRow, IntakeFileRow, IntakeIdentifierRow
from netsafe.store.models.operation import (
    ReferralFileMatchRow,
    ReferralFileRow,
    ReferralIdentifierRow,
    ReferralRow,
)
from netsafe.timestamps import as_utc

IP = "ip-address"
CHUNK = 500
_KEYS = cast(Table, DeconflictionKeyRow.__table__)
_LINKS = cast(Table, DeconflictionLinkRow.__table__)
_KEY_COLUMNS = ("referral_id", "kind", "key", "value_key", "seen_at")
_LINK_COLUMNS = ("referral_id", "other_referral_id", "kind", "key", "created_at")
#: An identifier as stored: kind, value, qualifier (the service of a screen name), capture time.
Identifier = tuple[str, str, str | None, datetime | None]
#: The deconfliction kind of each kind of hand-typed identifier (`referral_identifiers`): an
#: account typed in names no service, so it is the same only as another account without one.
HAND_TYPED_KINDS = {
    "account": "screen-name",
    "email": "email",
    "ip-address": "ip-address",
    "device": "device-id",
    "phone": "phone",
    "url": "profile-url",
}


@dataclass(frozen=True, slots=True)
class _Key:
    kind: str
    key: str
    value_key: str
    seen_at: datetime | None


def keys_of(identifiers: Iterable[Identifier]) -> list[_Key]:
    """The deconfliction keys of a referral's identifiers, without repeats (a bare IP address,
    without its capture time, has none: carrier-grade NAT)."""
    seen: dict[tuple[str, str, datetime | None], _Key] = {}
    for kind, value, qualifier, seen_at in identifiers:
        key = identifier_key(kind, value, qualifier)
        if not key or (kind == IP and seen_at is None):
            continue
        moment = None if seen_at is None else as_utc(seen_at)
        seen.setdefault((kind, key, moment), _Key(kind, key, value_key(kind, value), moment))
    return list(seen.values())


def _close_in_time(a: datetime | None, b: datetime | None) -> bool:
    return a is not None and b is not None and abs(as_utc(a) - as_utc(b)) <= IP_WINDOW


class _Carriers:
    """Who carries each wanted key: the referrals stored before the batch (read once), then
    the batch's own as they are indexed."""

    def __init__(
        self,
        session: Session,
        wanted: set[tuple[str, str]],
        common: set[tuple[str, str]] | frozenset[tuple[str, str]] = frozenset(),
    ) -> None:
        self.referrals: dict[tuple[str, str], set[int]] = defaultdict(set)
        self.times: dict[tuple[str, str], list[tuple[int, datetime | None]]] = defaultdict(list)
        self.common: set[tuple[str, str]] = wanted & common
        ordered = sorted(wanted - self.common)
        for start in range(0, len(ordered), CHUNK):
            self._read(session, ordered[start : start + CHUNK])

    def _read(self, session: Session, chunk: list[tuple[str, str]]) -> None:
        k = DeconflictionKeyRow
        wanted = set(chunk)
        counts = session.execute(  # by key alone (its index); a key of another kind is left out
            select(k.kind, k.key, func.count(func.distinct(k.referral_id)))
            .where(k.key.in_(sorted({key for _, key in chunk})))
            .group_by(k.kind, k.key)
        ).all()
        rare = []
        for kind, key, n in counts:
            if (kind, key) not in wanted:
                continue
            if n >= common_at(kind):
                self.common.add((kind, key))
            else:
                rare.append((kind, key))
        if not rare:
            return
        rows = session.execute(
            select(k.referral_id, k.kind, k.key, k.seen_at).where(
                k.key.in_(sorted({key for _, key in rare}))
            )
        ).all()
        keep = set(rare)
        for referral_id, kind, key, seen_at in rows:
            if (kind, key) in keep:
                self.add(referral_id, kind, key, seen_at)

    def add(self, referral_id: int, kind: str, key: str, seen_at: datetime | None) -> None:
        carriers = self.referrals[(kind, key)]
        carriers.add(referral_id)
        if len(carriers) >= common_at(kind):
            self.common.add((kind, key))
        self.times[(kind, key)].append((referral_id, seen_at))


class SqlDeconflictionKeys:
    """Keys and links of one session."""

    def __init__(self, session: Session) -> None:
        self._session = session

    def index(
        self,
        batch: Sequence[tuple[int, Sequence[Identifier]]],
        now: datetime,
        known: frozenset[str] = frozenset(),
        common: set[tuple[str, str]] | None = None,
    ) -> dict[int, int]:
        """Key each referral's identifiers and link it to each referral sharing a key (see the
        module; `known`: the keys of file hashes the lists know, never linked on). Returns,
        per referral, how many (other referral, kind) links it made. `common`: (kind, key)
        pairs found common by earlier batches of the same transaction, which are not counted
        again (keys are only added within it, so a common key stays common); the ones this
        batch finds are added to it."""
        keyed = [(referral_id, keys_of(identifiers)) for referral_id, identifiers in batch]
        wanted = {(k.kind, k.key) for _, keys in keyed for k in keys}
        if not wanted:
            return {referral_id: 0 for referral_id, _ in batch}
        carriers = _Carriers(self._session, wanted, frozenset() if common is None else common)
        key_rows: list[tuple[int, str, str, str, datetime | None]] = []
        links: dict[tuple[int, int, str], str] = {}
        added: dict[int, int] = {}
        for referral_id, keys in keyed:
            pairs: set[tuple[int, str]] = set()
            mine = defaultdict(list)
            for k in keys:
                mine[(k.kind, k.key)].append(k.seen_at)
            for (kind, key), moments in mine.items():
                if (kind, key) in carriers.common or (kind == FILE_HASH and key in known):
                    continue
                for other_id, seen_at in carriers.times.get((kind, key), ()):
                    if other_id == referral_id or (other_id, kind) in pairs:
                        continue
                    if kind == IP and not any(_close_in_time(seen_at, m) for m in moments):
                        continue
                    pairs.add((other_id, kind))
                    low, high = sorted((referral_id, other_id))
                    links.setdefault((low, high, kind), key)
            for k in keys:
                carriers.add(referral_id, k.kind, k.key, k.seen_at)
                key_rows.append((referral_id, k.kind, k.key, k.value_key, k.seen_at))
            added[referral_id] = len(pairs)
        if common is not None:
            common |= carriers.common
        insert_rows(self._session, _KEYS, _KEY_COLUMNS, key_rows)
        self._keep_statistics()
        insert_rows(
            self._session,
            _LINKS,
            _LINK_COLUMNS,
            [(a, b, kind, key, now) for (a, b, kind), key in links.items()],
        )
        return added

    def _keep_statistics(self) -> None:
        """PostgreSQL plans the reads of `_Carriers` from the key table's statistics, which
        do not count the rows of a transaction still open: once an import has written more
        keys than they count, a chunk's `key IN (…)` is planned as a scan of the whole table,
        each batch slower than the last. Then the table is analysed (ANALYZE counts the
        transaction's own rows): at most each time the import doubles it, never for a small
        import into a table the statistics know."""
        if self._session.get_bind().dialect.name != "postgresql":
            return
        stale = self._session.scalar(
            text(
                "SELECT reltuples < pg_stat_get_xact_tuples_inserted(oid) FROM pg_class "
                "WHERE oid = CAST(:table AS regclass)"
            ),
            {"table": _KEYS.name},
        )
        if stale:
            self._session.execute(text(f"ANALYZE {_KEYS.name}"))

    def rekey(self, referral_id: int, now: datetime) -> int:
        """Key a referral again from what it holds now, its report's identifiers and those
        typed in by hand on the case (`referral_identifiers`, `referral_files`), and link it
        again as the newest (after a hand-typed referral is added, its identifiers edited, or
        it is withdrawn). A withdrawn referral keeps no key and leaves every link. How many
        (other referral, kind) links it has."""
        rid = referral_id
        links = DeconflictionLinkRow
        self._session.execute(
            delete(links).where(or_(links.referral_id == rid, links.other_referral_id == rid))
        )
        self._session.execute(
            delete(DeconflictionKeyRow).where(DeconflictionKeyRow.referral_id == rid)
        )
        withdrawn = self._session.scalar(
            select(ReferralRow.withdrawn_at).where(ReferralRow.id == rid)
        )
        if withdrawn is not None:
            return 0
        return self.index([(rid, self._identifiers(rid))], now, self._known_files(rid))[rid]

    def _identifiers(self, rid: int) -> list[Identifier]:
        found: list[Identifier] = []
        i = IntakeIdentifierRow
        for kind, value, qualifier, seen_at in self._session.execute(
            select(i.kind, i.value, i.qualifier, i.seen_at)
            .where(i.referral_id == rid)
            .order_by(i.id)
        ):
            found.append((kind, value, qualifier, seen_at))
        hand = ReferralIdentifierRow
        for kind, value, seen_at in self._session.execute(
            select(hand.kind, hand.value, hand.seen_at)
            .where(hand.referral_id == rid)
            .order_by(hand.id)
        ):
            if kind in HAND_TYPED_KINDS:  # an IP address with the time it was seen is keyed
                found.append((HAND_TYPED_KINDS[kind], value, None, seen_at))
        files = ReferralFileRow
        for row in self._session.execute(
            select(files.md5, files.sha1, files.sha256)
            .where(files.referral_id == rid)
            .order_by(files.id)
        ):
            found += [(FILE_HASH, value, None, None) for value in row if value]
        return found

    def _known_files(self, rid: int) -> frozenset[str]:
        """The keys of the referral's files that the lists matched: its report's files and
        those typed in by hand on the case (matched as they are written, before this)."""
        f, m = IntakeFileRow, IntakeFileMatchRow
        rows: list[tuple[str | None, ...]] = []
        rows += map(
            tuple,
            self._session.execute(
                select(f.md5, f.sha1, f.sha256, f.pdq)
                .where(f.referral_id == rid)
                .where(select(m.id).where(m.intake_file_id == f.id).exists())
            ),
        )
        hand, hm = ReferralFileRow, ReferralFileMatchRow
        rows += map(
            tuple,
            self._session.execute(
                select(hand.md5, hand.sha1, hand.sha256)
                .where(hand.referral_id == rid)
                .where(select(hm.id).where(hm.referral_file_id == hand.id).exists())
            ),
        )
        return frozenset(identifier_key(FILE_HASH, v) for row in rows for v in row if v)
