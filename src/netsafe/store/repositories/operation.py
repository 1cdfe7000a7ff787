"""The operation's SQL repositories, built together for one session from the record-kinds
table (`netsafe.operation.record_kinds`): each kind's dataclass over its table."""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from netsafe.operation import record_kinds as kinds
from netsafe.operation.casefile import CaseRepositories
from netsafe.operation.record_kinds import RecordKind
from netsafe.store.models.operation import (
    ArrestRow,
    CustodyEventRow,
    ExhibitRow,
    OutcomeRow,
    RiskAssessmentRow,
    SafeguardingRow,
    SubjectRow,
    WarrantRow,
)
from netsafe.store.repositories.operation_records import SqlExhibitRepository, SqlRecordRepository
from netsafe.store.repositories.operation_referrals import SqlReferralRepository
from netsafe.store.repositories.record_history import SqlRecordHistory

#: The table of each kind of case record (the referral has its own repository).
ROWS: dict[RecordKind, type[Any]] = {
    kinds.SUBJECT: SubjectRow,
    kinds.RISK: RiskAssessmentRow,
    kinds.WARRANT: WarrantRow,
    kinds.ARREST: ArrestRow,
    kinds.EXHIBIT: ExhibitRow,
    kinds.CUSTODY: CustodyEventRow,
    kinds.SAFEGUARDING: SafeguardingRow,
    kinds.OUTCOME: OutcomeRow,
}
#: Kinds whose repository does more than the generic one.
_SPECIAL: dict[RecordKind, Any] = {kinds.EXHIBIT: SqlExhibitRepository}


def case_repositories(session: Session) -> CaseRepositories:
    """Every operation repository over `session` (the caller's transaction)."""
    built: dict[str, Any] = {
        kind.repository: (
            _SPECIAL[kind](session)
            if kind in _SPECIAL
            else SqlRecordRepository(session, kind.record, row)
        )
        for kind, row in ROWS.items()
    }
    return CaseRepositories(
        referrals=SqlReferralRepository(session), history=SqlRecordHistory(session), **built
    )
