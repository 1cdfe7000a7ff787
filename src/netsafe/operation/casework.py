"""The casework facade: one object per request (the viewer and the transaction's repositories)
through which the API, the pages and the CLI read and write a case's records.

Adapters no longer pass repositories one by one to each service function: they build a
`Casework` and call it. What every write shares (the case must be visible, and open) is
enforced here, once, for every kind of record: a closed case answers every write with
`CaseClosedError` (409) until a supervisor or the operation lead reopens it.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from netsafe.operation import arrests, exhibits, risk, safeguarding, subjects, warrants
from netsafe.operation.casefile import CaseFile, CaseRepositories, load_case
from netsafe.operation.corrections import (
    correct_record,
    ensure_live,
    ensure_open,
    reopen_case,
    withdraw_record,
)
from netsafe.operation.record_history import HistoryEntry
from netsafe.operation.record_kinds import (
    ARREST,
    CUSTODY,
    KIND_BY_NAME,
    REFERRAL,
    RISK,
    SAFEGUARDING,
    SUBJECT,
    WARRANT,
    RecordKind,
    add_arguments,
)
from netsafe.operation.records import RecordRepository, visible_record, visible_records
from netsafe.operation.referrals import (
    IncidentDetails,
    Referral,
    get_referral,
    update_incident,
)
from netsafe.platform.access import OperationInputError
from netsafe.platform.roles import Viewer


@dataclass(frozen=True, slots=True)
class Casework:
    """What `viewer` may read and write of the operation's cases, in one transaction;
    `questions` is the configured risk question set (an assessment's answers are scored
    with it, when added and when corrected)."""

    repos: CaseRepositories
    viewer: Viewer
    questions: risk.QuestionSet | None = None

    # reading ---------------------------------------------------------------------------------

    def repository(self, kind: RecordKind) -> RecordRepository[Any]:
        """The repository of a kind of case record (from the record-kinds table)."""
        return self.repos.repository(kind.repository)

    def referral(self, referral_id: int) -> Referral:
        """A referral the viewer may see (`RecordNotFoundError` otherwise)."""
        return get_referral(self.repos.referrals, self.viewer, referral_id)

    def case(self, referral_id: int) -> CaseFile:
        """The whole case, when the viewer may see it."""
        return load_case(self.repos, self.viewer, referral_id)

    def record(self, kind: RecordKind, record_id: int) -> tuple[Any, Referral]:
        """A record and its referral, when the viewer may see the referral (404 otherwise)."""
        if kind.repository == "referrals":
            referral = self.referral(record_id)
            return referral, referral
        return visible_record(
            self.repository(kind), self.repos.referrals, self.viewer, record_id, kind.name
        )

    def records(self, kind: RecordKind, *, limit: int = 50, offset: int = 0) -> list[Any]:
        """A page of the records of `kind` the viewer may see, newest first."""
        return visible_records(self.repository(kind), self.viewer, limit=limit, offset=offset)

    # writing: the case must be open (and what the record is added to, not withdrawn) ---------

    def open_referral(self, referral_id: int) -> Referral:
        """The referral, when the viewer may see it and it is open (`CaseClosedError`, 409,
        when it is closed)."""
        referral = self.referral(referral_id)
        ensure_open(referral)
        return referral

    def open_record(self, kind: RecordKind, record_id: int) -> tuple[Any, Referral]:
        """A record not withdrawn, of an open case the viewer may see."""
        record, referral = self.record(kind, record_id)
        ensure_open(referral)
        ensure_live(record, kind)
        return record, referral

    def correct(
        self, kind: RecordKind, record_id: int, changes: Mapping[str, Any], reason: str
    ) -> Any:
        """Correct a record: the changed fields and why; the earlier values are kept. A risk
        assessment's corrected `answers` (question key → yes/no) give it its score, band and
        deadline again, and the referral the band and deadline of its latest assessment."""
        record, referral = self.record(kind, record_id)
        derive: Callable[[Any], Any] | None = None
        if kind is RISK and "answers" in changes:
            questions = self.questions
            if questions is None:
                raise OperationInputError("answers", "no risk question set to score them with")
            answers = changes["answers"]
            if not isinstance(answers, Mapping):
                raise OperationInputError("answers", "each question's key and yes or no")
            changes = {**changes, "answers": questions.yes_answers(answers)}
            derive = functools.partial(risk.rescore, referral=referral, questions=questions)

        return correct_record(
            self.repos, self.viewer, kind, record, referral, changes, reason, derive=derive
        )

    def withdraw(self, kind: RecordKind, record_id: int, reason: str) -> Any:
        """Withdraw a record entered in error (kept, marked, out of the figures)."""
        record, referral = self.record(kind, record_id)
        return withdraw_record(self.repos, self.viewer, kind, record, referral, reason)

    def history(self, kind: RecordKind, record_id: int) -> list[HistoryEntry]:
        """The record's corrections, withdrawal and reopenings, oldest first."""
        record, _ = self.record(kind, record_id)
        return self.repos.history.for_record(kind.name, record.id)

    def case_history(self, referral_id: int) -> list[HistoryEntry]:
        """The history of every record of a case, oldest first."""
        return self.repos.history.for_referral(self.referral(referral_id).id)

    def reopen(self, referral_id: int, reason: str) -> Referral:
        """Reopen a closed case (a supervisor or the operation lead, with a reason)."""
        referral = self.referral(referral_id)
        return reopen_case(self.repos, self.viewer, REFERRAL, referral, reason)

    def update_incident(self, referral_id: int, incident: IncidentDetails) -> Referral:
        """Replace an open referral's incident details."""
        self.open_referral(referral_id)
        return update_incident(self.repos.referrals, self.viewer, referral_id, incident)

    def add(self, kind: RecordKind, owner_id: int, /, **fields: Any) -> Any:
        """Add a record of `kind` to the open case (or record: `kind.owner`) `owner_id` names,
        through the kind's `add` service from the record-kinds table (positional: a record's
        field may be called `kind`, as an outcome's is). What the service takes from the
        facade (`FROM_CASEWORK`: a risk assessment's question set) is passed here."""
        if kind.add is None:
            raise TypeError(f"{kind.name} records are not added as case records")
        owner = KIND_BY_NAME[kind.owner.removesuffix("_id")]
        if owner is REFERRAL:
            self.open_referral(owner_id)
        else:
            self.open_record(owner, owner_id)
        for argument in add_arguments(kind):
            if argument.from_casework:
                given = getattr(self, argument.name)
                if given is None:
                    raise TypeError(f"adding a {kind.name} needs the facade's {argument.name}")
                fields[argument.name] = given
        return kind.add(self.repos, self.viewer, owner_id, **fields)

    # one method per service, the repositories filled in ---------------------------------------

    def add_subject(self, referral_id: int, **fields: Any) -> subjects.Subject:
        subject: subjects.Subject = self.add(SUBJECT, referral_id, **fields)
        return subject

    def note_helpline_details_given(self, subject_id: int, **fields: Any) -> subjects.Subject:
        self.open_record(SUBJECT, subject_id)
        return subjects.note_helpline_details_given(
            self.repos.referrals, self.repos.subjects, self.viewer, subject_id, **fields
        )

    def decide_warrant(
        self, warrant_id: int, *, granted: bool, at: datetime, court: str = ""
    ) -> warrants.Warrant:
        self.open_record(WARRANT, warrant_id)
        return warrants.decide_warrant(
            self.repos.referrals,
            self.repos.warrants,
            self.viewer,
            warrant_id,
            granted=granted,
            at=at,
            court=court,
        )

    def execute_warrant(self, warrant_id: int, **fields: Any) -> warrants.Warrant:
        self.open_record(WARRANT, warrant_id)
        return warrants.execute_warrant(
            self.repos.referrals, self.repos.warrants, self.viewer, warrant_id, **fields
        )

    def record_arrest(self, subject_id: int, **fields: Any) -> arrests.Arrest:
        arrest: arrests.Arrest = self.add(ARREST, subject_id, **fields)
        return arrest

    def hand_over(self, exhibit_id: int, **fields: Any) -> exhibits.CustodyEvent:
        step: exhibits.CustodyEvent = self.add(CUSTODY, exhibit_id, **fields)
        return step

    def custody_events(self, exhibit: exhibits.Exhibit) -> list[exhibits.CustodyEvent]:
        return exhibits.custody_events(self.repos.custody, exhibit)

    def record_safeguarding(
        self, referral_id: int, **fields: Any
    ) -> safeguarding.SafeguardingRecord:
        record: safeguarding.SafeguardingRecord = self.add(SAFEGUARDING, referral_id, **fields)
        return record
