"""Arrests of a referral's subjects. An arrest is a police action: it stops the response clock."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Annotated

from annotated_types import MaxLen

from netsafe.operation.dates import check_case_time
from netsafe.operation.records import visible_record
from netsafe.operation.referrals import record_response
from netsafe.platform.access import OperationInputError
from netsafe.platform.roles import Viewer

if TYPE_CHECKING:
    from netsafe.operation.casefile import CaseRepositories


@dataclass(frozen=True, slots=True)
class Arrest:
    """A subject's arrest: when, where, by whom and on what grounds."""

    id: int
    referral_id: int
    subject_id: int
    arrested_at: datetime
    location: str
    arresting_officer: str
    grounds: str
    custody_reference: str = ""
    withdrawn_at: datetime | None = None


def record_arrest(
    repos: CaseRepositories,
    viewer: Viewer,
    subject_id: int,
    *,
    arrested_at: datetime,
    location: Annotated[str, MaxLen(500)],
    grounds: Annotated[str, MaxLen(4000)],
    arresting_officer: Annotated[str, MaxLen(63)] = "",
    custody_reference: Annotated[str, MaxLen(100)] = "",
) -> Arrest:
    """Record the arrest of a subject the viewer may see. The record-kinds table's `add` for
    arrests (of a subject): its keyword arguments are the input model of the API and the case
    page's form."""
    subject, referral = visible_record(
        repos.subjects, repos.referrals, viewer, subject_id, "subject"
    )
    if not location.strip():
        raise OperationInputError("location", "required")
    if not grounds.strip():
        raise OperationInputError("grounds", "required")
    at = check_case_time(arrested_at, "arrested_at", referral)
    arrest = repos.arrests.add(
        Arrest(
            id=0,
            referral_id=referral.id,
            subject_id=subject.id,
            arrested_at=at,
            location=location.strip(),
            arresting_officer=arresting_officer.strip() or viewer.username,
            grounds=grounds.strip(),
            custody_reference=custody_reference.strip(),
        )
    )
    record_response(repos.referrals, referral, at)
    return arrest
