"""Keeping the search index (`search_entries`) in step with the case tables.

The entries of a case are made from its rows (`entries_of`) and replaced whole whenever one of
them changes (`reindex`). `keep_search_index(sessions)` makes every session of a factory do this
itself, whatever wrote the rows:
- the unit of work (`session.add`, changed attributes, `session.delete`): after each flush, the
  cases whose referral, reported identifiers or files, subjects or exhibits were written;
- statements run through the session (`session.execute(insert(Row), rows)`, `delete(...)`,
  `update(...)`): the cases they name (inserted rows' `referral_id`; for an update or delete,
  the cases its WHERE selects, read before it runs; for referrals inserted this way, those
  beyond the highest id before).
`rebuild_search_index` makes the whole index again (the migration, and after writes that
bypass sessions, such as a raw connection). Within `search_index_batch(session)` the cases
written are noted and reindexed once, at the end of the block (a bulk import's several
statements about the same cases).
"""

from __future__ import annotations

import re
import weakref
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from typing import Any, cast

from sqlalchemy import Connection, Engine, Table, delete, event, func, insert, inspect, select
from sqlalchemy.orm import ORMExecuteState, Session, sessionmaker
from sqlalchemy.orm.attributes import get_history
from sqlalchemy.sql.dml import Delete, Insert, Update

from netsafe.operation.normal_forms import normal_any, normal_identifier, normal_text, words_of
from netsafe.operation.referrals import referral_reference
from netsafe.operation.search import Matched, RecordType
from netsafe.store.models.operation import (
    ExhibitRow,
    ReferralFileRow,
    ReferralIdentifierRow,
    ReferralRow,
    SubjectRow,
)
from netsafe.store.models.search import SearchEntryRow
from netsafe.store.run_exhibits import has_run_link, link_runs
from netsafe.timestamps import as_utc

_ENTRIES = cast(Table, SearchEntryRow.__table__)
_REFERRALS = cast(Table, ReferralRow.__table__)
_IDENTIFIERS = cast(Table, ReferralIdentifierRow.__table__)
_FILES = cast(Table, ReferralFileRow.__table__)
_SUBJECTS = cast(Table, SubjectRow.__table__)
_EXHIBITS = cast(Table, ExhibitRow.__table__)
#: The tables an entry is made from, each with its column naming the case.
_CASE_COLUMN = {
    _REFERRALS.name: "id",
    _IDENTIFIERS.name: "referral_id",
    _FILES.name: "referral_id",
    _SUBJECTS.name: "referral_id",
    _EXHIBITS.name: "referral_id",
}
_ROW_TYPES = (ReferralIdentifierRow, ReferralFileRow, SubjectRow, ExhibitRow)
_SPLIT = re.compile(r"[,;\n]+")
_HASHES = ("md5", "sha1", "sha256")
BATCH = 500
KEY_MAX = 500
SNIPPET_MAX = 600


def _entry(
    referral_id: int,
    matched: Matched,
    key: str,
    text: str | None,
    snippet: str,
    *,
    record: tuple[RecordType, int, str] | None = None,
) -> dict[str, Any]:
    record_type, record_id, reference = record or (RecordType.REFERRAL, referral_id, "")
    words = None if text is None else " ".join(words_of(text)) or None
    return {
        "referral_id": referral_id,
        "record_type": record_type.value,
        "record_id": record_id,
        "reference": reference[:100],
        "matched": matched.value,
        "key": key[:KEY_MAX],
        "text": words,
        "snippet": snippet[:SNIPPET_MAX],
    }


def _chunks(ids: Iterable[int]) -> Iterator[list[int]]:
    ordered = sorted(set(ids))
    for start in range(0, len(ordered), BATCH):
        yield ordered[start : start + BATCH]


