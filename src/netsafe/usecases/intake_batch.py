"""Import a batch of new CyberTipline reports in the caller's transaction, set-based: each
report gets its force (postcode, location, the operator's choice, or the regional unit's
queue), its files are matched against the lists in memory, its risk pre-scored, and then the
whole batch is stored with a few INSERTs per table (`SqlIntakeBatchRepository`), keyed and
linked across forces (`deconflict_imported`), indexed for search once, and audited.

The outcome is the one importing the reports one at a time, in order, would give.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from datetime import datetime, timedelta
from pathlib import Path

from sqlalchemy.orm import Session

from netsafe.hashlists.matcher import ListMatcher
from netsafe.hashlists.reported_files import match_reported_files
from netsafe.intake.forces import Assignment, assign_force
from netsafe.intake.model import CyberTipReport, IdentifierKind, ReportFile
from netsafe.intake.prescore import prescore
from netsafe.matching.match import Match
from netsafe.operation import referrals as casework
from netsafe.operation.risk import QuestionSet, RiskBand
from netsafe.platform.roles import Viewer
from netsafe.store.repositories.intake_batch import (
    ImportedReport,
    SqlIntakeBatchRepository,
    stored_identifier,
)
from netsafe.store.search_index import search_index_batch
from netsafe.usecases.deconflict import deconflict_imported
from netsafe.usecases.intake_outcome import AddedReferral
from netsafe.usecases.intake_setup import Audit, IntakeConfig, filer

_IDENTIFIER_KINDS = {
    IdentifierKind.EMAIL: casework.IdentifierKind.EMAIL,
    IdentifierKind.PHONE: casework.IdentifierKind.PHONE,
    IdentifierKind.IP_ADDRESS: casework.IdentifierKind.IP_ADDRESS,
    IdentifierKind.DEVICE_ID: casework.IdentifierKind.DEVICE,
    IdentifierKind.PROFILE_URL: casework.IdentifierKind.URL,
    IdentifierKind.SCREEN_NAME: casework.IdentifierKind.ACCOUNT,
    IdentifierKind.ESP_IDENTIFIER: casework.IdentifierKind.ACCOUNT,
}


def _summary(report: CyberTipReport) -> str:
    user = report.reported
    parts = [f"CyberTipline report {report.report_id}: {report.incident_type}."]
    if user is not None and user.esp_service:
        parts.append(f"Service: {user.esp_service}.")
    parts.append(f"{len(report.files)} file(s) reported.")
    if report.escalated:
        parts.append("Escalated to high priority by the service.")
    return " ".join(parts)[: casework.SUMMARY_MAX]


def _incident(report: CyberTipReport) -> casework.IncidentDetails:
    identifiers = tuple(
        casework.ReportedIdentifier(_IDENTIFIER_KINDS[i.kind], i.value[:500])
        for i in report.identifiers()
        if i.kind in _IDENTIFIER_KINDS
    )
    files = tuple(
        casework.ReportedFile(
            (f.original_file_name or f.file_id)[:500],
            f.hash_of("md5"),
            f.hash_of("sha1"),
            f.hash_of("sha256"),
        )
        for f in report.files
    )
    return casework.IncidentDetails(report.incident_type, report.incident_at, identifiers, files)


def prescored_deadline(
    referral: casework.Referral, band: RiskBand, questions: QuestionSet
) -> datetime:
    """The deadline a pre-scored band gives: the band's response deadline, but never later
    than the deadline the referral already has (assessment is still due within its days)."""
    by_band = referral.received_at + timedelta(days=questions.rule(band).deadline_days)
    return min(referral.deadline_at, by_band)


def file_hashes(reported: ReportFile) -> dict[str, str]:
    """The hashes of a reported file the lists are asked about (signal → value)."""
    return {s: v for s in ("md5", "sha1", "sha256", "pdq") if (v := reported.hash_of(s))}


def match_files(
    matcher: ListMatcher | None, files: Sequence[ReportFile]
) -> list[tuple[tuple[Match, ...], bool]]:
    """Per reported file, in order: the list entries it matches (none when an ignore list
    knows it), and whether any list knows it (an ignore list too); by the rule every
    reported file is matched by (`match_reported_files`), one lookup for them all."""
    answers = match_reported_files(matcher, [file_hashes(f) for f in files])
    return [(a.matches, a.listed) for a in answers]


class _Planned:
    """A report of the batch with everything decided before it is stored."""

    __slots__ = ("assignment", "item", "known", "report", "score")

    def __init__(
        self,
        report: CyberTipReport,
        assignment: Assignment,
        item: ImportedReport,
        score: tuple[RiskBand | None, tuple[str, ...]],
        known: tuple[str, ...],
    ) -> None:
        self.report = report
        self.assignment = assignment
        self.item = item
        self.score = score
        self.known = known  # the hashes of its files a list knows


def _plan(
    report: CyberTipReport,
    *,
    source: tuple[str, str],
    viewer: Viewer,
    config: IntakeConfig,
    outcomes: Sequence[tuple[tuple[Match, ...], bool]],
    matched: bool,
    force: str | None,
    now: datetime,
) -> _Planned:
    assignment = assign_force(report, config.forces, force)
    new = casework.NewReferral(
        source=casework.ReferralSource.NATIONAL_REFERRAL,
        force=assignment.force,
        received_at=now,
        summary=_summary(report),
        incident=_incident(report),
    )
    referral = casework.validated_referral(new, by=filer(viewer), now=now)
    found = tuple(matches for matches, _ in outcomes)
    known = tuple(
        h.value
        for reported, (_, listed) in zip(report.files, outcomes, strict=True)
        if listed
        for h in reported.hashes
    )
    categories = {m.category.value for matches in found for m in matches}
    score = prescore(report, categories, config.rules)
    if score.band is not None:
        referral = replace(
            referral,
            risk_band=score.band.value,
            deadline_at=prescored_deadline(referral, score.band, config.questions),
        )
    item = ImportedReport(
        referral=referral,
        report=report,
        source_file=source[0],
        file_format=source[1],
        imported_at=now,
        imported_by=viewer.username,
        assignment_reason=assignment.reason,
        awaiting_assignment=not assignment.assigned,
        prescore_band=None if score.band is None else score.band.value,
        prescore_reasons=score.reasons,
        prescore_rules=score.rules,
        identifiers=report.identifiers(),
        file_matches=found,
        matched=matched,
    )
    return _Planned(report, assignment, item, (score.band, score.reasons), known)


def import_batch(
    session: Session,
    reports: Sequence[CyberTipReport],
    *,
    file: str,
    file_format: str,
    viewer: Viewer,
    config: IntakeConfig,
    matcher: ListMatcher | None,
    force: str | None,
    audit: Audit,
    now: datetime,
    common_keys: set[tuple[str, str]] | None = None,
) -> list[AddedReferral]:
    """Store `reports` (none imported before) as new referrals, in order; what was added.
    `common_keys`: the deconfliction keys found common by earlier batches of the same
    transaction (`deconflict_imported`), shared by the batches of one file."""
    source = (Path(file).name, file_format)
    outcomes = iter(match_files(matcher, [f for r in reports for f in r.files]))
    planned = [
        _plan(
            r,
            source=source,
            viewer=viewer,
            config=config,
            outcomes=[next(outcomes) for _ in r.files],
            matched=matcher is not None,
            force=force,
            now=now,
        )
        for r in reports
    ]
    with search_index_batch(session):
        ids = SqlIntakeBatchRepository(session).add([p.item for p in planned])
    deconflict_imported(
        session,
        [
            (rid, [stored_identifier(i) for i in p.item.identifiers])
            for rid, p in zip(ids, planned, strict=True)
        ],
        now,
        known_files=(h for p in planned for h in p.known),
        common=common_keys,
    )
    added = []
    for rid, p in zip(ids, planned, strict=True):
        report, referral = p.report, replace(p.item.referral, id=rid)
        audit(session, "referral.import", "referral", rid, f"CyberTipline {report.report_id}")
        band, reasons = p.score
        found = p.item.file_matches
        added.append(
            AddedReferral(
                report_id=report.report_id,
                referral_id=rid,
                reference=referral.reference,
                file=file,
                force=referral.force,
                awaiting_assignment=not p.assignment.assigned,
                assignment_reason=p.assignment.reason,
                files=len(report.files),
                known_files=sum(1 for matches in found if matches),
                categories=tuple(sorted({m.category.value for ms in found for m in ms})),
                prescore_band=None if band is None else band.value,
                prescore_reasons=reasons,
                deadline_at=referral.deadline_at,
            )
        )
    return added
