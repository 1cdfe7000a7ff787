"""Import CyberTipline reports as referrals: read each file safely, skip reports already
imported (by report number), give each new report a force (from its postcode or location, or
the operator's choice; otherwise the regional unit's queue), match its files' hashes against
the hash lists, pre-score its risk, and keep the report, its files, matches and identifiers.

A file is imported whole or not at all (one transaction per file). After a referral is stored,
`on_referral_imported(session, referral_id)` is called in the same transaction: the one place
where what follows an import (deconfliction) hooks in. When a hash list is imported,
`rematch_after_list_import` matches every imported file again and raises pre-scores.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterable, Sequence
from contextlib import AbstractContextManager
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, sessionmaker

from netsafe.hashlists.index_sync import load_matcher
from netsafe.hashlists.matcher import ListMatcher
from netsafe.intake.forces import ForceTable, assign_force, load_force_table
from netsafe.intake.model import CyberTipReport, IdentifierKind
from netsafe.intake.prescore import PrescoreRules, load_prescore_rules, prescore
from netsafe.intake.reading import (
    ReportFileContent,
    ReportFileError,
    read_report_file,
    read_reports,
)
from netsafe.intake.records import IntakeRecord, UnassignedReferral
from netsafe.matching.match import Match
from netsafe.operation import referrals as casework
from netsafe.operation.risk import QuestionSet, RiskBand, load_question_set
from netsafe.platform.access import AccessDeniedError, OperationInputError
from netsafe.platform.agencies import FORCE_SLUGS
from netsafe.platform.roles import Role, Viewer
from netsafe.settings import Settings, load_settings
from netsafe.store.engine import unit_of_work
from netsafe.store.repositories.hashlists import SqlHashListRepository
from netsafe.store.repositories.intake import SqlIntakeRepository
from netsafe.store.repositories.operation_referrals import SqlReferralRepository

#: Records an audit event in the session: (session, action, resource type, id, detail).
Audit = Callable[[Session, str, str, object, str | None], None]

_IDENTIFIER_KINDS = {
    IdentifierKind.EMAIL: casework.IdentifierKind.EMAIL,
    IdentifierKind.PHONE: casework.IdentifierKind.PHONE,
    IdentifierKind.IP_ADDRESS: casework.IdentifierKind.IP_ADDRESS,
    IdentifierKind.DEVICE_ID: casework.IdentifierKind.DEVICE,
    IdentifierKind.PROFILE_URL: casework.IdentifierKind.URL,
    IdentifierKind.SCREEN_NAME: casework.IdentifierKind.ACCOUNT,
    IdentifierKind.ESP_IDENTIFIER: casework.IdentifierKind.ACCOUNT,
}


@dataclass(frozen=True, slots=True)
class IntakeConfig:
    """The force table, the pre-score rules and the risk bands' deadlines."""

    forces: ForceTable
    rules: PrescoreRules
    questions: QuestionSet


@functools.lru_cache(maxsize=8)
def _config(forces: str | None, rules: str | None, questions: str | None) -> IntakeConfig:
    return IntakeConfig(
        load_force_table(Path(forces) if forces else None, FORCE_SLUGS),
        load_prescore_rules(Path(rules) if rules else None),
        load_question_set(Path(questions) if questions else None),
    )


def intake_config(settings: Settings) -> IntakeConfig:
    """The configured tables (`NETSAFE_INTAKE_FORCES`, `NETSAFE_INTAKE_RULES`,
    `NETSAFE_RISK_QUESTIONS`, each defaulting to the shipped file). Raises ValueError naming
    the file and entry when one is wrong."""

    def text(path: Path | None) -> str | None:
        return None if path is None else str(path)

    return _config(
        text(settings.intake_forces), text(settings.intake_rules), text(settings.risk_questions)
    )


def may_import(viewer: Viewer) -> bool:
    """The operation lead and the regional unit's police roles import and assign reports."""
    return not viewer.is_charity and (
        viewer.role is Role.OPERATION_LEAD or viewer.agency == "regional-unit"
    )


