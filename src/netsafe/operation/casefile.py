"""A case as one picture: the referral and every record on it, and its timeline.

`CaseRepositories` bundles the repositories the operation's services use, so an adapter builds
them once per transaction (`netsafe.store.repositories.operation.case_repositories(session)`).
Both it and `CaseFile` hold the case records by kind (`records`, keyed by each kind's
`repository` in the record-kinds table): a new kind needs no field here. The properties name the
kinds the services use by hand, typed.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace
from datetime import datetime
from typing import Any, cast

from netsafe.operation.arrests import Arrest
from netsafe.operation.exhibits import CustodyCheck, CustodyEvent, Exhibit, ExhibitRepository
from netsafe.operation.exhibits import check_custody as _check_custody
from netsafe.operation.outcomes import Outcome
from netsafe.operation.record_history import RecordHistory
from netsafe.operation.record_kinds import CASE_RECORD_KINDS
from netsafe.operation.records import RecordRepository
from netsafe.operation.referrals import Referral, ReferralRepository, get_referral
from netsafe.operation.risk import RiskAssessment
from netsafe.operation.safeguarding import SafeguardingRecord
from netsafe.operation.subjects import Subject
from netsafe.operation.warrants import Warrant
from netsafe.platform.roles import Viewer


@dataclass(frozen=True, slots=True)
class CaseRepositories:
    """Every repository of the operation's case records, in one transaction: the referrals,
    the history of corrections, and each kind's by its `repository` name."""

    referrals: ReferralRepository
    history: RecordHistory
    records: Mapping[str, RecordRepository[Any]]

    def repository(self, name: str) -> RecordRepository[Any]:
        """A kind's repository by its `repository` name, the referrals' included."""
        if name == "referrals":
            return cast(RecordRepository[Any], self.referrals)
        return self.records[name]

    @property
    def subjects(self) -> RecordRepository[Subject]:
        return self.records["subjects"]

    @property
    def assessments(self) -> RecordRepository[RiskAssessment]:
        return self.records["assessments"]

    @property
    def warrants(self) -> RecordRepository[Warrant]:
        return self.records["warrants"]

    @property
    def arrests(self) -> RecordRepository[Arrest]:
        return self.records["arrests"]

    @property
    def exhibits(self) -> ExhibitRepository:
        return cast(ExhibitRepository, self.records["exhibits"])

    @property
    def custody(self) -> RecordRepository[CustodyEvent]:
        return self.records["custody"]

    @property
    def safeguarding(self) -> RecordRepository[SafeguardingRecord]:
        return self.records["safeguarding"]

    @property
    def outcomes(self) -> RecordRepository[Outcome]:
        return self.records["outcomes"]


@dataclass(frozen=True, slots=True)
class TimelineEntry:
    """One dated event of a case; `kind` and `record_id` say which record it comes from."""

    at: datetime
    kind: str
    title: str
    detail: str
    record_id: int