def entries_of(connection: Connection, referral_ids: Sequence[int]) -> list[dict[str, Any]]:
    """The search entries of these cases, from their rows; withdrawn records (entered in
    error) have none."""
    entries: list[dict[str, Any]] = []
    cases = connection.execute(
        select(_REFERRALS.c.id, _REFERRALS.c.received_at).where(
            _REFERRALS.c.id.in_(referral_ids), _REFERRALS.c.withdrawn_at.is_(None)
        )
    ).all()
    for rid, received_at in cases:
        reference = referral_reference(rid, as_utc(received_at))
        entries.append(_entry(rid, Matched.REFERENCE, normal_text(reference), reference, reference))
    referral_ids = [rid for rid, _ in cases]  # a withdrawn referral is found by nothing
    for rid, kind, value in connection.execute(
        select(_IDENTIFIERS.c.referral_id, _IDENTIFIERS.c.kind, _IDENTIFIERS.c.value).where(
            _IDENTIFIERS.c.referral_id.in_(referral_ids)
        )
    ):
        key = normal_identifier(kind, value)
        entries.append(_entry(rid, Matched.IDENTIFIER, key, value, f"{kind}: {value}"))
    for row in connection.execute(
        select(_FILES).where(_FILES.c.referral_id.in_(referral_ids))
    ).mappings():
        name = row["file_name"] or "a reported file"
        for algorithm in _HASHES:
            if row[algorithm]:
                value = row[algorithm].lower()
                snippet = f"{algorithm} of {name}: {value}"
                entries.append(_entry(row["referral_id"], Matched.FILE_HASH, value, None, snippet))
    for rid, name, identifiers in connection.execute(
        select(_SUBJECTS.c.referral_id, _SUBJECTS.c.display_name, _SUBJECTS.c.identifiers).where(
            _SUBJECTS.c.referral_id.in_(referral_ids)
        )
    ):
        entries.append(_entry(rid, Matched.SUBJECT, normal_text(name), name, f"subject: {name}"))
        for token in _SPLIT.split(identifiers or ""):
            if token.strip():
                snippet = f"identifier of {name}: {token.strip()}"
                entries.append(
                    _entry(rid, Matched.IDENTIFIER, normal_any(token), token.strip(), snippet)
                )
    for eid, rid, reference, seal in connection.execute(
        select(
            _EXHIBITS.c.id, _EXHIBITS.c.referral_id, _EXHIBITS.c.reference, _EXHIBITS.c.seal_number
        ).where(_EXHIBITS.c.referral_id.in_(referral_ids), _EXHIBITS.c.withdrawn_at.is_(None))
    ):
        record = (RecordType.EXHIBIT, eid, reference)
        entries.append(
            _entry(
                rid,
                Matched.EXHIBIT,
                normal_text(reference),
                reference,
                f"exhibit {reference}",
                record=record,
            )
        )
        if seal and seal.strip():
            snippet = f"seal {seal} (exhibit {reference})"
            entries.append(
                _entry(rid, Matched.SEAL, normal_text(seal), seal, snippet, record=record)
            )
    return [entry for entry in entries if entry["key"]]


def reindex(connection: Connection, referral_ids: Iterable[int]) -> None:
    """Replace the entries of these cases with entries made from their rows now (a case no
    longer stored loses its entries)."""
    for chunk in _chunks(referral_ids):
        connection.execute(delete(_ENTRIES).where(_ENTRIES.c.referral_id.in_(chunk)))
        entries = entries_of(connection, chunk)
        if entries:
            connection.execute(insert(_ENTRIES), entries)


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
    cases: set[int] = set()
    for item in (*session.new, *session.dirty, *session.deleted):
        if isinstance(item, ReferralRow):
            changed = item in session.new or item in session.deleted
            watched = ("received_at", "withdrawn_at")
            if changed or any(get_history(item, name).has_changes() for name in watched):
                cases.add(item.id)
        elif isinstance(item, _ROW_TYPES) and item.referral_id is not None:
            cases.add(item.referral_id)
            history = get_history(item, "referral_id")
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