def _filer(viewer: Viewer) -> Viewer:
    """Who `create_referral` sees filing an imported referral: the importing user, allowed to
    file for every force (the regional unit files for all four, though its staff see only their
    own unit's records). `created_by` stays the user's name; `may_import` was checked first."""
    return replace(viewer, role=Role.OPERATION_LEAD)


def _require_intake_role(viewer: Viewer) -> None:
    if not may_import(viewer):
        raise AccessDeniedError("only the operation lead and the regional unit import reports")


@dataclass(frozen=True, slots=True)
class AddedReferral:
    """A report imported as a new referral."""

    report_id: str
    referral_id: int
    reference: str
    file: str
    force: str
    awaiting_assignment: bool
    assignment_reason: str
    files: int
    known_files: int
    categories: tuple[str, ...]
    prescore_band: str | None
    prescore_reasons: tuple[str, ...]
    deadline_at: datetime

    def as_json(self) -> dict[str, Any]:
        return {
            "report_id": self.report_id,
            "referral_id": self.referral_id,
            "reference": self.reference,
            "file": self.file,
            "force": self.force,
            "awaiting_assignment": self.awaiting_assignment,
            "assignment_reason": self.assignment_reason,
            "files": self.files,
            "known_files": self.known_files,
            "categories": list(self.categories),
            "prescore_band": self.prescore_band,
            "prescore_reasons": list(self.prescore_reasons),
            "deadline_at": self.deadline_at.isoformat(),
        }


@dataclass(frozen=True, slots=True)
class KnownReport:
    """A report imported before: nothing changed."""

    report_id: str
    referral_id: int
    file: str

    def as_json(self) -> dict[str, Any]:
        return {"report_id": self.report_id, "referral_id": self.referral_id, "file": self.file}


@dataclass(frozen=True, slots=True)
class RefusedFile:
    """A file refused whole: nothing of it was imported."""

    file: str
    path: str
    reason: str

    def as_json(self) -> dict[str, Any]:
        return {"file": self.file, "path": self.path, "reason": self.reason}


@dataclass
class ReferralImport:
    """What an import did, file by file."""

    added: list[AddedReferral] = field(default_factory=list)
    already_known: list[KnownReport] = field(default_factory=list)
    refused: list[RefusedFile] = field(default_factory=list)
    files_read: int = 0

    @property
    def unassigned(self) -> list[AddedReferral]:
        return [a for a in self.added if a.awaiting_assignment]

    def as_json(self) -> dict[str, Any]:
        return {
            "files_read": self.files_read,
            "added": [a.as_json() for a in self.added],
            "already_known": [k.as_json() for k in self.already_known],
            "refused": [r.as_json() for r in self.refused],
            "unassigned": [a.referral_id for a in self.unassigned],
            "counts": {
                "added": len(self.added),
                "already_known": len(self.already_known),
                "refused_files": len(self.refused),
                "unassigned": len(self.unassigned),
            },
        }


def intake_matcher(session: Session, settings: Settings) -> ListMatcher:
    """The hash lists' matcher (the same as `netsafe match` and the lookup API use), its
    on-disk index brought up to date first."""
    return load_matcher(settings.index_folder, SqlHashListRepository(session))


def on_referral_imported(session: Session, referral_id: int) -> None:
    """Called once for each referral an import adds, in the import's transaction, after the
    referral, its files, matches and identifiers (`intake_identifiers`) are stored. What
    follows an import hooks in here: deconfliction of shared identifiers across forces."""
    from netsafe.usecases.deconflict import deconflict_referral

    deconflict_referral(session, referral_id)


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


