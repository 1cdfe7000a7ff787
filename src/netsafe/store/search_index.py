"""Keeping the search index (`search_entries`) in step with the case tables.

The entries of a case are made from its rows (`entries_of`) and replaced whole whenever one of
them changes (`reindex`). `keep_search_index(sessions)` makes every session of a factory do this
itself, whatever wrote the rows:
- the unit of work (`session.add`, changed attributes, `session.delete`): after each flush, the
  cases whose searchable rows (`searchable.SEARCHABLE`: the referral, its reported identifiers
  and files, subjects, exhibits) were added, removed, or changed in a column the entries read;
- statements run through the session (`session.execute(insert(Row), rows)`, `delete(...)`,
  `update(...)`): the cases they name (inserted rows' `referral_id`; for an update or delete,
  the cases its WHERE selects, read before it runs; for referrals inserted this way, those
  beyond the highest id before).
`rebuild_search_index` makes the whole index again (the migration, and after writes that
bypass sessions, such as a raw connection). Within `search_index_batch(session)` the cases
written are noted and reindexed once, at the end of the block (a bulk import's several
statements about the same cases). Rows written around the hooks (`bulk_rows.insert_rows`) name
their cases with `note_cases`.
"""

from __future__ import annotations

import weakref
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from typing import Any, cast

from sqlalchemy import Connection, Engine, Table, delete, event, func, inspect, select
from sqlalchemy.orm import ORMExecuteState, Session, sessionmaker
from sqlalchemy.orm.attributes import get_history
from sqlalchemy.sql.dml import Delete, Insert, Update

from netsafe.store.bulk_rows import insert_rows_on
from netsafe.store.models.operation import ReferralRow
from netsafe.store.models.search import SearchEntryRow
from netsafe.store.run_exhibits import has_run_link, link_runs
from netsafe.store.searchable import SEARCHABLE, Entry, SearchableKind

_ENTRIES = cast(Table, SearchEntryRow.__table__)
_REFERRALS = cast(Table, ReferralRow.__table__)
#: The tables an entry is made from, each with its column naming the case.
_CASE_COLUMN = {kind.table.name: kind.case_column for kind in SEARCHABLE}
_KINDS = {kind.row_type: kind for kind in SEARCHABLE}
BATCH = 500
_ENTRY_COLUMNS = (
    "referral_id",
    "record_type",
    "record_id",
    "reference",
    "matched",
    "key",
    "text",
    "snippet",
)


def _chunks(ids: Iterable[int]) -> Iterator[list[int]]:
    ordered = sorted(set(ids))
    for start in range(0, len(ordered), BATCH):
        yield ordered[start : start + BATCH]


def _rows(connection: Connection, kind: SearchableKind, cases: Sequence[int]) -> Any:
    """The rows of `kind` in these cases, withdrawn ones (entered in error) left out."""
    table = kind.table
    query = select(*(table.c[name] for name in kind.columns)).where(
        table.c[kind.case_column].in_(cases)
    )
    if "withdrawn_at" in table.c:
        query = query.where(table.c.withdrawn_at.is_(None))
    return connection.execute(query).mappings()


def entries_of(connection: Connection, referral_ids: Sequence[int]) -> list[Entry]:
    """The search entries of these cases, from their rows (`searchable.SEARCHABLE`); a withdrawn
    case has none, nor has a withdrawn record."""
    cases = list(
        connection.scalars(
            select(_REFERRALS.c.id).where(
                _REFERRALS.c.id.in_(referral_ids), _REFERRALS.c.withdrawn_at.is_(None)
            )
        )
    )
    entries: list[Entry] = []
    if cases:
        for kind in SEARCHABLE:
            for row in _rows(connection, kind, cases):
                entries.extend(kind.entries(row))
    return [entry for entry in entries if entry["key"]]


def reindex(connection: Connection, referral_ids: Iterable[int]) -> None:
    """Replace the entries of these cases with entries made from their rows now (a case no
    longer stored loses its entries)."""
    for chunk in _chunks(referral_ids):
        connection.execute(delete(_ENTRIES).where(_ENTRIES.c.referral_id.in_(chunk)))
        entries = entries_of(connection, chunk)
        insert_rows_on(
            connection,
            _ENTRIES,
            _ENTRY_COLUMNS,
            [tuple(e[c] for c in _ENTRY_COLUMNS) for e in entries],
        )


def rebuild_search_index(connection: Connection) -> int:
    """Make the whole index again from the case tables, and link every triage run to its
    exhibit (`run_exhibits.link_runs`, from migration `search3_0001` on); returns the number
    of entries."""
    if has_run_link(connection):
        link_runs(connection)
    connection.execute(delete(_ENTRIES))
    last = 0
    while True:
        ids = list(
            connection.scalars(
                select(_REFERRALS.c.id)
                .where(_REFERRALS.c.id > last)
                .order_by(_REFERRALS.c.id)
                .limit(BATCH * 10)
            )
        )
        if not ids:
            break
        reindex(connection, ids)
        last = ids[-1]
    return int(connection.scalar(select(func.count()).select_from(_ENTRIES)) or 0)


