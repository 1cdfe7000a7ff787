"""Store many imported CyberTipline reports at once: each report's referral with its incident
lists, the report, its files with their matches, and its identifiers, in one statement per
table for the whole batch, in the caller's transaction: the referrals by a multi-row INSERT
with RETURNING (their new ids), every other table by `bulk_rows.insert_rows` (COPY on
PostgreSQL, the driver's executemany on SQLite), the new files' ids read back with one query.

The search index notes the new referrals through the session's statement hook, and their
identifiers and files through `note_cases` (`netsafe.store.search_index`); the caller wraps
the batch in `search_index_batch` so its cases are indexed once.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, cast

from sqlalchemy import Table, insert, select
from sqlalchemy.orm import Session

from netsafe.intake.model import CyberTipReport, ReportIdentifier
from netsafe.matching.match import Match
from netsafe.operation.referrals import Referral
from netsafe.store.bulk_rows import JsonText, insert_rows
from netsafe.store.models.intake import (
    IntakeFileMatchRow,
    IntakeFileRow,
    IntakeIdentifierRow,
    IntakeReportRow,
)
from netsafe.store.models.operation import (
    ReferralAccessRow,
    ReferralFileRow,
    ReferralIdentifierRow,
    ReferralRow,
)
from netsafe.store.referral_events import note_referral_writes
from netsafe.store.repositories.operation_referrals import (
    identifier_values,
    referral_values,
    reported_file_values,
)
from netsafe.store.repositories.referral_file_matches import SqlReferralFileMatches
from netsafe.store.search_index import note_cases

_REFERRALS = cast(Table, ReferralRow.__table__)
_INTAKE_FILES = cast(Table, IntakeFileRow.__table__)
QUALIFIER_MAX = 200
FOUND_AT_MAX = 200
#: New referrals whose files' ids are read with one query.
_IDS_AT_ONCE = 500


@dataclass(frozen=True, slots=True)
class ImportedReport:
    """One report to store: its referral (validated, not stored), the report, what the import
    decided about it, and the lists' matches of each of its files (in `report.files` order;
    `matched` False when no matcher was there to ask)."""

    referral: Referral
    report: CyberTipReport
    source_file: str
    file_format: str
    imported_at: datetime
    imported_by: str
    assignment_reason: str
    awaiting_assignment: bool
    prescore_band: str | None
    prescore_reasons: tuple[str, ...]
    prescore_rules: str
    identifiers: tuple[ReportIdentifier, ...]
    file_matches: tuple[tuple[Match, ...], ...]
    matched: bool


def stored_identifier(identifier: ReportIdentifier) -> tuple[str, str, str | None, datetime | None]:
    """(kind, value, qualifier, capture time) as `intake_identifiers` keeps an identifier."""
    qualifier = None if identifier.qualifier is None else identifier.qualifier[:QUALIFIER_MAX]
    return identifier.kind.value, identifier.value, qualifier, identifier.seen_at


_REPORT_COLUMNS = (
    "referral_id",
    "report_id",
    "source_file",
    "file_format",
    "imported_at",
    "imported_by",
    "incident_type",
    "escalate_reason",
    "annotations",
    "esp_service",
    "assignment_reason",
    "awaiting_assignment",
    "assigned_by",
    "assigned_at",
    "prescore_band",
    "prescore_reasons",
    "prescore_rules",
    "document",
)
_FILE_COLUMNS = (
    "referral_id",
    "file_id",
    "original_file_name",
    "md5",
    "sha1",
    "sha256",
    "pdq",
    "relevance",
    "annotations",
    "industry_classification",
    "viewed_by_esp",
    "publicly_available",
    "matched_at",
)
_MATCH_COLUMNS = ("intake_file_id", "list_name", "entry_id", "category", "signal", "distance")
_IDENTIFIER_COLUMNS = ("referral_id", "kind", "value", "qualifier", "seen_at", "found_at")
_REFERRAL_IDENTIFIER_COLUMNS = ("referral_id", "kind", "value", "seen_at")
_REFERRAL_FILE_COLUMNS = ("referral_id", "file_name", "md5", "sha1", "sha256", "matched_at")


def _report_row(referral_id: int, item: ImportedReport) -> tuple[Any, ...]:
    report, user = item.report, item.report.reported
    return (
        referral_id,
        report.report_id,
        item.source_file[-500:],
        item.file_format,
        item.imported_at,
        item.imported_by,
        report.incident_type,
        report.escalate_reason,
        list(report.annotations),
        None if user is None else user.esp_service,
        item.assignment_reason,
        item.awaiting_assignment,
        None,
        None,
        item.prescore_band,
        list(item.prescore_reasons),
        item.prescore_rules,
        JsonText(report.json_text()),
    )


class SqlIntakeBatchRepository:
    """Writes a batch of imported reports in the caller's session."""

    def __init__(self, session: Session) -> None:
        self._session = session

    def add(self, items: Sequence[ImportedReport]) -> list[int]:
        """Store the batch; the new referral ids, in the order of `items`."""
        if not items:
            return []
        statement = insert(_REFERRALS).returning(_REFERRALS.c.id, sort_by_parameter_order=True)
        rows = [referral_values(i.referral) for i in items]
        ids = [int(i) for i in self._session.scalars(statement, rows)]  # indexed by its hook
        note_referral_writes(self._session)
        pairs = list(zip(ids, items, strict=True))
        session = self._session
        insert_rows(
            session,
            _table(ReferralIdentifierRow),
            _REFERRAL_IDENTIFIER_COLUMNS,
            [
                _in_order(identifier_values(rid, identifier), _REFERRAL_IDENTIFIER_COLUMNS)
                for rid, item in pairs
                for identifier in item.referral.incident.identifiers
            ],
        )
        insert_rows(
            session,
            _table(ReferralFileRow),
            _REFERRAL_FILE_COLUMNS,
            [
                _in_order(
                    reported_file_values(rid, reported, _matched_at(item)), _REFERRAL_FILE_COLUMNS
                )
                for rid, item in pairs
                for reported in item.referral.incident.files
            ],
        )
        # a referral's files are its report's, in order: they have its files' matches
        SqlReferralFileMatches(session).add_imported(
            ids, [found for item in items for found in item.file_matches]
        )
        insert_rows(
            session,
            _table(ReferralAccessRow),
            ("referral_id", "username"),
            [
                (rid, username)
                for rid, item in pairs
                for username in sorted(set(item.referral.restricted_to))
            ],
        )
        note_cases(session, ids)  # their identifiers and files, written around the hooks
        insert_rows(
            session, _table(IntakeReportRow), _REPORT_COLUMNS, [_report_row(*p) for p in pairs]
        )
        self._add_files(pairs)
        insert_rows(
            session,
            _table(IntakeIdentifierRow),
            _IDENTIFIER_COLUMNS,
            [
                (rid, kind, value, qualifier, seen_at, identifier.found_at[:FOUND_AT_MAX])
                for rid, item in pairs
                for identifier in item.identifiers
                for kind, value, qualifier, seen_at in (stored_identifier(identifier),)
            ],
        )
        return ids

    def _add_files(self, pairs: list[tuple[int, ImportedReport]]) -> None:
        rows, matches = [], []
        for rid, item in pairs:
            at = _matched_at(item)
            for reported, found in zip(item.report.files, item.file_matches, strict=True):
                hashes = {h.signal: h.value for h in reversed(reported.hashes) if h.signal}
                rows.append(
                    (
                        rid,
                        reported.file_id,
                        reported.original_file_name,
                        hashes.get("md5"),
                        hashes.get("sha1"),
                        hashes.get("sha256"),
                        hashes.get("pdq"),
                        reported.relevance,
                        list(reported.annotations),
                        reported.industry_classification,
                        reported.viewed_by_esp,
                        reported.publicly_available,
                        at,
                    )
                )
                matches.append(found)
        insert_rows(self._session, _INTAKE_FILES, _FILE_COLUMNS, rows)
        if not any(matches):  # nothing refers to the new files
            return
        file_ids = self._new_file_ids([rid for rid, _ in pairs])
        if len(file_ids) != len(rows):
            raise RuntimeError("the files of new referrals changed while they were imported")
        insert_rows(
            self._session,
            _table(IntakeFileMatchRow),
            _MATCH_COLUMNS,
            [
                (file_id, m.list_name, m.entry_id, m.category.value, m.signal, m.distance)
                for file_id, found in zip(file_ids, matches, strict=True)
                for m in found
            ],
        )

    def _new_file_ids(self, referral_ids: list[int]) -> list[int]:
        """The ids of the files just written for these new referrals, in the order written
        (ids grow with each row inserted; no one else writes files of referrals this
        transaction has just made)."""
        found: list[int] = []
        for start in range(0, len(referral_ids), _IDS_AT_ONCE):
            chunk = referral_ids[start : start + _IDS_AT_ONCE]
            found += self._session.scalars(
                select(_INTAKE_FILES.c.id)
                .where(_INTAKE_FILES.c.referral_id.in_(chunk))
                .order_by(_INTAKE_FILES.c.id)
            )
        return found


def _matched_at(item: ImportedReport) -> datetime | None:
    """When the import matched the report's files (None: there were no lists to ask)."""
    return item.imported_at if item.matched else None


def _in_order(values: dict[str, Any], columns: Sequence[str]) -> tuple[Any, ...]:
    if len(values) != len(columns):
        raise ValueError(f"expected the columns {', '.join(columns)}, got {', '.join(values)}")
    return tuple(values[c] for c in columns)


def _table(row: Any) -> Table:
    return cast(Table, row.__table__)