def _match_files(
    repository: SqlIntakeRepository,
    matcher: ListMatcher | None,
    referral_ids: Sequence[int] | None,
    at: datetime,
    *,
    fresh: bool = False,
) -> int:
    """Match the stored files (of `referral_ids`, or all) and keep their matches; returns the
    number of files with a match. `fresh`: the files were just stored (no matches to drop)."""
    if matcher is None:
        return 0
    matched: list[tuple[int, list[Match]]] = []
    for row_id, _referral_id, values in list(repository.hashes(referral_ids)):
        outcome = matcher.match_values(values) if values else None
        matched.append((row_id, [] if outcome is None or outcome.ignored else outcome.matches))
    repository.replace_matches(matched, at, fresh=fresh)
    return sum(1 for _, matches in matched if matches)


def _prescored_deadline(
    referral: casework.Referral, band: RiskBand, questions: QuestionSet
) -> datetime:
    """The deadline a pre-scored band gives: the band's response deadline, but never later
    than the deadline the referral already has (assessment is still due within its days)."""
    by_band = referral.received_at + timedelta(days=questions.rule(band).deadline_days)
    return min(referral.deadline_at, by_band)


def _import_report(
    session: Session,
    report: CyberTipReport,
    content: ReportFileContent,
    *,
    viewer: Viewer,
    config: IntakeConfig,
    matcher: ListMatcher | None,
    force: str | None,
    audit: Audit,
    now: datetime,
) -> AddedReferral:
    referrals = SqlReferralRepository(session)
    intake = SqlIntakeRepository(session)
    assignment = assign_force(report, config.forces, force)
    new = casework.NewReferral(
        source=casework.ReferralSource.NATIONAL_REFERRAL,
        force=assignment.force,
        received_at=now,
        summary=_summary(report),
        incident=_incident(report),
    )
    referral = casework.create_referral(referrals, new, by=_filer(viewer), now=now)
    intake.add(
        referral.id,
        report,
        source_file=Path(content.file).name,
        file_format=content.format,
        imported_at=now,
        imported_by=viewer.username,
        assignment_reason=assignment.reason,
        awaiting_assignment=not assignment.assigned,
        prescore_band=None,
        prescore_reasons=(),
        prescore_rules=f"{config.rules.name} v{config.rules.version}",
    )
    known = _match_files(intake, matcher, [referral.id], now, fresh=True)
    categories = intake.matched_categories(referral.id)
    score = prescore(report, categories, config.rules)
    if score.band is not None:
        intake.set_prescore(referral.id, score.band.value, score.reasons)
        referral = replace(
            referral,
            risk_band=score.band.value,
            deadline_at=_prescored_deadline(referral, score.band, config.questions),
        )
        referrals.update(referral)
    audit(session, "referral.import", "referral", referral.id, f"CyberTipline {report.report_id}")
    on_referral_imported(session, referral.id)
    return AddedReferral(
        report_id=report.report_id,
        referral_id=referral.id,
        reference=referral.reference,
        file=content.file,
        force=referral.force,
        awaiting_assignment=not assignment.assigned,
        assignment_reason=assignment.reason,
        files=len(report.files),
        known_files=known,
        categories=tuple(sorted(categories)),
        prescore_band=None if score.band is None else score.band.value,
        prescore_reasons=score.reasons,
        deadline_at=referral.deadline_at,
    )


def import_content(
    session: Session,
    content: ReportFileContent,
    result: ReferralImport,
    *,
    viewer: Viewer,
    config: IntakeConfig,
    matcher: ListMatcher | None,
    force: str | None = None,
    audit: Audit,
    now: datetime | None = None,
) -> None:
    """Import the reports of one file read into `content`, in the caller's transaction (roll
    it back on any error for the all-or-nothing rule); adds to `result`."""
    _require_intake_role(viewer)
    if force is not None and force not in FORCE_SLUGS:
        raise OperationInputError(
            "force", f"unknown force {force!r}; one of {', '.join(FORCE_SLUGS)}"
        )
    now = now or datetime.now(UTC)
    known = SqlIntakeRepository(session).known_reports([r.report_id for r in content.reports])
    for report in content.reports:
        if report.report_id in known:
            result.already_known.append(
                KnownReport(report.report_id, known[report.report_id], content.file)
            )
            continue
        added = _import_report(
            session,
            report,
            content,
            viewer=viewer,
            config=config,
            matcher=matcher,
            force=force,
            audit=audit,
            now=now,
        )
        result.added.append(added)
    result.files_read += 1


