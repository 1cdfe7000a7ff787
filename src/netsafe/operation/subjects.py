"""Subjects: the people a referral is about (synthetic in every demo and test), and the note
that the subject or family was given the helpline's details. Nothing about a subject crosses to
the charity: the note records only that details were given, when and to whom.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime
from typing import TYPE_CHECKING, Annotated

from annotated_types import MaxLen

from netsafe.operation.dates import utc
from netsafe.operation.records import RecordRepository, visible_record
from netsafe.operation.referrals import ReferralRepository, get_referral
from netsafe.platform.access import OperationInputError
from netsafe.platform.roles import Viewer

if TYPE_CHECKING:
    from netsafe.operation.casefile import CaseRepositories


class HelplineRecipient(enum.StrEnum):
    """Who was given the helpline's details."""

    SUBJECT = "subject"
    FAMILY = "family"
    SUBJECT_AND_FAMILY = "subject-and-family"


@dataclass(frozen=True, slots=True)
class Subject:
    """A person referred."""

    id: int
    referral_id: int
    display_name: str
    created_at: datetime
    created_by: str
    date_of_birth: date | None = None
    identifiers: str = ""
    notes: str = ""
    helpline_details_given_at: datetime | None = None
    helpline_details_given_to: HelplineRecipient | None = None
    withdrawn_at: datetime | None = None


def add_subject(
    repos: CaseRepositories,
    viewer: Viewer,
    referral_id: int,
    *,
    display_name: Annotated[str, MaxLen(200)],
    date_of_birth: date | None = None,
    identifiers: Annotated[str, MaxLen(4000)] = "",
    notes: Annotated[str, MaxLen(4000)] = "",
) -> Subject:
    """Add a subject to a referral the viewer may see. The record-kinds table's `add` for
    subjects: its keyword arguments are the input model of the API and the case page's form."""
    referral = get_referral(repos.referrals, viewer, referral_id)
    name = display_name.strip()
    if not name:
        raise OperationInputError("display_name", "required")
    now = datetime.now(UTC)
    if date_of_birth is not None and date_of_birth > now.date():
        raise OperationInputError("date_of_birth", "in the future")
    return repos.subjects.add(
        Subject(
            id=0,
            referral_id=referral.id,
            display_name=name,
            created_at=now,
            created_by=viewer.username,
            date_of_birth=date_of_birth,
            identifiers=identifiers.strip(),
            notes=notes.strip(),
        )
    )


def note_helpline_details_given(
    referrals: ReferralRepository,
    subjects: RecordRepository[Subject],
    viewer: Viewer,
    subject_id: int,
    *,
    given_to: HelplineRecipient | str,
    given_at: datetime,
) -> Subject:
    """Record that the subject or family was given the helpline's details (a flag only: no data
    goes to the charity)."""
    subject, _referral = visible_record(subjects, referrals, viewer, subject_id, "subject")
    try:
        recipient = HelplineRecipient(given_to)
    except ValueError:
        choices = ", ".join(r.value for r in HelplineRecipient)
        raise OperationInputError("given_to", f"one of {choices}") from None
    updated = replace(
        subject,
        helpline_details_given_at=utc(given_at, "given_at"),
        helpline_details_given_to=recipient,
    )
    subjects.update(updated)
    return updated
