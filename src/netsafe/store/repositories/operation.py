"""The operation's SQL repositories, built together for one session."""

from __future__ import annotations

from sqlalchemy.orm import Session

from netsafe.operation.arrests import Arrest
from netsafe.operation.casefile import CaseRepositories
from netsafe.operation.exhibits import CustodyEvent
from netsafe.operation.outcomes import Outcome
from netsafe.operation.risk import RiskAssessment
from netsafe.operation.safeguarding import SafeguardingRecord
from netsafe.operation.subjects import Subject
from netsafe.operation.warrants import Warrant
from netsafe.store.models.operation import (
    ArrestRow,
    CustodyEventRow,
    OutcomeRow,
    RiskAssessmentRow,
    SafeguardingRow,
    SubjectRow,
    WarrantRow,
)
from netsafe.store.repositories.operation_records import SqlExhibitRepository, SqlRecordRepository
from netsafe.store.repositories.operation_referrals import SqlReferralRepository


def case_repositories(session: Session) -> CaseRepositories:
    """Every operation repository over `session` (the caller's transaction)."""
    return CaseRepositories(
        referrals=SqlReferralRepository(session),
        subjects=SqlRecordRepository(session, Subject, SubjectRow),
        assessments=SqlRecordRepository(session, RiskAssessment, RiskAssessmentRow),
        warrants=SqlRecordRepository(session, Warrant, WarrantRow),
        arrests=SqlRecordRepository(session, Arrest, ArrestRow),
        exhibits=SqlExhibitRepository(session),
        custody=SqlRecordRepository(session, CustodyEvent, CustodyEventRow),
        safeguarding=SqlRecordRepository(session, SafeguardingRecord, SafeguardingRow),
        outcomes=SqlRecordRepository(session, Outcome, OutcomeRow),
    )
