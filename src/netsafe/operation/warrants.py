"""Warrants: applied for, granted (or refused), executed with a result. Executing one is a
police action on the referral: it stops the response clock."""

from __future__ import annotations

import enum
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Annotated

from annotated_types import MaxLen

from netsafe.operation.dates import check_case_time
from netsafe.operation.records import RecordRepository, same_case_id, visible_record
from netsafe.operation.referrals import ReferralRepository, get_referral, record_response
from netsafe.platform.access import OperationInputError
from netsafe.platform.roles import Viewer

if TYPE_CHECKING:
    from netsafe.operation.casefile import CaseRepositories


class WarrantStatus(enum.StrEnum):
    APPLIED = "applied"
    GRANTED = "granted"
    REFUSED = "refused"
    EXECUTED = "executed"


class WarrantResult(enum.StrEnum):
    """What executing the warrant found."""

    DEVICES_SEIZED = "devices-seized"
    NOTHING_SEIZED = "nothing-seized"
    NO_ACCESS = "no-access"
    SUBJECT_NOT_PRESENT = "subject-not-present"


@dataclass(frozen=True, slots=True)
class Warrant:
    """A search warrant for a referral's premises."""

    id: int
    referral_id: int
    status: WarrantStatus
    premises: str
    applied_at: datetime
    applied_by: str
    subject_id: int | None = None
    court: str = ""
    granted_at: datetime | None = None
    refused_at: datetime | None = None
    executed_at: datetime | None = None
    result: WarrantResult | None = None
    notes: str = ""
    withdrawn_at: datetime | None = None


def apply_for_warrant(
    repos: CaseRepositories,
    viewer: Viewer,
    referral_id: int,
    *,
    premises: Annotated[str, MaxLen(500)],
    applied_at: datetime | None = None,
    subject_id: int | None = None,
    court: Annotated[str, MaxLen(200)] = "",
) -> Warrant:
    """Record a warrant application for a referral the viewer may see (`subject_id`, if given,
    must be a subject of that referral). The record-kinds table's `add` for warrants: its
    keyword arguments are the input model of the API and the case page's form."""
    referral = get_referral(repos.referrals, viewer, referral_id)
    subject_id = same_case_id(repos.subjects, subject_id, referral, "subject_id", "subject")
    if not premises.strip():
        raise OperationInputError("premises", "required")
    return repos.warrants.add(
        Warrant(
            id=0,
            referral_id=referral.id,
            status=WarrantStatus.APPLIED,
            premises=premises.strip(),
            applied_at=check_case_time(applied_at or datetime.now(UTC), "applied_at", referral),
            applied_by=viewer.username,
            subject_id=subject_id,
            court=court.strip(),
        )
    )


def decide_warrant(
    referrals: ReferralRepository,
    warrants: RecordRepository[Warrant],
    viewer: Viewer,
    warrant_id: int,
    *,
    granted: bool,
    at: datetime,
    court: str = "",
) -> Warrant:
    """The court's decision on an application: granted or refused, not before it was applied for."""
    warrant, referral = visible_record(warrants, referrals, viewer, warrant_id, "warrant")
    if warrant.status is not WarrantStatus.APPLIED:
        raise OperationInputError("status", f"warrant is {warrant.status}, not applied")
    field = "granted_at" if granted else "refused_at"
    at = check_case_time(
        at, field, referral, after=warrant.applied_at, after_rule="before the application"
    )
    updated = replace(
        warrant,
        status=WarrantStatus.GRANTED if granted else WarrantStatus.REFUSED,
        granted_at=at if granted else None,
        refused_at=None if granted else at,
        court=court.strip() or warrant.court,
    )
    warrants.update(updated)
    return updated


def execute_warrant(
    referrals: ReferralRepository,
    warrants: RecordRepository[Warrant],
    viewer: Viewer,
    warrant_id: int,
    *,
    at: datetime,
    result: WarrantResult | str,
    notes: str = "",
) -> Warrant:
    """Execute a granted warrant with its result; the referral's response clock stops."""
    warrant, referral = visible_record(warrants, referrals, viewer, warrant_id, "warrant")
    if warrant.status is not WarrantStatus.GRANTED or warrant.granted_at is None:
        raise OperationInputError("status", f"warrant is {warrant.status}, not granted")
    at = check_case_time(
        at,
        "executed_at",
        referral,
        after=warrant.granted_at,
        after_rule="before the warrant was granted",
    )
    try:
        outcome = WarrantResult(result)
    except ValueError:
        choices = ", ".join(r.value for r in WarrantResult)
        raise OperationInputError("result", f"one of {choices}") from None
    updated = replace(
        warrant,
        status=WarrantStatus.EXECUTED,
        executed_at=at,
        result=outcome,
        notes=notes.strip() or warrant.notes,
    )
    warrants.update(updated)
    record_response(referrals, referral, at)
    return updated
