"""SQL implementation of `netsafe.operation.search.SearchRepository`: one statement per search
(`search_statement`: ranked, made distinct, counted and paged in SQL) and its rows made hits."""

from __future__ import annotations

from typing import Any

from sqlalchemy import text
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
from netsafe.store.repositories.search_statement import (
    HASH_LENGTHS,
    HASH_PREFIX_MIN,
    NO_CUT,
    StatementShape,
    fts_query,
    prefix_end,
    statements,
    ts_query,
)
from netsafe.timestamps import as_utc


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
        hex_keys = [k for k in terms.keys if is_hex(k) and len(k) in HASH_LENGTHS.values()]
        prefix = terms.prefix
        shape = StatementShape(
            dialect=self._dialect,
            exact_findings=bool(hex_keys),
            prefix=prefix is not None,
            prefix_findings=prefix is not None
            and is_hex(prefix)
            and len(prefix) >= HASH_PREFIX_MIN,
            words=bool(terms.words),
            all_forces=scope.forces is None,
            window=window,
        )
        parameters: dict[str, Any] = {
            "keys": list(terms.keys),
            "hex_keys": hex_keys,
            "username": scope.username,
            "offset": offset,
            "limit": limit,
        }
        if scope.forces is not None:
            parameters["forces"] = sorted(scope.forces)
        if prefix is not None:
            parameters.update(prefix=prefix, prefix_end=prefix_end(prefix))
        if terms.words:
            words = fts_query(terms.words) if self._dialect == "sqlite" else ts_query(terms.words)
            parameters["words"] = words
        page, count = statements(shape)
        if self._dialect == "postgresql":
            # psycopg prepares a statement run often; PostgreSQL may then plan it once for any
            # values, blind to how many entries a word or a prefix matches (measured at 100,000
            # referrals: an exhibit reference 81 ms and an md5 prefix 100 ms so planned, 17 and
            # 15 ms planned for their values). Plan for the values, for this transaction.
            self._session.execute(text("SET LOCAL plan_cache_mode = force_custom_plan"))
        rows = self._session.execute(page, parameters).all()
        if rows:
            total, more = rows[0].total, rows[0].cut != NO_CUT
        else:  # a page past the end: count alone
            total, cut_part = self._session.execute(count, parameters).one()
            more = cut_part != NO_CUT
        if total > window:
            total, more = window, True
        hits = [self._hit(row, terms) for row in rows]
        return SearchPage(hits=hits, total=total, more=more, offset=offset, limit=limit)

    # --- rows to hits --------------------------------------------------------------------------

    def _hit(self, row: Any, terms: SearchTerms) -> SearchHit:
        case = referral_reference(row.referral_id, as_utc(row.received_at))
        snippet = row.snippet
        if row.matched == Matched.TRIAGE_HASH.value:
            algorithm, value = next(
                (
                    (algorithm, getattr(row, algorithm))
                    for algorithm in HASH_LENGTHS
                    if any(getattr(row, algorithm) == key for key in terms.keys)
                    or (
                        terms.prefix is not None
                        and (getattr(row, algorithm) or "").startswith(terms.prefix)
                    )
                ),
                ("hash", ""),
            )
            snippet = f"triage finding, {algorithm} {value}: {row.snippet}"
        elif row.matched == Matched.TRIAGE_PATH.value:
            snippet = f"triage finding: {row.snippet}"
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
