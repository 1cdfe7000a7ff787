"""SQL implementation of `netsafe.hashlists.repository.HashListRepository`.

Entries are written in batches straight through the DBAPI connection of the caller's session
(same transaction): `executemany` of 50-row INSERTs on SQLite, `COPY` on PostgreSQL. The values of
signals without a column go to the side table `hashlist_entry_signals`, one row per value. Entry ids
are consecutive per batch, from the table's current maximum; on PostgreSQL the table is locked
against other writers for the rest of the transaction, so two imports cannot hand out the same
ids.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import delete, func, insert, select, text, update
from sqlalchemy.orm import Session

from netsafe.hashlists.model import (
    ENTRY_FIELDS,
    EntryRow,
    HashEntry,
    HashList,
    ListAction,
    ListSettings,
    Provenance,
    SignalValues,
)
from netsafe.hashlists.repository import ListUpdate
from netsafe.store.models.hashlists import (
    HashListEntryRow,
    HashListEntrySignalRow,
    HashListRemovalRow,
    HashListRow,
)

_COLUMNS = ", ".join(ENTRY_FIELDS)
_ENTRY_COLUMNS = [getattr(HashListEntryRow, name) for name in ENTRY_FIELDS]


#: SQLite's DBAPI binds int, str and bytearray directly but runs its adapter protocol (several
#: times the cost of the insert itself) for each None, bytes or bool. Bulk inserts therefore pass
#: every value as one of the cheap types, with an "absent" marker turned back into NULL by SQL:
#: an empty blob for hashes, '' for texts (readers never keep an empty text: blank means absent),
#: -1 for the size and the flag (sizes are never negative).
_SQLITE_ROW = (
    "NULLIF(?, x''), NULLIF(?, x''), NULLIF(?, x''), NULLIF(?, x''), ?, NULLIF(?, -1), "
    "NULLIF(?, ''), NULLIF(?, -1), NULLIF(?, ''), NULLIF(?, '')"
)
#: Rows per INSERT statement: one statement of many rows runs a third fewer instructions per row
#: than one row per statement (fewer statement steps and resets); 500 parameters stay far under
#: SQLite's limit of 32,766.
_SQLITE_ROWS_PER_STATEMENT = 50
_NO_BLOB = bytearray()


def _sqlite_insert(list_id: int, revision: int, rows: int) -> str:
    """INSERT of `rows` entries of one list and revision (ids left to SQLite: the next rowids)."""
    values = ", ".join([f"({int(list_id)}, {int(revision)}, {_SQLITE_ROW})"] * rows)
    return f"INSERT INTO hashlist_entries (list_id, revision, {_COLUMNS}) VALUES {values}"  # noqa: S608


def _sqlite_parameters(
    entries: Sequence[EntryRow], rows: int, signals: list[tuple[int, SignalValues]]
) -> list[tuple[object, ...]]:
    """`entries` as SQLite bind parameters of cheap types (see `_SQLITE_ROW`), the values of
    `rows` entries in each tuple (of the entries left at the end, in the last one). Entries with
    values of signals without a column are added to `signals` with their position."""
    none = _NO_BLOB
    statements = []
    for start in range(0, len(entries), rows):
        values: list[object] = []
        add = values.extend
        for position, (
            md5,
            sha1,
            sha256,
            pdq,
            category,
            size,
            series,
            victim,
            comments,
            source_id,
            others,
        ) in enumerate(entries[start : start + rows], start):
            if others:
                signals.append((position, others))
            add(
                (
                    none if md5 is None else bytearray(md5),
                    none if sha1 is None else bytearray(sha1),
                    none if sha256 is None else bytearray(sha256),
                    none if pdq is None else bytearray(pdq),
                    category,
                    -1 if size is None else size,
                    "" if series is None else series,
                    -1 if victim is None else int(victim),
                    "" if comments is None else comments,
                    "" if source_id is None else source_id,
                )
            )
        statements.append(tuple(values))
    return statements


def _to_domain(row: HashListRow) -> HashList:
    return HashList(
        id=row.id,
        name=row.name,
        provenance=Provenance(row.source, row.version, row.released, row.handling_note),
        settings=ListSettings(
            ListAction(row.action),
            row.max_distance,
            row.quality_floor,
            row.vpdq_max_distance,
            row.vpdq_quality_floor,
            row.vpdq_query_match,
            row.vpdq_compared_match,
        ),
        format=row.format,
        entry_count=row.entry_count,
        revision=row.revision,
        imported_at=row.imported_at,
        category_counts={str(k): int(v) for k, v in (row.category_counts or {}).items()},
    )


def _settings_columns(settings: ListSettings) -> dict[str, int | float]:
    """The list's thresholds as `hashlists` columns."""
    return {
        "max_distance": settings.max_distance,
        "quality_floor": settings.quality_floor,
        "vpdq_max_distance": settings.vpdq_max_distance,
        "vpdq_quality_floor": settings.vpdq_quality_floor,
        "vpdq_query_match": settings.vpdq_query_match,
        "vpdq_compared_match": settings.vpdq_compared_match,
    }


