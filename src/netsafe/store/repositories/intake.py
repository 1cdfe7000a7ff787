"""Intake records in SQL: the report behind each imported referral, its files and their
matches, its identifiers, and the regional unit's queue of referrals awaiting a force."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, TypeVar

from sqlalchemy import Select, func, insert, select, text, update
from sqlalchemy.orm import Session

from netsafe.intake.model import CyberTipReport, ReportFile
from netsafe.intake.records import IntakeFile, IntakeRecord, UnassignedReferral
from netsafe.matching.match import Match
from netsafe.operation.referrals import referral_reference
from netsafe.store.models.intake import (
    AWAITING_CONDITION,
    IntakeFileMatchRow,
    IntakeFileRow,
    IntakeIdentifierRow,
    IntakeReportRow,
)
from netsafe.store.models.operation import ReferralFileMatchRow, ReferralFileRow, ReferralRow
from netsafe.store.repositories.file_matches import MatchTables, matches_of, replace_matches
from netsafe.timestamps import as_utc

_S = TypeVar("_S", bound=Select[*tuple[Any, ...]])
_AWAITING = text(f"intake_reports.{AWAITING_CONDITION}")
INTAKE_FILE_MATCHES = MatchTables(IntakeFileRow, IntakeFileMatchRow, "intake_file_id")


@dataclass(frozen=True, slots=True)
class PrescoreInputs:
    """What the pre-score of a stored report reads (the report with its escalation and its
    own and its files' annotations), the band it was given, and its files' matched categories."""

    report: CyberTipReport
    prescore_band: str | None
    categories: frozenset[str]


def _opt(value: datetime | None) -> datetime | None:
    return None if value is None else as_utc(value)


class SqlIntakeRepository:
    """Intake rows in the caller's session."""

    def __init__(self, session: Session) -> None:
        self._session = session

    def known_reports(self, report_ids: Sequence[str]) -> dict[str, int]:
        """Report number → referral id, for those of `report_ids` already imported."""
        found: dict[str, int] = {}
        for start in range(0, len(report_ids), 500):
            chunk = list(report_ids[start : start + 500])
            rows = self._session.execute(
                select(IntakeReportRow.report_id, IntakeReportRow.referral_id).where(
                    IntakeReportRow.report_id.in_(chunk)
                )
            )
            found.update({str(k): int(v) for k, v in rows.all()})
        return found

    def add(
        self,
        referral_id: int,
        report: CyberTipReport,
        *,
        source_file: str,
        file_format: str,
        imported_at: datetime,
        imported_by: str,
        assignment_reason: str,
        awaiting_assignment: bool,
        prescore_band: str | None,
        prescore_reasons: Sequence[str],
        prescore_rules: str,
    ) -> None:
        """Store the report behind referral `referral_id`, its files and its identifiers."""
        user = report.reported
        self._session.add(
            IntakeReportRow(
                referral_id=referral_id,
                report_id=report.report_id,
                source_file=source_file[-500:],
                file_format=file_format,
                imported_at=imported_at,
                imported_by=imported_by,
                incident_type=report.incident_type,
                escalate_reason=report.escalate_reason,
                annotations=list(report.annotations),
                esp_service=None if user is None else user.esp_service,
                assignment_reason=assignment_reason,
                awaiting_assignment=awaiting_assignment,
                prescore_band=prescore_band,
                prescore_reasons=list(prescore_reasons),
                prescore_rules=prescore_rules,
                document=report.as_json(),
            )
        )
        if report.files:
            self._session.execute(
                insert(IntakeFileRow),
                [
                    {
                        "referral_id": referral_id,
                        "file_id": f.file_id,
                        "original_file_name": f.original_file_name,
                        "md5": f.hash_of("md5"),
                        "sha1": f.hash_of("sha1"),
                        "sha256": f.hash_of("sha256"),
                        "pdq": f.hash_of("pdq"),
                        "relevance": f.relevance,
                        "annotations": list(f.annotations),
                        "industry_classification": f.industry_classification,
                        "viewed_by_esp": f.viewed_by_esp,
                        "publicly_available": f.publicly_available,
                        "matched_at": None,
                    }
                    for f in report.files
                ],
            )
        identifiers = report.identifiers()
        if identifiers:
            self._session.execute(
                insert(IntakeIdentifierRow),
                [
                    {
                        "referral_id": referral_id,
                        "kind": i.kind.value,
                        "value": i.value,
                        "qualifier": None if i.qualifier is None else i.qualifier[:200],
                        "seen_at": i.seen_at,
                        "found_at": i.found_at[:200],
                    }
                    for i in identifiers
                ],
            )
        self._session.flush()

    def hashes(
        self, referral_ids: Sequence[int] | None = None
    ) -> Iterator[tuple[int, int, dict[str, str]]]:
        """(row id, referral id, signal → hash) of every stored file (of `referral_ids` when
        given), in row order."""
        statement = select(
            IntakeFileRow.id,
            IntakeFileRow.referral_id,
            IntakeFileRow.md5,
            IntakeFileRow.sha1,
            IntakeFileRow.sha256,
            IntakeFileRow.pdq,
        ).order_by(IntakeFileRow.id)
        if referral_ids is not None:
            statement = statement.where(IntakeFileRow.referral_id.in_(list(referral_ids)))
        for row_id, referral_id, md5, sha1, sha256, pdq in self._session.execute(statement):
            values = {"md5": md5, "sha1": sha1, "sha256": sha256, "pdq": pdq}
            yield row_id, referral_id, {k: v for k, v in values.items() if v}

    def replace_matches(
        self, matched: Sequence[tuple[int, Sequence[Match]]], at: datetime, *, fresh: bool = False
    ) -> None:
        """Set the matches of stored files (row id, the lists' answer now) and when they were
        matched, in a few statements for them all. `fresh`: the files have no matches yet
        (just stored), so there is nothing to delete."""
        replace_matches(self._session, INTAKE_FILE_MATCHES, matched, at, fresh=fresh)

    def prescore_inputs(self, referral_id: int | None = None) -> dict[int, PrescoreInputs]:
        """What the pre-score reads of every stored report (of referral `referral_id` alone
        when given), by referral, in four queries: its escalation and annotations, its files'
        annotations, the categories its files matched (its report's, and those typed in by
        hand on the case), and the band it was pre-scored."""
        report, file, match = IntakeReportRow, IntakeFileRow, IntakeFileMatchRow
        typed, typed_match = ReferralFileRow, ReferralFileMatchRow

        def of(statement: _S, column: Any) -> _S:
            return statement if referral_id is None else statement.where(column == referral_id)

        annotations: dict[int, list[ReportFile]] = {}
        for referral_id_, file_id, notes in self._session.execute(
            of(select(file.referral_id, file.file_id, file.annotations), file.referral_id).order_by(
                file.id
            )
        ):
            annotations.setdefault(referral_id_, []).append(
                ReportFile(file_id, annotations=tuple(notes or ()))
            )
        categories: dict[int, set[str]] = {}
        for statement in (
            of(
                select(file.referral_id, match.category).join(
                    file, file.id == match.intake_file_id
                ),
                file.referral_id,
            ),
            of(
                select(typed.referral_id, typed_match.category).join(
                    typed, typed.id == typed_match.referral_file_id
                ),
                typed.referral_id,
            ),
        ):
            for referral_id_, category in self._session.execute(statement.distinct()):
                categories.setdefault(referral_id_, set()).add(category)
        found = {}
        for row in self._session.execute(
            of(
                select(
                    report.referral_id,
                    report.report_id,
                    report.incident_type,
                    report.escalate_reason,
                    report.annotations,
                    report.prescore_band,
                ),
                report.referral_id,
            )
        ):
            found[row.referral_id] = PrescoreInputs(
                CyberTipReport(
                    report_id=row.report_id,
                    incident_type=row.incident_type,
                    escalate_reason=row.escalate_reason,
                    annotations=tuple(row.annotations or ()),
                    files=tuple(annotations.get(row.referral_id, ())),
                ),
                row.prescore_band,
                frozenset(categories.get(row.referral_id, ())),
            )
        return found

    def record(self, referral_id: int) -> IntakeRecord | None:
        """The intake record of a referral with its files and matches (None: not imported)."""
        row = self._session.scalar(
            select(IntakeReportRow).where(IntakeReportRow.referral_id == referral_id)
        )
        if row is None:
            return None
        files = list(
            self._session.scalars(
                select(IntakeFileRow)
                .where(IntakeFileRow.referral_id == referral_id)
                .order_by(IntakeFileRow.id)
            )
        )
        matches = matches_of(self._session, INTAKE_FILE_MATCHES, [f.id for f in files])
        return IntakeRecord(
            referral_id=row.referral_id,
            report_id=row.report_id,
            source_file=row.source_file,
            imported_at=as_utc(row.imported_at),
            imported_by=row.imported_by,
            incident_type=row.incident_type,
            escalate_reason=row.escalate_reason,
            annotations=tuple(row.annotations or ()),
            esp_service=row.esp_service,
            assignment_reason=row.assignment_reason,
            awaiting_assignment=row.awaiting_assignment,
            assigned_by=row.assigned_by,
            assigned_at=_opt(row.assigned_at),
            prescore_band=row.prescore_band,
            prescore_reasons=tuple(row.prescore_reasons or ()),
            prescore_rules=row.prescore_rules,
            files=tuple(
                IntakeFile(
                    id=f.id,
                    file_id=f.file_id,
                    original_file_name=f.original_file_name,
                    md5=f.md5,
                    sha1=f.sha1,
                    sha256=f.sha256,
                    pdq=f.pdq,
                    relevance=f.relevance,
                    annotations=tuple(f.annotations or ()),
                    industry_classification=f.industry_classification,
                    viewed_by_esp=f.viewed_by_esp,
                    publicly_available=f.publicly_available,
                    matched_at=_opt(f.matched_at),
                    matches=tuple(matches.get(f.id, ())),
                )
                for f in files
            ),
        )

    def set_prescore(self, referral_id: int, band: str | None, reasons: Sequence[str]) -> None:
        self._session.execute(
            update(IntakeReportRow)
            .where(IntakeReportRow.referral_id == referral_id)
            .values(prescore_band=band, prescore_reasons=list(reasons))
        )

    def unassigned(self, *, limit: int, offset: int) -> list[UnassignedReferral]:
        """Referrals waiting for a person to choose their force, oldest import first."""
        rows = self._session.execute(
            select(IntakeReportRow, ReferralRow.received_at, ReferralRow.deadline_at)
            .join(ReferralRow, ReferralRow.id == IntakeReportRow.referral_id)
            .where(_AWAITING)
            .order_by(IntakeReportRow.imported_at, IntakeReportRow.id)
            .limit(limit)
            .offset(offset)
        )
        return [
            UnassignedReferral(
                referral_id=row.referral_id,
                reference=referral_reference(row.referral_id, as_utc(received_at)),
                report_id=row.report_id,
                imported_at=as_utc(row.imported_at),
                assignment_reason=row.assignment_reason,
                prescore_band=row.prescore_band,
                deadline_at=as_utc(deadline_at),
            )
            for row, received_at, deadline_at in rows
        ]

    def count_unassigned(self) -> int:
        return int(
            self._session.scalar(select(func.count()).select_from(IntakeReportRow).where(_AWAITING))
            or 0
        )

    def assign(self, referral_id: int, force: str, *, by: str, at: datetime, reason: str) -> bool:
        """Give an awaiting referral its force; False when it was not awaiting one."""
        done = self._session.execute(
            update(IntakeReportRow)
            .where(IntakeReportRow.referral_id == referral_id, _AWAITING)
            .values(
                awaiting_assignment=False, assigned_by=by, assigned_at=at, assignment_reason=reason
            )
        )
        if not done.rowcount:  # type: ignore[attr-defined]
            return False
        self._session.execute(
            update(ReferralRow).where(ReferralRow.id == referral_id).values(force=force)
        )
        return True
