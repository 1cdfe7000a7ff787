"""The list matches of stored files, kept the same way for a CyberTipline report's files
(`intake_files`, `intake_file_matches`) and for a referral's reported files, typed in by hand
or imported (`referral_files`, `referral_file_matches`): each file has the time its hashes
were last matched (`matched_at`) and one row per list entry they matched, replaced whenever the
file is matched again."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import delete, insert, select, update
from sqlalchemy.orm import Session

from netsafe.matching.match import Match
from netsafe.operation.referrals import FileMatch

#: Files whose matches are replaced (or read) with one statement.
CHUNK = 500


@dataclass(frozen=True, slots=True)
class MatchTables:
    """A table of files with `matched_at`, and the table of their matches (`file_column`
    naming the file)."""

    files: Any
    matches: Any
    file_column: str


def replace_matches(
    session: Session,
    tables: MatchTables,
    matched: Sequence[tuple[int, Sequence[Match]]],
    at: datetime,
    *,
    fresh: bool = False,
) -> None:
    """Set the matches of stored files (file row id, the lists' answer now) and when they were
    matched, in a few statements for them all. `fresh`: the files have no matches yet (just
    stored), so there is nothing to delete."""
    files, rows = tables.files, tables.matches
    owner = getattr(rows, tables.file_column)
    ids = [row_id for row_id, _ in matched]
    session.flush()
    # On the session's connection, not through the ORM: a file's `matched_at` and its matches
    # are nothing the search index is made from, so no case is indexed again for them.
    connection = session.connection()
    for start in range(0, len(ids), CHUNK):
        chunk = ids[start : start + CHUNK]
        if not fresh:
            connection.execute(delete(rows).where(owner.in_(chunk)))
        connection.execute(update(files).where(files.id.in_(chunk)).values(matched_at=at))
    values = [match_values(tables, row_id, m) for row_id, matches in matched for m in matches]
    if values:
        connection.execute(insert(rows), values)


def match_values(tables: MatchTables, file_id: int, match: Match) -> dict[str, Any]:
    """The columns of one match row of file `file_id`."""
    return {
        tables.file_column: file_id,
        "list_name": match.list_name,
        "entry_id": match.entry_id,
        "category": match.category.value,
        "signal": match.signal,
        "distance": match.distance,
    }


def matches_of(
    session: Session, tables: MatchTables, file_ids: Sequence[int]
) -> dict[int, tuple[FileMatch, ...]]:
    """The kept matches of the files `file_ids`, by file, in the order they were written."""
    rows = tables.matches
    owner = getattr(rows, tables.file_column)
    found: dict[int, list[FileMatch]] = {}
    for start in range(0, len(file_ids), CHUNK):
        chunk = list(file_ids[start : start + CHUNK])
        for file_id, list_name, category, signal, distance in session.execute(
            select(owner, rows.list_name, rows.category, rows.signal, rows.distance)
            .where(owner.in_(chunk))
            .order_by(rows.id)
        ):
            found.setdefault(file_id, []).append(FileMatch(list_name, category, signal, distance))
    return {file_id: tuple(matches) for file_id, matches in found.items()}
