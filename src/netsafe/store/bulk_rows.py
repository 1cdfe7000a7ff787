"""Write many rows to one table as fast as the database takes them, in the session's
transaction: PostgreSQL's COPY, SQLite's own executemany. Values are converted by the
columns' types exactly as an INSERT statement of SQLAlchemy's would convert them (on SQLite,
times become the same text), so what is stored is the same; only the per-row work of building
a statement's parameters is saved.

These writes go around the session's statement hooks: use them only for tables the search
index does not read (`netsafe.store.search_index`), such as the deconfliction keys and links,
the intake tables, and the index's own entries; or for rows of cases the caller has the index
note itself (`search_index.note_cases`).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from sqlalchemy import Connection, Table
from sqlalchemy.orm import Session


def _quoted(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


class JsonText(str):
    """A JSON column's value already written as JSON text: stored as it is (not encoded
    again)."""

    __slots__ = ()


def insert_rows(
    session: Session, table: Table, columns: Sequence[str], rows: Sequence[Sequence[Any]]
) -> None:
    """INSERT `rows` (each a tuple of values in `columns` order) into `table`, in the
    session's transaction."""
    if rows:
        insert_rows_on(session.connection(), table, columns, rows)


def insert_rows_on(
    connection: Connection, table: Table, columns: Sequence[str], rows: Sequence[Sequence[Any]]
) -> None:
    """`insert_rows` on a connection."""
    if not rows:
        return
    dialect = connection.dialect
    known = [table.c[c] for c in columns]  # names from our own tables' metadata only
    names = ", ".join(_quoted(c.name) for c in known)
    processors: list[Callable[[Any], Any] | None] = [
        c.type.dialect_impl(dialect).bind_processor(dialect) for c in known
    ]
    if any(processors):  # e.g. JSON written as text (SQLite) or psycopg's Json (PostgreSQL)
        rows = [
            tuple(
                value if p is None or value is None or type(value) is JsonText else p(value)
                for p, value in zip(processors, row, strict=True)
            )
            for row in rows
        ]
    if dialect.name == "postgresql":
        cursor = connection.connection.driver_connection.cursor()  # type: ignore[union-attr]
        with cursor.copy(f"COPY {_quoted(table.name)} ({names}) FROM STDIN") as copy:
            for row in rows:
                copy.write_row(row)
        return
    marks = ", ".join("?" for _ in columns)
    connection.exec_driver_sql(
        f"INSERT INTO {_quoted(table.name)} ({names}) VALUES ({marks})",  # noqa: S608 - names from the metadata
        list(rows),
    )
