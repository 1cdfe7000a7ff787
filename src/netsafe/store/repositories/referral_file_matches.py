"""The list matches of a referral's reported files (`referral_files`), whether they were typed
in by hand on the case or came with an imported report: matched by the one rule
(`netsafe.hashlists.reported_files.match_reported_files`) when they are written by hand, from
the import's own answer when a report is imported, and all again when a list arrives."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import cast

from sqlalchemy import Table, select
from sqlalchemy.orm import Session

from netsafe.hashlists.reported_files import AskLists
from netsafe.matching.match import Match
from netsafe.operation.referrals import FileMatch
from netsafe.store.bulk_rows import insert_rows
from netsafe.store.models.operation import ReferralFileMatchRow, ReferralFileRow
from netsafe.store.repositories.file_matches import (
    CHUNK,
    MatchTables,
    match_values,
    matches_of,
    replace_matches,
)

REFERRAL_FILE_MATCHES = MatchTables(ReferralFileRow, ReferralFileMatchRow, "referral_file_id")
_MATCHES = cast(Table, ReferralFileMatchRow.__table__)
_MATCH_COLUMNS = ("referral_file_id", "list_name", "entry_id", "category", "signal", "distance")


class SqlReferralFileMatches:
    """The matches of referral files in the caller's session."""

    def __init__(self, session: Session) -> None:
        self._session = session

    def hashes(self, referral_ids: Sequence[int] | None = None) -> list[tuple[int, dict[str, str]]]:
        """(file row id, signal → hash) of every reported file (of `referral_ids` when given),
        in row order."""
        f = ReferralFileRow
        statement = select(f.id, f.md5, f.sha1, f.sha256).order_by(f.id)
        if referral_ids is not None:
            statement = statement.where(f.referral_id.in_(list(referral_ids)))
        found = []
        for row_id, md5, sha1, sha256 in self._session.execute(statement):
            values = {"md5": md5, "sha1": sha1, "sha256": sha256}
            found.append((row_id, {k: v for k, v in values.items() if v}))
        return found

    def match(
        self, ask: AskLists, referral_ids: Sequence[int] | None, at: datetime
    ) -> tuple[int, int]:
        """Match the reported files (of `referral_ids`, or every referral's) against the lists
        (`ask`: the one rule, `match_reported_files`, over a matcher) and keep the answer; how
        many files there are and how many an alert list knows."""
        rows = self.hashes(referral_ids)
        answers = ask([values for _, values in rows])
        matched = [(row_id, a.matches) for (row_id, _), a in zip(rows, answers, strict=True)]
        replace_matches(self._session, REFERRAL_FILE_MATCHES, matched, at)
        return len(rows), sum(1 for a in answers if a.matches)

    def add_imported(self, referral_ids: Sequence[int], found: Sequence[Sequence[Match]]) -> None:
        """Keep the matches the import found of the files of referrals it has just stored
        (`found`: per file, in the order written; their `matched_at` was written with them)."""
        if not any(found):
            return
        file_ids: list[int] = []
        f = ReferralFileRow
        for start in range(0, len(referral_ids), CHUNK):
            chunk = list(referral_ids[start : start + CHUNK])
            file_ids += self._session.scalars(
                select(f.id).where(f.referral_id.in_(chunk)).order_by(f.id)
            )
        if len(file_ids) != len(found):
            raise RuntimeError("the files of new referrals changed while they were imported")
        rows = [
            tuple(match_values(REFERRAL_FILE_MATCHES, file_id, m)[c] for c in _MATCH_COLUMNS)
            for file_id, matches in zip(file_ids, found, strict=True)
            for m in matches
        ]
        insert_rows(self._session, _MATCHES, _MATCH_COLUMNS, rows)

    def of(self, file_ids: Sequence[int]) -> dict[int, tuple[FileMatch, ...]]:
        """The kept matches of the files `file_ids`, by file."""
        return matches_of(self._session, REFERRAL_FILE_MATCHES, file_ids)
