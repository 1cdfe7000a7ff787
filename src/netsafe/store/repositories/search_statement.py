"""The search statement: the search index (`search_entries`) and the triage findings, joined to
the referral of each match and filtered by the viewer's scope (`operation_scope.scope_clause`, as
the lists and reads are), ranked, made distinct, counted and paged in one statement, built once
per shape of query (`StatementShape`; the values are parameters) by `statements`.

The statement is a union of parts, each the first `window + 1` matches of one tier in its own
order (so each reads a bounded run of an index, however common the query):
0. exact entries: `key IN (normal forms of the query)`, newest case first;
1. exact triage findings: a hash equal to the query, newest exhibit first;
2. prefix entries: `key >= p AND key < p'` (p' is p with its last character raised by one), by
   key: a range of the key index (in the "C" collation on PostgreSQL);
3. prefix triage findings: a hash starting with the query (8 hex digits or more);
4. text entries: a word of `text` starting with each word of the query, the entry written last
   first: FTS5 prefix queries (`"word"*`) on SQLite, read in rowid order,
   `search_words @@ to_tsquery('simple', 'word:*')` on PostgreSQL (`search_words`, a stored
   `to_tsvector('simple', text)`, GIN-indexed). `text` holds the value's words alone
   (`normal_forms.words_of`), so that both databases split it alike;
5. text triage findings: a word of the path starting with each word of the query, the finding
   stored last first (`search_fts_paths` on SQLite, `search_path_words` on PostgreSQL: made by
   migration `search2_0002`).
Then a record is kept at its best part (`row_number()` over the record), parts after the first
one that filled its `window + 1` are dropped (their place in the ranking is not known), and the
rest is counted (`count(*) over ()`) and cut to the page.

A triage finding belongs to the exhibit its run names by id (`triage_runs.exhibit_id`, kept by
`store.run_exhibits` by the exhibit page's rule: the run's reference, and its case where two forces
use that reference).
"""

from __future__ import annotations

import functools
from typing import Any, NamedTuple

from sqlalchemy import (
    BindParameter,
    ColumnElement,
    Integer,
    Select,
    String,
    and_,
    bindparam,
    cast,
    column,
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

from netsafe.operation.search import Matched, RecordType
from netsafe.store.models.operation import ExhibitRow, ReferralRow
from netsafe.store.models.search import SearchEntryRow
from netsafe.store.models.triage import TriageFindingRow, TriageRunRow
from netsafe.store.repositories.operation_scope import forces_clause

_E = SearchEntryRow.__table__
_R = ReferralRow.__table__
_F = TriageFindingRow.__table__
_RUN = TriageRunRow.__table__
_X = ExhibitRow.__table__
_FTS = table("search_fts", column("rowid", Integer))
#: PostgreSQL: the words of `search_entries.text` as a stored tsvector (a generated column made
#: by migration `search2_0001`, outside the models), GIN-indexed.
_WORDS: ColumnElement[Any] = literal_column("search_entries.search_words")
_FTS_PATHS = table("search_fts_paths", column("rowid", Integer))
_PATH_WORDS: ColumnElement[Any] = literal_column("triage_findings.search_path_words")
HASH_LENGTHS = {"md5": 32, "sha1": 40, "sha256": 64}
#: A triage hash prefix needs this many hex digits (fewer would match a great many findings).
HASH_PREFIX_MIN = 8
#: The parts of the union, in ranking order (each part's tier is `part // 2`).
(EXACT_ENTRIES, EXACT_FINDINGS, PREFIX_ENTRIES, PREFIX_FINDINGS, TEXT_ENTRIES, TEXT_FINDINGS) = (
    range(6)
)
NO_CUT = 99


def prefix_end(prefix: str) -> str:
    """The least string after every string starting with `prefix` (code point order)."""
    last = ord(prefix[-1]) + 1
    if 0xD800 <= last <= 0xDFFF:  # surrogates are not characters: skip past them
        last = 0xE000
    return prefix[:-1] + chr(last)


def fts_query(words: tuple[str, ...]) -> str:
    """An FTS5 query: a word starting with each of `words` (letters and digits only)."""
    return " AND ".join(f'"{word}"*' for word in words)


def ts_query(words: tuple[str, ...]) -> str:
    """A PostgreSQL tsquery: a word starting with each of `words` (letters and digits only)."""
    return " & ".join(f"{word}:*" for word in words)


class StatementShape(NamedTuple):
    """What a search statement is made of; the values go in as parameters, so that one
    statement (built, compiled and, on PostgreSQL, prepared once) serves every query of a
    shape."""

    dialect: str
    exact_findings: bool
    prefix: bool
    prefix_findings: bool
    words: bool
    all_forces: bool
    window: int


@functools.lru_cache(maxsize=64)
def statements(shape: StatementShape) -> tuple[Select[Any], Select[Any]]:
    """The page statement and the count statement (for a page past the end) of a shape."""
    candidates = union_all(*_parts(shape)).cte("candidates")
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
        select(func.coalesce(func.min(r.part), NO_CUT))
        .where(r.part_size > shape.window)
        .scalar_subquery()
    )
    kept = and_(r.best == 1, r.part <= cut)
    page = (
        select(ranked, func.count().over().label("total"), cut.label("cut"))
        .where(kept)
        .order_by(r.part, r.s_text, r.s_num, r.s_id)
        .offset(bindparam("offset", type_=Integer))
        .limit(bindparam("limit", type_=Integer))
    )
    count = select(func.count(), cut).select_from(ranked).where(kept)
    return page, count


