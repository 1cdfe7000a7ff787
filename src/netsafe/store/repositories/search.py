"""SQL implementation of `netsafe.operation.search.SearchRepository`: the search index
(`search_entries`) and the triage findings' hashes, joined to the referral of each match and
filtered by the viewer's scope (`operation_scope.scope_clause`, as the lists and reads are).

- exact: `key IN (normal forms of the query)`, newest case first;
- prefix: `key >= p AND key < p'` (p' is p with its last character raised by one), by key:
  a range of the key index (in the "C" collation on PostgreSQL);
- text: a word of `text` starting with each word of the query: FTS5 prefix queries (`"word"*`)
  on SQLite, `to_tsvector('simple', text) @@ to_tsquery('simple', 'word:*')` on a GIN index
  on PostgreSQL. `text` holds the value's words alone (`normal_forms.words_of`), so that both
  databases split it alike.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import (
    ColumnElement,
    Select,
    and_,
    func,
    literal_column,
    or_,
    select,
    text,
)
from sqlalchemy.orm import Session

from netsafe.operation.normal_forms import is_hex
from netsafe.operation.referrals import referral_reference
from netsafe.operation.search import Matched, RecordType, SearchHit, SearchTerms, Tier
from netsafe.platform.access import Scope
from netsafe.store.models.operation import ExhibitRow, ReferralRow
from netsafe.store.models.search import SearchEntryRow
from netsafe.store.models.triage import TriageFindingRow, TriageRunRow
from netsafe.store.repositories.operation_scope import scope_clause
from netsafe.timestamps import as_utc

_E = SearchEntryRow.__table__
_R = ReferralRow.__table__
_F = TriageFindingRow.__table__
_RUN = TriageRunRow.__table__
_X = ExhibitRow.__table__
_HASH_LENGTHS = {"md5": 32, "sha1": 40, "sha256": 64}
#: A triage hash prefix needs this many hex digits (fewer would match a great many findings).
HASH_PREFIX_MIN = 8


def prefix_end(prefix: str) -> str:
    """The least string after every string starting with `prefix` (code point order)."""
    last = ord(prefix[-1]) + 1
    if 0xD800 <= last <= 0xDFFF:  # surrogates are not characters: skip past them
        last = 0xE000
    return prefix[:-1] + chr(last)


def _fts_query(words: tuple[str, ...]) -> str:
    """An FTS5 query: a word starting with each of `words` (letters and digits only)."""
    return " AND ".join(f'"{word}"*' for word in words)


def _ts_query(words: tuple[str, ...]) -> str:
    """A PostgreSQL tsquery: a word starting with each of `words` (letters and digits only)."""
    return " & ".join(f"{word}:*" for word in words)


class SqlSearchRepository:
    """The search index in the caller's session."""

    def __init__(self, session: Session) -> None:
        self._session = session

    def find(self, scope: Scope, terms: SearchTerms, tier: Tier, limit: int) -> list[SearchHit]:
        self._session.flush()  # this transaction's writes are indexed before they are searched
        hits = self._entries(scope, terms, tier, limit)
        if tier is not Tier.TEXT:
            hits.extend(self._findings(scope, terms, tier, limit))
        return hits

    def _text_match(self, words: tuple[str, ...]) -> ColumnElement[bool]:
        if self._session.get_bind().dialect.name == "sqlite":
            matching: Select[Any] = (
                select(literal_column("rowid"))
                .select_from(text("search_fts"))
                .where(text("search_fts MATCH :fts").bindparams(fts=_fts_query(words)))
            )
            return _E.c.id.in_(matching)
        simple: ColumnElement[Any] = literal_column("'simple'::regconfig")
        return func.to_tsvector(simple, _E.c.text).op("@@")(
            func.to_tsquery(simple, _ts_query(words))
        )

    def _entries(self, scope: Scope, terms: SearchTerms, tier: Tier, limit: int) -> list[SearchHit]:
        query: Select[Any] = (
            select(
                _E.c.referral_id,
                _E.c.record_type,
                _E.c.record_id,
                _E.c.reference,
                _E.c.matched,
                _E.c.snippet,
                _R.c.received_at,
                _R.c.force,
            )
            .select_from(_E.join(_R, _R.c.id == _E.c.referral_id))
            .where(scope_clause(scope))
            .limit(limit)
        )
        if tier is Tier.EXACT:
            query = query.where(_E.c.key.in_(terms.keys)).order_by(_E.c.referral_id.desc(), _E.c.id)
        elif tier is Tier.PREFIX:
            if terms.prefix is None:
                return []
            query = query.where(
                _E.c.key >= terms.prefix,
                _E.c.key < prefix_end(terms.prefix),
                _E.c.key.not_in(terms.keys),
            ).order_by(_E.c.key, _E.c.id)
        else:
            if not terms.words:
                return []
            query = query.where(self._text_match(terms.words))
        hits = []
        for row in self._session.execute(query):
            case = referral_reference(row.referral_id, as_utc(row.received_at))
            hits.append(
                SearchHit(
                    record_type=RecordType(row.record_type),
                    record_id=row.record_id,
                    reference=row.reference or case,
                    referral_id=row.referral_id,
                    referral_reference=case,
                    force=row.force,
                    matched=Matched(row.matched),
                    tier=tier,
                    snippet=row.snippet,
                )
            )
        return hits

    def _hash_conditions(self, terms: SearchTerms, tier: Tier) -> list[ColumnElement[bool]]:
        """The triage hashes to look for (none: the query cannot be one)."""
        conditions: list[ColumnElement[bool]] = []
        if tier is Tier.EXACT:
            for key in terms.keys:
                for algorithm, length in _HASH_LENGTHS.items():
                    if len(key) == length and is_hex(key):
                        conditions.append(_F.c[algorithm] == key)
        elif terms.prefix is not None and is_hex(terms.prefix):
            p = terms.prefix
            if len(p) >= HASH_PREFIX_MIN:
                for algorithm, length in _HASH_LENGTHS.items():
                    if len(p) < length:
                        conditions.append(
                            and_(_F.c[algorithm] >= p, _F.c[algorithm] < prefix_end(p))
                        )
        return conditions

    def _findings(
        self, scope: Scope, terms: SearchTerms, tier: Tier, limit: int
    ) -> list[SearchHit]:
        conditions = self._hash_conditions(terms, tier)
        if not conditions:
            return []
        others = _X.alias("other_exhibits")
        forces_using = (
            select(func.count(func.distinct(others.c.force)))
            .where(others.c.reference == _X.c.reference)
            .scalar_subquery()
        )
        query = (
            select(
                _F.c.path,
                _F.c.md5,
                _F.c.sha1,
                _F.c.sha256,
                _RUN.c.case_reference,
                _X.c.id.label("exhibit_id"),
                _X.c.reference,
                _X.c.referral_id,
                _R.c.received_at,
                _R.c.force,
                forces_using.label("forces_using"),
            )
            .select_from(
                _F.join(_RUN, _RUN.c.id == _F.c.run_id)
                .join(_X, _X.c.reference == _RUN.c.exhibit_reference)
                .join(_R, _R.c.id == _X.c.referral_id)
            )
            .where(or_(*conditions), scope_clause(scope))
            .order_by(_X.c.id.desc(), _F.c.id)
            .limit(limit * 4)
        )
        hits = []
        for row in self._session.execute(query):
            case = referral_reference(row.referral_id, as_utc(row.received_at))
            if row.forces_using > 1 and row.case_reference != case:
                continue  # a run of another force's exhibit of the same reference
            matched_hash = next(
                (
                    (algorithm, getattr(row, algorithm))
                    for algorithm in _HASH_LENGTHS
                    if any(getattr(row, algorithm) == key for key in terms.keys)
                    or (
                        terms.prefix is not None
                        and (getattr(row, algorithm) or "").startswith(terms.prefix)
                    )
                ),
                ("hash", ""),
            )
            hits.append(
                SearchHit(
                    record_type=RecordType.EXHIBIT,
                    record_id=row.exhibit_id,
                    reference=row.reference,
                    referral_id=row.referral_id,
                    referral_reference=case,
                    force=row.force,
                    matched=Matched.TRIAGE_HASH,
                    tier=tier,
                    snippet=f"triage finding, {matched_hash[0]} {matched_hash[1]}: {row.path}",
                )
            )
            if len(hits) >= limit:
                break
        return hits
