"""Outcomes: no further action, caution, charge, conviction, sex offender notification.
Recording one is a police action; a final one (no further action, caution, conviction,
notification) closes the referral unless told otherwise."""

from __future__ import annotations

import enum
from dataclasses import dataclass, replace
from datetime import datetime
from typing import TYPE_CHECKING, Annotated

from annotated_types import MaxLen

from netsafe.operation.dates import check_case_time
from netsafe.operation.records import same_case_id
from netsafe.operation.referrals import (
    ReferralStatus,
    get_referral,
    record_response,
)
from netsafe.platform.access import OperationInputError
from netsafe.platform.roles import Viewer

if TYPE_CHECKING:
    from netsafe.operation.casefile import CaseRepositories


class OutcomeKind(enum.StrEnum):
    NO_FURTHER_ACTION = "no-further-action"
    CAUTION = "caution"
    CHARGE = "charge"
    CONVICTION = "conviction"
    SEX_OFFENDER_NOTIFICATION = "sex-offender-notification"

    @property
    def closes_case(self) -> bool:
        """Whether this outcome, by default, closes the referral."""
        return self is not OutcomeKind.CHARGE


@dataclass(frozen=True, slots=True)
class Outcome:
    """An outcome for a referral (and optionally one subject)."""

    id: int
    referral_id: int
    kind: OutcomeKind
    decided_at: datetime
    recorded_by: str
    subject_id: int | None = None
    notes: str = ""
    withdrawn_at: datetime | None = None


def record_outcome(
    repos: CaseRepositories,
    viewer: Viewer,
    referral_id: int,
    *,
    kind: str,
    decided_at: datetime,
    subject_id: int | None = None,
    notes: Annotated[str, MaxLen(4000)] = "",
    close_case: bool | None = None,
) -> Outcome:
    """Record an outcome; closes the referral when the outcome is final (or `close_case`). The
    record-kinds table's `add` for outcomes: its keyword arguments are the input model of the
    API and the case page's form."""
    referral = get_referral(repos.referrals, viewer, referral_id)
    subject_id = same_case_id(repos.subjects, subject_id, referral, "subject_id", "subject")
    try:
        outcome_kind = OutcomeKind(kind)
    except ValueError:
        choices = ", ".join(k.value for k in OutcomeKind)
        raise OperationInputError("kind", f"one of {choices}") from None
    at = check_case_time(decided_at, "decided_at", referral)
    outcome = repos.outcomes.add(
        Outcome(
            id=0,
            referral_id=referral.id,
            kind=outcome_kind,
            decided_at=at,
            recorded_by=viewer.username,
            subject_id=subject_id,
            notes=notes.strip(),
        )
    )
    referral = record_response(repos.referrals, referral, at)
    if close_case if close_case is not None else outcome_kind.closes_case:
        repos.referrals.update(replace(referral, status=ReferralStatus.CLOSED))
    return outcome