@dataclass(frozen=True, slots=True)
class CaseFile:
    """A referral with all its records, by kind (`records`, keyed by each kind's `repository`
    name, oldest first)."""

    referral: Referral
    records: Mapping[str, list[Any]]

    @property
    def subjects(self) -> list[Subject]:
        return self.records["subjects"]

    @property
    def assessments(self) -> list[RiskAssessment]:
        return self.records["assessments"]

    @property
    def warrants(self) -> list[Warrant]:
        return self.records["warrants"]

    @property
    def arrests(self) -> list[Arrest]:
        return self.records["arrests"]

    @property
    def exhibits(self) -> list[Exhibit]:
        return self.records["exhibits"]

    @property
    def custody(self) -> list[CustodyEvent]:
        return self.records["custody"]

    @property
    def safeguarding(self) -> list[SafeguardingRecord]:
        return self.records["safeguarding"]

    @property
    def outcomes(self) -> list[Outcome]:
        return self.records["outcomes"]

    def custody_of(self, exhibit: Exhibit) -> CustodyCheck:
        events = [e for e in self.custody if e.exhibit_id == exhibit.id and e.withdrawn_at is None]
        return _check_custody(exhibit, events)

    def timeline(self) -> list[TimelineEntry]:
        """Every dated event of the case, oldest first."""
        r = self.referral
        entries = [
            TimelineEntry(r.received_at, "referral", "Referral received", f"{r.source}", r.id)
        ]
        names = {s.id: s.display_name for s in self.subjects}
        for subject in self.subjects:
            entries.append(
                TimelineEntry(
                    subject.created_at, "subject", "Subject added", subject.display_name, subject.id
                )
            )
            if subject.helpline_details_given_at is not None:
                entries.append(
                    TimelineEntry(
                        subject.helpline_details_given_at,
                        "subject",
                        "Helpline details given",
                        f"to {subject.helpline_details_given_to}",
                        subject.id,
                    )
                )
        for a in self.assessments:
            entries.append(
                TimelineEntry(
                    a.assessed_at,
                    "risk",
                    f"Risk assessed: {a.band.label}",
                    f"score {a.score}; due {a.deadline_at:%Y-%m-%d %H:%M} UTC",
                    a.id,
                )
            )
        for w in self.warrants:
            entries.append(
                TimelineEntry(w.applied_at, "warrant", "Warrant applied for", w.premises, w.id)
            )
            if w.granted_at:
                entries.append(
                    TimelineEntry(w.granted_at, "warrant", "Warrant granted", w.court, w.id)
                )
            if w.refused_at:
                entries.append(
                    TimelineEntry(w.refused_at, "warrant", "Warrant refused", w.court, w.id)
                )
            if w.executed_at:
                entries.append(
                    TimelineEntry(w.executed_at, "warrant", "Warrant executed", f"{w.result}", w.id)
                )
        for arrest in self.arrests:
            entries.append(
                TimelineEntry(
                    arrest.arrested_at,
                    "arrest",
                    f"Arrest: {names.get(arrest.subject_id, 'subject')}",
                    arrest.location,
                    arrest.id,
                )
            )
        references = {e.id: e.reference for e in self.exhibits}
        for exhibit in self.exhibits:
            entries.append(
                TimelineEntry(
                    exhibit.seized_at,
                    "exhibit",
                    f"Exhibit seized: {exhibit.reference}",
                    f"{exhibit.device_type}, seal {exhibit.seal_number}",
                    exhibit.id,
                )
            )
        for event in self.custody:
            entries.append(
                TimelineEntry(
                    event.at,
                    "custody",
                    f"Custody: {references.get(event.exhibit_id, 'exhibit')}"
                    + (" (withdrawn)" if event.withdrawn_at else ""),
                    f"{event.handed_from} → {event.handed_to} at {event.location}",
                    event.exhibit_id,
                )
            )
        for s in self.safeguarding:
            entries.append(
                TimelineEntry(
                    s.recorded_at,
                    "safeguarding",
                    "Safeguarding recorded",
                    f"{s.children_identified} identified, {s.children_safeguarded} safeguarded",
                    s.id,
                )
            )
        for o in self.outcomes:
            entries.append(
                TimelineEntry(o.decided_at, "outcome", f"Outcome: {o.kind}", o.notes, o.id)
            )
        for kind in CASE_RECORD_KINDS:
            if kind.name in _TOLD_ABOVE:
                continue
            # any other kind: an entry for each of its dated fields, from the record-kinds table
            for record in self.records.get(kind.repository, []):
                for field in kind.times:
                    at = getattr(record, field)
                    if at is not None:
                        what = field.removesuffix("_at").replace("_", " ")
                        entries.append(
                            TimelineEntry(at, kind.name, f"{kind.label}: {what}", "", record.id)
                        )
        withdrawn = {
            (kind.name, record.id)
            for kind in CASE_RECORD_KINDS
            if kind.name != "custody"  # a custody step says so in its title, by its exhibit
            for record in self.records.get(kind.repository, [])
            if record.withdrawn_at is not None
        }
        entries = [
            replace(e, title=f"{e.title} (withdrawn)") if (e.kind, e.record_id) in withdrawn else e
            for e in entries
        ]
        return sorted(entries, key=lambda e: (e.at, e.kind))


#: The kinds `CaseFile.timeline` tells in their own words; any other gets the generic entries.
_TOLD_ABOVE = frozenset(
    {"subject", "risk", "warrant", "arrest", "exhibit", "custody", "safeguarding", "outcome"}
)


def load_case(repos: CaseRepositories, viewer: Viewer, referral_id: int) -> CaseFile:
    """The whole case, when the viewer may see the referral (`RecordNotFoundError` otherwise)."""
    referral = get_referral(repos.referrals, viewer, referral_id)
    return CaseFile(
        referral=referral,
        records={
            name: repository.for_referral(referral.id) for name, repository in repos.records.items()
        },
    )
