"""Store many imported CyberTipline reports at once: each report's referral with its incident
lists, the report, its files with their matches, and its identifiers, in a few set-based
INSERTs per table for the whole batch (executemany; multi-row VALUES with RETURNING where the
new ids are needed), in the caller's transaction.

The search index follows these statements through the session's hooks
(`netsafe.store.search_index`); the caller wraps the batch in `search_index_batch` so its cases
are indexed once.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, cast

from sqlalchemy import Table, insert
from sqlalchemy.orm import Session

from netsafe.intake.model import CyberTipReport, ReportIdentifier
from netsafe.matching.match import Match
from netsafe.operation.referrals import Referral
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

_REFERRALS = cast(Table, ReferralRow.__table__)
_INTAKE_FILES = cast(Table, IntakeFileRow.__table__)
QUALIFIER_MAX = 200
FOUND_AT_MAX = 200


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


def _report_values(referral_id: int, item: ImportedReport) -> dict[str, Any]:
    report, user = item.report, item.report.reported
    return {
        "referral_id": referral_id,
        "report_id": report.report_id,
        "source_file": item.source_file[-500:],
        "file_format": item.file_format,
        "imported_at": item.imported_at,
        "imported_by": item.imported_by,
        "incident_type": report.incident_type,
        "escalate_reason": report.escalate_reason,
        "annotations": list(report.annotations),
        "esp_service": None if user is None else user.esp_service,
        "assignment_reason": item.assignment_reason,
        "awaiting_assignment": item.awaiting_assignment,
        "assigned_by": None,
        "assigned_at": None,
        "prescore_band": item.prescore_band,
        "prescore_reasons": list(item.prescore_reasons),
        "prescore_rules": item.prescore_rules,
        "document": report.as_json(),
    }


class SqlIntakeBatchRepository:
    """Writes a batch of imported reports in the caller's session."""

    def __init__(self, session: Session) -> None:
        self._session = session

    def _insert(self, table: Any, rows: list[dict[str, Any]]) -> None:
        if rows:
            self._session.execute(insert(table), rows)

    def _insert_returning_ids(self, table: Table, rows: list[dict[str, Any]]) -> list[int]:
        if not rows:
            return []
        statement = insert(table).returning(table.c.id, sort_by_parameter_order=True)
        return [int(i) for i in self._session.scalars(statement, rows)]

    def add(self, items: Sequence[ImportedReport]) -> list[int]:
        """Store the batch; the new referral ids, in the order of `items`."""
        if not items:
            return []
        ids = self._insert_returning_ids(_REFERRALS, [referral_values(i.referral) for i in items])
        note_referral_writes(self._session)
        pairs = list(zip(ids, items, strict=True))
        self._insert(
            ReferralIdentifierRow.__table__,
            [
                identifier_values(rid, identifier)
                for rid, item in pairs
                for identifier in item.referral.incident.identifiers
            ],
        )
        self._insert(
            ReferralFileRow.__table__,
            [
                reported_file_values(rid, reported)
                for rid, item in pairs
                for reported in item.referral.incident.files
            ],
        )
        self._insert(
            ReferralAccessRow.__table__,
            [
                {"referral_id": rid, "username": username}
                for rid, item in pairs
                for username in sorted(set(item.referral.restricted_to))
            ],
        )
        self._insert(IntakeReportRow.__table__, [_report_values(rid, item) for rid, item in pairs])
        self._add_files(pairs)
        self._insert(
            IntakeIdentifierRow.__table__,
            [
                {
                    "referral_id": rid,
                    "kind": kind,
                    "value": value,
                    "qualifier": qualifier,
                    "seen_at": seen_at,
                    "found_at": identifier.found_at[:FOUND_AT_MAX],
                }
                for rid, item in pairs
                for identifier in item.identifiers
                for kind, value, qualifier, seen_at in (stored_identifier(identifier),)
            ],
        )
        return ids

    def _add_files(self, pairs: list[tuple[int, ImportedReport]]) -> None:
        rows, matches = [], []
        for rid, item in pairs:
            at = item.imported_at if item.matched else None
            for reported, found in zip(item.report.files, item.file_matches, strict=True):
                rows.append(
                    {
                        "referral_id": rid,
                        "file_id": reported.file_id,
                        "original_file_name": reported.original_file_name,
                        "md5": reported.hash_of("md5"),
                        "sha1": reported.hash_of("sha1"),
                        "sha256": reported.hash_of("sha256"),
                        "pdq": reported.hash_of("pdq"),
                        "relevance": reported.relevance,
                        "annotations": list(reported.annotations),
                        "industry_classification": reported.industry_classification,
                        "viewed_by_esp": reported.viewed_by_esp,
                        "publicly_available": reported.publicly_available,
                        "matched_at": at,
                    }
                )
                matches.append(found)
        if not any(matches):  # no RETURNING needed: nothing refers to the new files
            self._insert(_INTAKE_FILES, rows)
            return
        file_ids = self._insert_returning_ids(_INTAKE_FILES, rows)
        self._insert(
            IntakeFileMatchRow.__table__,
            [
                {
                    "intake_file_id": file_id,
                    "list_name": m.list_name,
                    "entry_id": m.entry_id,
                    "category": m.category.value,
                    "signal": m.signal,
                    "distance": m.distance,
                }
                for file_id, found in zip(file_ids, matches, strict=True)
                for m in found
            ],
        )