def _scope(shape: StatementShape) -> ColumnElement[bool]:
    """`operation_scope.scope_clause` with the forces and the username as parameters."""
    username: BindParameter[str] = bindparam("username", type_=String)
    visible = forces_clause(None, username)
    if shape.all_forces:
        return visible
    return and_(_R.c.force.in_(bindparam("forces", expanding=True)), visible)


def _parts(shape: StatementShape) -> list[Select[Any]]:
    keys: BindParameter[str] = bindparam("keys", expanding=True)
    parts = [_entries(shape, EXACT_ENTRIES, _E.c.key.in_(keys))]
    if shape.exact_findings:
        hex_keys: BindParameter[str] = bindparam("hex_keys", expanding=True)
        exact = or_(*(_F.c[algorithm].in_(hex_keys) for algorithm in HASH_LENGTHS))
        parts.append(_findings(shape, EXACT_FINDINGS, exact))
    if shape.prefix:
        low, high = bindparam("prefix", type_=String), bindparam("prefix_end", type_=String)
        in_range = and_(_E.c.key >= low, _E.c.key < high, _E.c.key.not_in(keys))
        parts.append(_entries(shape, PREFIX_ENTRIES, in_range))
        if shape.prefix_findings:
            ranges = or_(*(and_(_F.c[name] >= low, _F.c[name] < high) for name in HASH_LENGTHS))
            parts.append(_findings(shape, PREFIX_FINDINGS, ranges))
    if shape.words:
        parts.append(_text_entries(shape))
        parts.append(_path_findings(shape))
    return parts


def _sort_text(shape: StatementShape, value: ColumnElement[Any] | None) -> ColumnElement[Any]:
    """The part's sort text (the key for prefixes, else empty), in one collation."""
    expression: ColumnElement[Any] = value if value is not None else cast(literal(""), String(500))
    return expression.collate("C") if shape.dialect == "postgresql" else expression


def _columns(
    shape: StatementShape,
    part: int,
    sort: tuple[ColumnElement[Any] | None, ColumnElement[Any], ColumnElement[Any]],
    record: tuple[ColumnElement[Any], ColumnElement[Any], ColumnElement[Any]],
    matched: ColumnElement[Any],
    snippet: ColumnElement[Any],
    hashes: tuple[ColumnElement[Any], ...],
) -> list[ColumnElement[Any]]:
    record_type, record_id, reference = record
    return [
        literal_column(str(part), Integer).label("part"),
        _sort_text(shape, sort[0]).label("s_text"),
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
        *(cast(h, String(64)).label(n) for h, n in zip(hashes, HASH_LENGTHS, strict=True)),
    ]


def _entry_columns(shape: StatementShape, part: int, sort: Any) -> list[ColumnElement[Any]]:
    nothing = cast(null(), String(64))
    return _columns(
        shape,
        part,
        sort,
        (_E.c.record_type, _E.c.record_id, _E.c.reference),
        _E.c.matched,
        cast(_E.c.snippet, String),
        (nothing, nothing, nothing),
    )


