"""The operation's SQL repositories, built together for one session from the record-kinds
table (`netsafe.operation.record_kinds`): each kind's dataclass over the table whose model
names the kind (`record_kind`)."""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from netsafe.hashlists.reported_files import AskLists
from netsafe.operation import record_kinds as kinds
from netsafe.operation.casefile import CaseRepositories
from netsafe.operation.record_kinds import RecordKind
from netsafe.store import models  # noqa: F401  (every table registered on Base)
from netsafe.store.base import Base
from netsafe.store.repositories.operation_records import SqlExhibitRepository, SqlRecordRepository
from netsafe.store.repositories.operation_referrals import SqlReferralRepository
from netsafe.store.repositories.record_history import SqlRecordHistory


def _rows() -> dict[RecordKind, type[Any]]:
    """Each kind's table: the model naming it (`record_kind`), in the table's order."""
    named = {
        mapper.class_.record_kind: mapper.class_
        for mapper in Base.registry.mappers
        if "record_kind" in vars(mapper.class_)
    }
    return {kind: named[kind.name] for kind in kinds.CASE_RECORD_KINDS}


#: The table of each kind of case record (the referral has its own repository).
ROWS: dict[RecordKind, type[Any]] = _rows()
#: Kinds whose repository does more than the generic one.
_SPECIAL: dict[RecordKind, Any] = {kinds.EXHIBIT: SqlExhibitRepository}


def case_repositories(session: Session, ask_lists: AskLists | None = None) -> CaseRepositories:
    """Every operation repository over `session` (the caller's transaction). `ask_lists`: how
    the hashes of files typed in on a case are matched against the lists as they are written
    (`SqlReferralRepository`)."""
    built: dict[str, Any] = {
        kind.repository: (
            _SPECIAL[kind](session)
            if kind in _SPECIAL
            else SqlRecordRepository(session, kind.record, row)
        )
        for kind, row in ROWS.items()
    }
    return CaseRepositories(
        referrals=SqlReferralRepository(session, ask_lists),
        history=SqlRecordHistory(session),
        records=built,
    )