def import_report_bytes(
    session: Session,
    data: bytes,
    name: str,
    *,
    viewer: Viewer,
    config: IntakeConfig,
    matcher: ListMatcher | None,
    force: str | None = None,
    audit: Audit,
) -> ReferralImport:
    """Import one uploaded file in the caller's transaction. A wrong file is refused whole
    (`result.refused`) before anything is written; a report stored by another import at the
    same moment refuses it too (its savepoint rolled back)."""
    result = ReferralImport()
    try:
        content = read_reports(data, name)
    except ReportFileError as error:
        result.refused.append(RefusedFile(error.file, error.path, error.reason))
        return result
    try:
        with session.begin_nested():  # a savepoint: a clash leaves the caller's transaction usable
            import_content(
                session,
                content,
                result,
                viewer=viewer,
                config=config,
                matcher=matcher,
                force=force,
                audit=audit,
            )
    except IntegrityError:
        result = ReferralImport()
        reason = "another import stored one of its reports at the same time: import it again"
        result.refused.append(RefusedFile(name, "", reason))
    return result


def import_report_files(
    sessions: sessionmaker[Session],
    paths: Iterable[Path],
    *,
    viewer: Viewer,
    settings: Settings,
    force: str | None = None,
    audit: Audit,
    on_file: Callable[[Path], None] | None = None,
) -> ReferralImport:
    """Import each file in a transaction of its own: a file is imported whole or refused
    whole (named with the element path and the reason), and the others go on."""
    _require_intake_role(viewer)
    config = intake_config(settings)
    result = ReferralImport()
    with unit_of_work(sessions) as session:  # the lists' matcher, loaded once for every file
        matcher = intake_matcher(session, settings)
    for path in paths:
        if on_file is not None:
            on_file(path)
        try:
            content = read_report_file(path)
        except ReportFileError as error:
            result.refused.append(RefusedFile(error.file, error.path, error.reason))
            continue
        attempt = ReferralImport()
        try:
            with unit_of_work(sessions) as session:
                import_content(
                    session,
                    content,
                    attempt,
                    viewer=viewer,
                    config=config,
                    matcher=matcher,
                    force=force,
                    audit=audit,
                )
        except IntegrityError:
            reason = "another import stored one of its reports at the same time: import it again"
            result.refused.append(RefusedFile(str(path), "", reason))
            continue
        except OperationInputError as error:
            result.refused.append(RefusedFile(str(path), error.field, error.message))
            continue
        result.added += attempt.added
        result.already_known += attempt.already_known
        result.files_read += attempt.files_read
    return result


@dataclass(frozen=True, slots=True)
class Rematch:
    """What matching the imported files again did."""

    files: int
    known_files: int
    raised: tuple[int, ...]

    def as_json(self) -> dict[str, Any]:
        return {
            "files": self.files,
            "known_files": self.known_files,
            "prescore_raised": list(self.raised),
        }


def rematch_referrals(
    session: Session, matcher: ListMatcher, config: IntakeConfig, now: datetime | None = None
) -> Rematch:
    """Match every imported file against the lists again (a list arrived or changed), keep
    the matches, and raise the pre-score of referrals not yet assessed when it rises."""
    now = now or datetime.now(UTC)
    intake = SqlIntakeRepository(session)
    referrals = SqlReferralRepository(session)
    files = sum(1 for _ in intake.hashes())
    known = _match_files(intake, matcher, None, now)
    raised = []
    for referral_id in sorted({referral_id for _, referral_id, _ in intake.hashes()}):
        report = intake.prescore_inputs(referral_id)
        referral = referrals.get(referral_id)
        if report is None or referral is None:
            continue
        score = prescore(report, intake.matched_categories(referral_id), config.rules)
        record = intake.record(referral_id)
        old = (
            None
            if record is None or record.prescore_band is None
            else RiskBand(record.prescore_band)
        )
        if score.band is None or (old is not None and score.band.rank <= old.rank):
            continue
        intake.set_prescore(referral_id, score.band.value, score.reasons)
        current = None if referral.risk_band is None else RiskBand(referral.risk_band)
        new_status = referral.status is casework.ReferralStatus.NEW
        if new_status and (current is None or score.band.rank > current.rank):
            referrals.update(
                replace(
                    referral,
                    risk_band=score.band.value,
                    deadline_at=_prescored_deadline(referral, score.band, config.questions),
                )
            )
            raised.append(referral_id)
    return Rematch(files, known, tuple(raised))