# --- keeping sessions' writes indexed ----------------------------------------------------------


_INDEXED: weakref.WeakKeyDictionary[Engine, bool] = weakref.WeakKeyDictionary()
#: The session's cases written within `search_index_batch`, to reindex at its end.
_DEFERRED = "netsafe.search.deferred-cases"


def _has_index(connection: Connection) -> bool:
    """Whether the database has the search index yet (not before migration `search_0001`:
    tests write at older revisions). Remembered once found."""
    if _INDEXED.get(connection.engine):
        return True
    found = inspect(connection).has_table(_ENTRIES.name)
    if found:
        _INDEXED[connection.engine] = True
    return found


def _written_cases(session: Session) -> set[int]:
    """The cases whose entries this flush may change: a searchable row added or removed, or one
    of the columns its entries are made from (or its withdrawal) changed; a row moved to
    another case changes both."""
    cases: set[int] = set()
    for item in (*session.new, *session.dirty, *session.deleted):
        kind = _KINDS.get(type(item))
        if kind is None:
            continue
        whole = item in session.new or item in session.deleted
        names = (*kind.columns, "withdrawn_at") if "withdrawn_at" in kind.table.c else kind.columns
        if not whole and not any(get_history(item, name).has_changes() for name in names):
            continue
        case = getattr(item, kind.case_column)
        if case is not None:
            cases.add(case)
        if kind.case_column != "id":
            history = get_history(item, kind.case_column)
            cases.update(old for old in history.deleted or () if old is not None)
    return cases


def _reindex(session: Session, connection: Connection, cases: set[int]) -> None:
    deferred: set[int] | None = session.info.get(_DEFERRED)
    if deferred is not None:
        deferred.update(cases)
    else:
        reindex(connection, cases)


@contextmanager
def search_index_batch(session: Session) -> Iterator[None]:
    """Reindex the cases `session` writes within the block once, when it ends without an
    error (an error leaves the index to the rollback that follows). Nested blocks reindex at
    the outermost one's end."""
    if session.info.get(_DEFERRED) is not None:
        yield
        return
    cases: set[int] = set()
    session.info[_DEFERRED] = cases
    try:
        yield
        session.flush()
    finally:
        del session.info[_DEFERRED]
    if cases:
        reindex(session.connection(), cases)


def note_cases(session: Session, referral_ids: Iterable[int]) -> None:
    """Reindex these cases, whose searchable rows the caller wrote around the session's
    statement hooks (`bulk_rows.insert_rows`): at the end of the `search_index_batch` block
    if within one, else now."""
    cases = set(referral_ids)
    if cases and _has_index(session.connection()):
        _reindex(session, session.connection(), cases)


def _after_flush(session: Session, _context: object) -> None:
    cases = _written_cases(session)
    if cases and _has_index(session.connection()):
        _reindex(session, session.connection(), cases)


def _parameter_cases(state: ORMExecuteState, column: str) -> set[int]:
    parameters: Any = state.parameters
    rows = parameters if isinstance(parameters, list) else [parameters or {}]
    return {row[column] for row in rows if isinstance(row, dict) and row.get(column) is not None}


def _on_execute(state: ORMExecuteState) -> Any:
    statement = state.statement
    if not isinstance(statement, Insert | Update | Delete):
        return None
    table = getattr(statement, "table", None)
    column = _CASE_COLUMN.get(getattr(table, "name", ""))
    if table is None or column is None:
        return None
    connection = state.session.connection()
    if not _has_index(connection):
        return None
    cases: set[int] = set()
    if isinstance(statement, Insert):
        if column == "referral_id":
            cases = _parameter_cases(state, column)
        else:
            before = connection.scalar(select(func.max(_REFERRALS.c.id))) or 0
    else:
        cases = set(
            connection.scalars(select(table.c[column]).where(statement.whereclause).distinct())
            if statement.whereclause is not None
            else connection.scalars(select(table.c[column]).distinct())
        )
    result = state.invoke_statement()
    if getattr(result, "returns_rows", False):  # read it all before the index's own statements run
        result = result.freeze()()
    if isinstance(statement, Insert) and column == "id":
        cases = set(connection.scalars(select(_REFERRALS.c.id).where(_REFERRALS.c.id > before)))
    if cases:
        _reindex(state.session, connection, cases)
    return result


def keep_search_index(sessions: sessionmaker[Session]) -> None:
    """Make every session of `sessions` keep the search index in step with its writes."""
    event.listen(sessions, "after_flush", _after_flush)
    event.listen(sessions, "do_orm_execute", _on_execute)