class SqlHashListRepository:
    """Lists in `hashlists`, entries in `hashlist_entries`, in the caller's session."""

    def __init__(self, session: Session) -> None:
        self._session = session
        self._locked = False

    @property
    def _postgres(self) -> bool:
        return self._session.get_bind().dialect.name == "postgresql"

    def lock_imports(self) -> None:
        """PostgreSQL: the entries table's SHARE ROW EXCLUSIVE lock (it conflicts with itself;
        readers go on). SQLite: the database's write lock, taken by a write that changes nothing
        (it waits up to the connection's busy timeout)."""
        if self._locked:
            return
        if self._postgres:
            self._session.execute(text("LOCK TABLE hashlist_entries IN SHARE ROW EXCLUSIVE MODE"))
        else:
            self._session.execute(text("UPDATE hashlists SET revision = revision WHERE id = -1"))
        self._locked = True

    def get(self, name: str) -> HashList | None:
        row = self._session.scalar(select(HashListRow).where(HashListRow.name == name))
        return None if row is None else _to_domain(row)

    def all(self) -> list[HashList]:
        return [
            _to_domain(r)
            for r in self._session.scalars(select(HashListRow).order_by(HashListRow.name))
        ]

    def create(self, name: str, list_format: str, settings: ListSettings) -> int:
        row = HashListRow(
            name=name,
            action=settings.action.value,
            **_settings_columns(settings),
            format=list_format,
            entry_count=0,
            revision=0,
            category_counts={},
            imported_at=datetime.now(UTC),
        )
        self._session.add(row)
        self._session.flush()
        return row.id

    def update(self, list_id: int, change: ListUpdate) -> None:
        self._session.execute(
            update(HashListRow)
            .where(HashListRow.id == list_id)
            .values(
                source=change.provenance.source,
                version=change.provenance.version,
                released=change.provenance.released,
                handling_note=change.provenance.handling_note,
                action=change.settings.action.value,
                **_settings_columns(change.settings),
                format=change.format,
                entry_count=change.entry_count,
                revision=change.revision,
                category_counts=dict(change.category_counts),
                imported_at=datetime.now(UTC),
            )
        )
        self._session.expire_all()

    def add_entries(self, list_id: int, revision: int, entries: Sequence[EntryRow]) -> range:
        if not entries:
            return range(0)
        dbapi = self._session.connection().connection.dbapi_connection
        assert dbapi is not None
        if self._postgres:
            return self._copy(dbapi, int(list_id), int(revision), entries)
        rows = _SQLITE_ROWS_PER_STATEMENT
        signals: list[tuple[int, SignalValues]] = []
        parameters = _sqlite_parameters(entries, rows, signals)
        whole = len(entries) // rows
        cursor = dbapi.cursor()
        try:
            # The id is left out: SQLite gives each row MAX(rowid) + 1, in the order of the
            # VALUES. Once the first row is in, this transaction holds the write lock, so the
            # batch's ids are the last ones.
            if whole:
                cursor.executemany(_sqlite_insert(list_id, revision, rows), parameters[:whole])
            if len(entries) % rows:
                cursor.execute(
                    _sqlite_insert(list_id, revision, len(entries) % rows), parameters[whole]
                )
            cursor.execute("SELECT MAX(id) FROM hashlist_entries")
            last = int(cursor.fetchone()[0])  # type: ignore[index]
        finally:
            cursor.close()
        first = last - len(entries) + 1
        self._add_signal_values(list_id, first, signals)
        return range(first, first + len(entries))

    def _add_signal_values(
        self, list_id: int, first: int, signals: list[tuple[int, SignalValues]]
    ) -> None:
        """Side-table rows for entries (by position from entry id `first`) with such values."""
        if signals:
            self._session.execute(
                insert(HashListEntrySignalRow),
                [
                    {"entry_id": first + at, "signal": name, "list_id": list_id, "value": value}
                    for at, values in signals
                    for name, value in values
                ],
            )

    def _copy(self, dbapi: Any, list_id: int, revision: int, entries: Sequence[EntryRow]) -> range:
        with dbapi.cursor() as cursor:
            if not self._locked:
                cursor.execute("LOCK TABLE hashlist_entries IN SHARE ROW EXCLUSIVE MODE")
                self._locked = True
            cursor.execute("SELECT COALESCE(MAX(id), 0) FROM hashlist_entries")
            first = int(cursor.fetchone()[0]) + 1
            statement = f"COPY hashlist_entries (id, list_id, revision, {_COLUMNS}) FROM STDIN"
            signals: list[tuple[int, SignalValues]] = []
            with cursor.copy(statement) as copy:
                for at, entry in enumerate(entries):
                    if entry[10]:
                        signals.append((at, entry[10]))
                    copy.write_row((first + at, list_id, revision, *entry[:10]))
        self._add_signal_values(list_id, first, signals)
        return range(first, first + len(entries))

    def remove_entries(self, list_id: int, revision: int, entry_ids: Sequence[int]) -> None:
        ids = [int(i) for i in entry_ids]
        for start in range(0, len(ids), 10_000):
            chunk = ids[start : start + 10_000]
            self._session.execute(delete(HashListEntryRow).where(HashListEntryRow.id.in_(chunk)))
            self._session.execute(
                delete(HashListEntrySignalRow).where(HashListEntrySignalRow.entry_id.in_(chunk))
            )
            self._session.execute(
                insert(HashListRemovalRow),
                [{"list_id": list_id, "revision": revision, "entry_id": i} for i in chunk],
            )

    def entries(
        self, list_id: int, *, added_after: int = 0, batch_size: int = 20_000
    ) -> Iterator[list[tuple[int, HashEntry]]]:
        statement = (
            select(HashListEntryRow.id, *_ENTRY_COLUMNS)
            .where(HashListEntryRow.list_id == list_id)
            .order_by(HashListEntryRow.id)
            .execution_options(yield_per=batch_size)
        )
        if added_after:
            statement = statement.where(HashListEntryRow.revision > added_after)
        with_signals = self._has_signal_values(list_id)
        # Core, not ORM, execution: the ORM's per-row loading cost as much as the query.
        result = self._session.connection().execute(statement)
        make = HashEntry._make
        none: tuple[SignalValues] = ((),)
        for rows in result.partitions():
            if not with_signals:
                yield [(row[0], make(row[1:] + none)) for row in rows]
                continue
            found = self._signal_values(list_id, rows[0][0], rows[-1][0])
            yield [(row[0], make((*row[1:], found.get(row[0], ())))) for row in rows]

    def _has_signal_values(self, list_id: int) -> bool:
        return (
            self._session.scalar(
                select(HashListEntrySignalRow.entry_id)
                .where(HashListEntrySignalRow.list_id == list_id)
                .limit(1)
            )
            is not None
        )

    def _signal_values(self, list_id: int, first: int, last: int) -> dict[int, SignalValues]:
        """The side-table values of a list's entries with ids from `first` to `last`."""
        rows = self._session.execute(
            select(
                HashListEntrySignalRow.entry_id,
                HashListEntrySignalRow.signal,
                HashListEntrySignalRow.value,
            )
            .where(
                HashListEntrySignalRow.list_id == list_id,
                HashListEntrySignalRow.entry_id.between(first, last),
            )
            .order_by(HashListEntrySignalRow.entry_id, HashListEntrySignalRow.signal)
        )
        found: dict[int, list[tuple[str, str]]] = {}
        for entry_id, signal, value in rows:
            found.setdefault(entry_id, []).append((signal, value))
        return {entry_id: tuple(values) for entry_id, values in found.items()}

    def removed_after(self, list_id: int, revision: int) -> list[int]:
        return list(
            self._session.scalars(
                select(HashListRemovalRow.entry_id).where(
                    HashListRemovalRow.list_id == list_id, HashListRemovalRow.revision > revision
                )
            )
        )

    def delete(self, list_id: int) -> None:
        for table in (HashListRemovalRow, HashListEntrySignalRow, HashListEntryRow):
            self._session.execute(delete(table).where(table.list_id == list_id))
        self._session.execute(delete(HashListRow).where(HashListRow.id == list_id))
        self._session.expire_all()

    def count_entries(self, list_id: int) -> int:
        """The number of stored entries of a list (a check; the list row keeps the count)."""
        return int(
            self._session.scalar(
                select(func.count())
                .select_from(HashListEntryRow)
                .where(HashListEntryRow.list_id == list_id)
            )
            or 0
        )