def rematch_after_list_import(
    transaction: Callable[[], AbstractContextManager[Session]],
    index_folder: Path,
    settings: Settings | None = None,
) -> Rematch:
    """The hook the hash-list import calls once a list is stored and indexed: every imported
    referral's files are matched against the lists again, in a transaction of its own, with
    the pre-score rules of `settings` (default: the environment's)."""
    config = intake_config(settings or load_settings())
    with transaction() as session:
        matcher = load_matcher(index_folder, SqlHashListRepository(session))
        return rematch_referrals(session, matcher, config)


def unassigned_queue(
    session: Session, viewer: Viewer, *, limit: int = 50, offset: int = 0
) -> tuple[list[UnassignedReferral], int]:
    """The regional unit's queue of imported referrals awaiting a force, and its length."""
    _require_intake_role(viewer)
    intake = SqlIntakeRepository(session)
    limit = max(1, min(limit, 500))
    return intake.unassigned(limit=limit, offset=max(0, offset)), intake.count_unassigned()


def assign_referral(
    session: Session, viewer: Viewer, referral_id: int, force: str, *, audit: Audit
) -> casework.Referral:
    """A person gives a referral waiting in the regional unit's queue its force (audited)."""
    _require_intake_role(viewer)
    if force not in FORCE_SLUGS:
        raise OperationInputError(
            "force", f"unknown force {force!r}; one of {', '.join(FORCE_SLUGS)}"
        )
    referrals = SqlReferralRepository(session)
    referral = casework.get_referral(referrals, viewer, referral_id)
    now = datetime.now(UTC)
    reason = f"assigned to {force} by {viewer.username}"
    if not SqlIntakeRepository(session).assign(
        referral.id, force, by=viewer.username, at=now, reason=reason
    ):
        raise OperationInputError("referral", "this referral is not waiting for a force")
    audit(session, "referral.assign", "referral", referral.id, f"to {force}")
    return replace(referral, force=force)


def intake_record(session: Session, viewer: Viewer, referral_id: int) -> IntakeRecord | None:
    """The report behind a referral the viewer may see (None: it was not imported)."""
    referral = casework.get_referral(SqlReferralRepository(session), viewer, referral_id)
    return SqlIntakeRepository(session).record(referral.id)


#: The demo's CyberTipline reports: how many, and the seed and first number that make them.
DEMO_REPORTS = 8
DEMO_SEED = 2026
DEMO_FIRST_REPORT = 880_000_001


def import_demo_reports(
    sessions: sessionmaker[Session], settings: Settings, *, viewer: Viewer, audit: Audit
) -> ReferralImport:
    """A few synthetic reports (`netsafe.intake.generator`, a fixed seed: two without a
    location, so the queue awaiting a force has some) imported as the demo's intake. Again,
    they are already known and nothing changes."""
    from netsafe.intake.generator import generate_reports, reports_xml

    reports = generate_reports(
        DEMO_REPORTS,
        seed=DEMO_SEED,
        first_report_id=DEMO_FIRST_REPORT,
        unlocated_fraction=0.25,
        escalated_fraction=0.15,
    )
    with unit_of_work(sessions) as session:
        return import_report_bytes(
            session,
            reports_xml(reports),
            "demo-cybertipline-reports.xml",
            viewer=viewer,
            config=intake_config(settings),
            matcher=intake_matcher(session, settings),
            audit=audit,
        )