def _entries(shape: StatementShape, part: int, condition: ColumnElement[bool]) -> Select[Any]:
    if part == EXACT_ENTRIES:
        sort: Any = (None, -_E.c.referral_id, _E.c.id)
        order: tuple[Any, ...] = (_E.c.referral_id.desc(), _E.c.id)
    else:
        sort = (_E.c.key, literal_column("0", Integer), _E.c.id)
        order = (_E.c.key, _E.c.id)
    inner = (
        select(*_entry_columns(shape, part, sort))
        .select_from(_E.join(_R, _R.c.id == _E.c.referral_id))
        .where(condition, _scope(shape))
        .order_by(*order)
        .limit(shape.window + 1)
        .subquery()
    )
    return select(inner)


def _text_entries(shape: StatementShape) -> Select[Any]:
    sort: Any = (None, -_E.c.id, _E.c.id)
    query = select(*_entry_columns(shape, TEXT_ENTRIES, sort))
    if shape.dialect == "sqlite":  # walk the FTS5 table newest row first, joining as it goes
        query = (
            query.select_from(
                _FTS.join(_E, _E.c.id == _FTS.c.rowid).join(_R, _R.c.id == _E.c.referral_id)
            )
            .where(text("search_fts MATCH :words"))
            .order_by(_FTS.c.rowid.desc())
        )
    else:
        simple: ColumnElement[Any] = literal_column("'simple'::regconfig")
        matches = _WORDS.op("@@")(func.to_tsquery(simple, bindparam("words", type_=String)))
        query = (
            query.select_from(_E.join(_R, _R.c.id == _E.c.referral_id))
            .where(matches)
            .order_by(_E.c.id.desc())
        )
    inner = query.where(_scope(shape)).limit(shape.window + 1).subquery()
    return select(inner)


def _findings(
    shape: StatementShape, part: int, condition: ColumnElement[bool], *, by_path: bool = False
) -> Select[Any]:
    """Findings matching `condition` on exhibits in scope: by hash, newest exhibit first; by
    path, the finding stored last first (walking the path index on SQLite). A finding reaches
    its exhibit through its run's `exhibit_id` (`store.run_exhibits`), its case through the
    exhibit: joins by primary key."""
    columns = _columns(
        shape,
        part,
        (None, -_F.c.id, _F.c.id) if by_path else (None, -_X.c.id, _F.c.id),
        (literal_column(f"'{RecordType.EXHIBIT.value}'"), _X.c.id, _X.c.reference),
        literal_column(f"'{(Matched.TRIAGE_PATH if by_path else Matched.TRIAGE_HASH).value}'"),
        _F.c.path,
        (_F.c.md5, _F.c.sha1, _F.c.sha256),
    )
    findings: Any = _F
    order: tuple[Any, ...] = (_X.c.id.desc(), _F.c.id)
    if by_path and shape.dialect == "sqlite":
        findings = _FTS_PATHS.join(_F, _F.c.id == _FTS_PATHS.c.rowid)
        order = (_FTS_PATHS.c.rowid.desc(),)
    elif by_path:
        order = (_F.c.id.desc(),)
    inner = (
        select(*columns)
        .select_from(
            findings.join(_RUN, _RUN.c.id == _F.c.run_id)
            .join(_X, _X.c.id == _RUN.c.exhibit_id)
            .join(_R, _R.c.id == _X.c.referral_id)
        )
        .where(
            condition,
            _X.c.withdrawn_at.is_(None),
            _R.c.withdrawn_at.is_(None),
            _scope(shape),
        )
        .order_by(*order)
        .limit(shape.window + 1)
        .subquery()
    )
    return select(inner)


def _path_findings(shape: StatementShape) -> Select[Any]:
    if shape.dialect == "sqlite":
        condition: Any = text("search_fts_paths MATCH :words")
    else:
        simple: ColumnElement[Any] = literal_column("'simple'::regconfig")
        query = func.to_tsquery(simple, bindparam("words", type_=String))
        condition = _PATH_WORDS.op("@@")(query)
    return _findings(shape, TEXT_FINDINGS, condition, by_path=True)
