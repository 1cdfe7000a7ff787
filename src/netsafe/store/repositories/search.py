"""SQL implementation of `netsafe.operation.search.SearchRepository`: the search index
(`search_entries`) and the triage findings, joined to the referral of each match and filtered by
the viewer's scope (`operation_scope.scope_clause`, as the lists and reads are), ranked, made
distinct, counted and paged in one statement.

The statement is a union of parts, each the first `window + 1` matches of one tier in its own
order (so each reads a bounded run of an index, however common the query):
0. exact entries: `key IN (normal forms of the query)`, newest case first;
1. exact triage findings: a hash equal to the query, newest exhibit first;
2. prefix entries: `key >= p AND key < p'` (p' is p with its last character raised by one), by
   key: a range of the key index (in the "C" collation on PostgreSQL);
3. prefix triage findings: a hash starting with the query (8 hex digits or more);
4. text entries: a word of `text` starting with each word of the query, the entry written last
   first: FTS5 prefix queries (`"word"*`) on SQLite, read in rowid order,
   `to_tsvector('simple', text) @@ to_tsquery('simple', 'word:*')` on a GIN index on
   PostgreSQL. `text` holds the value's words alone (`normal_forms.words_of`), so that both
   databases split it alike.
Then a record is kept at its best part (`row_number()` over the record), parts after the first
one that filled its `window + 1` are dropped (their place in the ranking is not known), and the
rest is counted (`count(*) over ()`) and cut to the page.

A triage finding belongs to the exhibits of its run's reference, and where two forces use that
reference only to the one whose case the run names (as on the exhibit's page).
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import (
    ColumnElement,
    Integer,
    Select,
    String,
    and_,
    cast,
    column,
    exists,
    func,
    literal,
    literal_column,
    null,
    or_,
    select,
    table,
    text,
    union_all,
)
from sqlalchemy.orm import Session

from netsafe.operation.normal_forms import is_hex
from netsafe.operation.referrals import referral_reference
from netsafe.operation.search import (
    Matched,
    RecordType,
    SearchHit,
    SearchPage,
    SearchTerms,
    Tier,
)
from netsafe.platform.access import Scope
from netsafe.store.models.operation import ExhibitRow, ReferralRow
from netsafe.store.models.search import SearchEntryRow
from netsafe.store.models.triage import TriageFindingRow, TriageRunRow
from netsafe.store.repositories.exhibit_list import case_reference_sql
from netsafe.store.repositories.operation_scope import scope_clause
from netsafe.timestamps import as_utc

_E = SearchEntryRow.__table__
_R = ReferralRow.__table__
_F = TriageFindingRow.__table__
_RUN = TriageRunRow.__table__
_X = ExhibitRow.__table__
_FTS = table("search_fts", column("rowid", Integer))
#: PostgreSQL: the words of `search_entries.text` as a stored tsvector (a generated column made
#: by migration `search2_0001`, outside the models), GIN-indexed.
_WORDS: ColumnElement[Any] = literal_column("search_entries.search_words")
_HASH_LENGTHS = {"md5": 32, "sha1": 40, "sha256": 64}
#: A triage hash prefix needs this many hex digits (fewer would match a great many findings).
HASH_PREFIX_MIN = 8
#: The parts of the union, in ranking order (each part's tier is `part // 2`).
EXACT_ENTRIES, EXACT_FINDINGS, PREFIX_ENTRIES, PREFIX_FINDINGS, TEXT_ENTRIES = range(5)
_NO_CUT = 99


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
        self._dialect = session.get_bind().dialect.name

    def find(
        self, scope: Scope, terms: SearchTerms, *, offset: int, limit: int, window: int
    ) -> SearchPage:
        self._session.flush()  # this transaction's writes are indexed before they are searched
        limit = min(limit, max(window - offset, 0))  # nothing past the window is listed
        parts = self._parts(scope, terms, window)
        if not parts:
            return SearchPage(hits=[], total=0, more=False, offset=offset, limit=limit)
        candidates = union_all(*parts).cte("candidates")
        c = candidates.c
        order = (c.part, c.s_text, c.s_num, c.s_id)
        ranked = select(
            candidates,
            func.row_number()
            .over(partition_by=(c.record_type, c.record_id), order_by=order)
            .label("best"),
            func.count().over(partition_by=c.part).label("part_size"),
        ).cte("ranked")
        r = ranked.c
        cut = (
            select(func.coalesce(func.min(r.part), _NO_CUT))
            .where(r.part_size > window)
            .scalar_subquery()
        )
        kept = and_(r.best == 1, r.part <= cut)
        query = (
            select(ranked, func.count().over().label("total"), cut.label("cut"))
            .where(kept)
            .order_by(r.part, r.s_text, r.s_num, r.s_id)
            .offset(offset)
            .limit(limit)
        )
        rows = self._session.execute(query).all()
        if rows:
            total, more = rows[0].total, rows[0].cut != _NO_CUT
        else:  # a page past the end: count alone
            counted = select(func.count(), cut).select_from(ranked).where(kept)
            total, cut_part = self._session.execute(counted).one()
            more = cut_part != _NO_CUT
        if total > window:
            total, more = window, True
        hits = [self._hit(row, terms) for row in rows]
        return SearchPage(hits=hits, total=total, more=more, offset=offset, limit=limit)

    # --- the parts -----------------------------------------------------------------------------

    def _parts(self, scope: Scope, terms: SearchTerms, window: int) -> list[Select[Any]]:
        parts: list[Select[Any]] = [
            self._entries(EXACT_ENTRIES, scope, _E.c.key.in_(terms.keys), window)
        ]
        exact_hashes = self._hash_conditions(terms, Tier.EXACT)
        if exact_hashes:
            parts.append(self._findings(EXACT_FINDINGS, scope, or_(*exact_hashes), window))
        if terms.prefix is not None:
            in_range = and_(
                _E.c.key >= terms.prefix,
                _E.c.key < prefix_end(terms.prefix),
                _E.c.key.not_in(terms.keys),
            )
            parts.append(self._entries(PREFIX_ENTRIES, scope, in_range, window))
            prefix_hashes = self._hash_conditions(terms, Tier.PREFIX)
            if prefix_hashes:
                parts.append(self._findings(PREFIX_FINDINGS, scope, or_(*prefix_hashes), window))
        if terms.words:
            parts.append(self._text_entries(scope, terms.words, window))
        return parts

    def _sort_text(self, value: ColumnElement[Any] | None) -> ColumnElement[Any]:
        """The part's sort text (the key for prefixes, else empty), in one collation."""
        expression: ColumnElement[Any] = (
            value if value is not None else cast(literal(""), String(500))
        )
        return expression.collate("C") if self._dialect == "postgresql" else expression

    def _columns(
        self,
        part: int,
        sort: tuple[ColumnElement[Any] | None, ColumnElement[Any], ColumnElement[Any]],
        record: tuple[ColumnElement[Any], ColumnElement[Any], ColumnElement[Any]],
        matched: ColumnElement[Any],
        snippet: ColumnElement[Any],
        hashes: tuple[ColumnElement[Any], ...],
    ) -> list[ColumnElement[Any]]:
        record_type, record_id, reference = record
        return [
            literal(part, Integer).label("part"),
            self._sort_text(sort[0]).label("s_text"),
            cast(sort[1], Integer).label("s_num"),
            cast(sort[2], Integer).label("s_id"),
            cast(record_type, String(20)).label("record_type"),
            record_id.label("record_id"),
            cast(reference, String(100)).label("reference"),
            _R.c.id.label("referral_id"),
            _R.c.received_at.label("received_at"),
            _R.c.force.label("force"),
            cast(matched, String(20)).label("matched"),
            snippet.label("snippet"),
            *(
                cast(h, String(64)).label(name)
                for h, name in zip(hashes, _HASH_LENGTHS, strict=True)
            ),
        ]

    def _entry_columns(self, part: int, sort: Any) -> list[ColumnElement[Any]]:
        nothing = cast(null(), String(64))
        return self._columns(
            part,
            sort,
            (_E.c.record_type, _E.c.record_id, _E.c.reference),
            _E.c.matched,
            cast(_E.c.snippet, String),
            (nothing, nothing, nothing),
        )

    def _entries(
        self, part: int, scope: Scope, condition: ColumnElement[bool], window: int
    ) -> Select[Any]:
        if part == EXACT_ENTRIES:
            sort: Any = (None, -_E.c.referral_id, _E.c.id)
            order: tuple[Any, ...] = (_E.c.referral_id.desc(), _E.c.id)
        else:
            sort = (_E.c.key, literal(0), _E.c.id)
            order = (_E.c.key, _E.c.id)
        inner = (
            select(*self._entry_columns(part, sort))
            .select_from(_E.join(_R, _R.c.id == _E.c.referral_id))
            .where(condition, scope_clause(scope))
            .order_by(*order)
            .limit(window + 1)
            .subquery()
        )
        return select(inner)

    def _text_entries(self, scope: Scope, words: tuple[str, ...], window: int) -> Select[Any]:
        sort: Any = (None, -_E.c.id, _E.c.id)
        query = select(*self._entry_columns(TEXT_ENTRIES, sort))
        if self._dialect == "sqlite":  # walk the FTS5 table newest row first, joining as it goes
            query = (
                query.select_from(
                    _FTS.join(_E, _E.c.id == _FTS.c.rowid).join(_R, _R.c.id == _E.c.referral_id)
                )
                .where(text("search_fts MATCH :fts").bindparams(fts=_fts_query(words)))
                .order_by(_FTS.c.rowid.desc())
            )
        else:
            simple: ColumnElement[Any] = literal_column("'simple'::regconfig")
            matches = _WORDS.op("@@")(func.to_tsquery(simple, _ts_query(words)))
            query = (
                query.select_from(_E.join(_R, _R.c.id == _E.c.referral_id))
                .where(matches)
                .order_by(_E.c.id.desc())
            )
        inner = query.where(scope_clause(scope)).limit(window + 1).subquery()
        return select(inner)

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
        self, part: int, scope: Scope, condition: ColumnElement[bool], window: int
    ) -> Select[Any]:
        others = _X.alias("other_exhibits")
        shared = exists(
            select(others.c.id).where(
                others.c.reference == _X.c.reference, others.c.force != _X.c.force
            )
        )
        columns = self._columns(
            part,
            (None, -_X.c.id, _F.c.id),
            (literal(RecordType.EXHIBIT.value), _X.c.id, _X.c.reference),
            literal(Matched.TRIAGE_HASH.value),
            _F.c.path,
            (_F.c.md5, _F.c.sha1, _F.c.sha256),
        )
        inner = (
            select(*columns)
            .select_from(
                _F.join(_RUN, _RUN.c.id == _F.c.run_id)
                .join(_X, _X.c.reference == _RUN.c.exhibit_reference)
                .join(_R, _R.c.id == _X.c.referral_id)
            )
            .where(
                condition,
                _X.c.withdrawn_at.is_(None),
                _R.c.withdrawn_at.is_(None),
                or_(~shared, _RUN.c.case_reference == case_reference_sql(self._dialect)),
                scope_clause(scope),
            )
            .order_by(_X.c.id.desc(), _F.c.id)
            .limit(window + 1)
            .subquery()
        )
        return select(inner)

    # --- rows to hits --------------------------------------------------------------------------

    def _hit(self, row: Any, terms: SearchTerms) -> SearchHit:
        case = referral_reference(row.referral_id, as_utc(row.received_at))
        snippet = row.snippet
        if row.matched == Matched.TRIAGE_HASH.value:
            algorithm, value = next(
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
            snippet = f"triage finding, {algorithm} {value}: {row.snippet}"
        return SearchHit(
            record_type=RecordType(row.record_type),
            record_id=row.record_id,
            reference=row.reference or case,
            referral_id=row.referral_id,
            referral_reference=case,
            force=row.force,
            matched=Matched(row.matched),
            tier=Tier(row.part // 2),
            snippet=snippet,
        )
