"""Exhibits and the warrant they were seized under: a new exhibit names the case's executed
warrant unless told otherwise (when the case has exactly one: with several, the officer
chooses), and a warrant lists the exhibits seized under it."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import TYPE_CHECKING, Annotated

from annotated_types import MaxLen

from netsafe.operation.exhibits import Exhibit, record_exhibit
from netsafe.operation.records import WorkedOut
from netsafe.operation.warrants import Warrant, WarrantStatus
from netsafe.platform.roles import Viewer

if TYPE_CHECKING:
    from netsafe.operation.casefile import CaseRepositories

#: Left out, a new exhibit's warrant is the case's one executed warrant (`default_warrant_id`).
CASE_WARRANT = WorkedOut("the case's executed warrant when it has exactly one")


def default_warrant_id(warrants: Iterable[Warrant]) -> int | None:
    """The case's one executed warrant, or None when it has none or several."""
    executed = [w.id for w in warrants if w.status is WarrantStatus.EXECUTED]
    return executed[0] if len(executed) == 1 else None


def seized_under(warrant: Warrant, exhibits: Iterable[Exhibit]) -> list[Exhibit]:
    """The exhibits (of the warrant's case) seized under `warrant`, in the order recorded."""
    return [
        e for e in exhibits if e.warrant_id == warrant.id and e.referral_id == warrant.referral_id
    ]


def add_record(
    repos: CaseRepositories,
    viewer: Viewer,
    referral_id: int,
    *,
    reference: Annotated[str, MaxLen(64)],
    device_type: str,
    seal_number: Annotated[str, MaxLen(100)],
    seized_at: datetime,
    seized_from: Annotated[str, MaxLen(500)],
    seized_by: Annotated[str, MaxLen(63)] = "",
    description: Annotated[str, MaxLen(4000)] = "",
    subject_id: int | None = None,
    warrant_id: int | WorkedOut | None = CASE_WARRANT,
) -> Exhibit:
    """The record-kinds table's `add` for exhibits: its keyword arguments are the input model
    of the API and the case page's form. `warrant_id` left out: the case's one executed warrant
    (none when it has none or several); null: no warrant."""
    if isinstance(warrant_id, WorkedOut):
        warrant_id = default_warrant_id(repos.warrants.for_referral(referral_id))
    return record_exhibit(
        repos.referrals,
        repos.exhibits,
        viewer,
        referral_id,
        subjects=repos.subjects,
        warrants=repos.warrants,
        reference=reference,
        device_type=device_type,
        seal_number=seal_number,
        seized_at=seized_at,
        seized_from=seized_from,
        seized_by=seized_by,
        description=description,
        subject_id=subject_id,
        warrant_id=warrant_id,
    )
