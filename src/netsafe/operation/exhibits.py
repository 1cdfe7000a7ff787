"""Exhibits (seized devices) and their chain of custody: every hand-over with who, when and
where. The chain must be unbroken: the first hand-over is from the officer who seized the
exhibit, each next one from whoever last received it, and none earlier than the one before.

The exhibit reference (e.g. `SWP/AB/1`) is unique within a force (the referral's), not across the
operation: a force may not reuse its own reference, and is never told about another force's.
Triage runs are found by the reference (and, when two forces share one, by the case too). A new
exhibit names the case's executed warrant unless told otherwise (when the case has exactly one:
with several, the officer chooses).
"""

from __future__ import annotations

import enum
import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Annotated, Protocol

from annotated_types import MaxLen

from netsafe.operation.dates import check_case_time
from netsafe.operation.records import RecordRepository, WorkedOut, same_case_id, visible_record
from netsafe.operation.referrals import get_referral
from netsafe.operation.warrants import Warrant, WarrantStatus
from netsafe.platform.access import OperationInputError
from netsafe.platform.roles import Viewer

if TYPE_CHECKING:
    from netsafe.operation.casefile import CaseRepositories

REFERENCE_PATTERN = re.compile(r"[A-Za-z0-9][A-Za-z0-9/._-]{0,63}")


class DeviceType(enum.StrEnum):
    PHONE = "phone"
    COMPUTER = "computer"
    LAPTOP = "laptop"
    TABLET = "tablet"
    EXTERNAL_DRIVE = "external-drive"
    USB_STICK = "usb-stick"
    MEMORY_CARD = "memory-card"
    OPTICAL_DISC = "optical-disc"
    GAMES_CONSOLE = "games-console"
    OTHER = "other"


@dataclass(frozen=True, slots=True)
class Exhibit:
    """A seized item: its reference, device type, seal number and seizure."""

    id: int
    referral_id: int
    reference: str
    device_type: DeviceType
    seal_number: str
    seized_at: datetime
    seized_by: str
    seized_from: str
    description: str = ""
    subject_id: int | None = None
    warrant_id: int | None = None
    withdrawn_at: datetime | None = None


@dataclass(frozen=True, slots=True)
class CustodyEvent:
    """One hand-over of an exhibit."""

    id: int
    referral_id: int
    exhibit_id: int
    handed_from: str
    handed_to: str
    at: datetime
    location: str
    purpose: str = ""
    seal_intact: bool = True
    withdrawn_at: datetime | None = None


@dataclass(frozen=True, slots=True)
class CustodyCheck:
    """Whether a chain is unbroken, who holds the exhibit now and any problems found."""

    unbroken: bool
    holder: str
    location: str
    problems: tuple[str, ...]


class ExhibitRepository(RecordRepository[Exhibit], Protocol):
    """Exhibits, findable by their force and reference too."""

    def by_reference(self, force: str, reference: str) -> Exhibit | None:
        """The exhibit of `force` with `reference`, or None."""
        ...


def check_custody(exhibit: Exhibit, events: list[CustodyEvent]) -> CustodyCheck:
    """Walk the chain in time order and report every break, out-of-order time or broken seal."""
    problems = []
    holder, location, last = exhibit.seized_by, exhibit.seized_from, exhibit.seized_at
    for index, event in enumerate(sorted(events, key=lambda e: (e.at, e.id)), start=1):
        if event.handed_from != holder:
            problems.append(f"hand-over {index}: from {event.handed_from}, but {holder} held it")
        if event.at < last:
            problems.append(f"hand-over {index}: earlier than the step before it")
        if not event.seal_intact:
            problems.append(f"hand-over {index}: seal not intact")
        holder, location, last = event.handed_to, event.location, event.at
    return CustodyCheck(not problems, holder, location, tuple(problems))


#: Left out, a new exhibit's warrant is the case's one executed warrant (`default_warrant_id`).
CASE_WARRANT = WorkedOut("the case's executed warrant when it has exactly one")


def default_warrant_id(warrants: Iterable[Warrant]) -> int | None:
    """The case's one executed warrant, or None when it has none or several."""
    executed = [w.id for w in warrants if w.status is WarrantStatus.EXECUTED]
    return executed[0] if len(executed) == 1 else None


def record_exhibit(
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
    """Record a seized exhibit on a referral the viewer may see; the reference must be new.
    `warrant_id` left out: the case's one executed warrant (none when it has none or several);
    None: no warrant. The record-kinds table's `add` for exhibits: its keyword arguments are the
    input model of the API and the case page's form."""
    referral = get_referral(repos.referrals, viewer, referral_id)
    if isinstance(warrant_id, WorkedOut):
        warrant_id = default_warrant_id(repos.warrants.for_referral(referral.id))
    subject_id = same_case_id(repos.subjects, subject_id, referral, "subject_id", "subject")
    warrant_id = same_case_id(repos.warrants, warrant_id, referral, "warrant_id", "warrant")
    warrant = repos.warrants.get(warrant_id) if warrant_id is not None else None
    # the warrant's latest step so far: executed, else granted, else applied for
    warrant_time = (
        None if warrant is None else warrant.executed_at or warrant.granted_at or warrant.applied_at
    )
    seized = check_case_time(
        seized_at,
        "seized_at",
        referral,
        after=warrant_time,
        after_rule=f"before the warrant it names (warrant {warrant_id})",
    )
    reference = reference.strip()
    if not REFERENCE_PATTERN.fullmatch(reference):
        raise OperationInputError("reference", "1-64 letters, digits, '/', '.', '_' or '-'")
    if repos.exhibits.by_reference(referral.force, reference) is not None:
        raise OperationInputError("reference", f"{reference} is already an exhibit of this force")
    try:
        kind = DeviceType(device_type)
    except ValueError:
        choices = ", ".join(d.value for d in DeviceType)
        raise OperationInputError("device_type", f"one of {choices}") from None
    if not seal_number.strip():
        raise OperationInputError("seal_number", "required")
    if not seized_from.strip():
        raise OperationInputError("seized_from", "required")
    return repos.exhibits.add(
        Exhibit(
            id=0,
            referral_id=referral.id,
            reference=reference,
            device_type=kind,
            seal_number=seal_number.strip(),
            seized_at=seized,
            seized_by=seized_by.strip() or viewer.username,
            seized_from=seized_from.strip(),
            description=description.strip(),
            subject_id=subject_id,
            warrant_id=warrant_id,
        )
    )


def custody_events(custody: RecordRepository[CustodyEvent], exhibit: Exhibit) -> list[CustodyEvent]:
    """The exhibit's hand-overs in time order (those withdrawn left out: not part of the chain)."""
    events = [
        e
        for e in custody.for_referral(exhibit.referral_id)
        if e.exhibit_id == exhibit.id and e.withdrawn_at is None
    ]
    return sorted(events, key=lambda e: (e.at, e.id))


def hand_over(
    repos: CaseRepositories,
    viewer: Viewer,
    exhibit_id: int,
    *,
    handed_to: Annotated[str, MaxLen(63)],
    at: datetime,
    location: Annotated[str, MaxLen(500)],
    handed_from: Annotated[str, MaxLen(63)] | None = None,
    purpose: Annotated[str, MaxLen(500)] = "",
    seal_intact: bool = True,
) -> CustodyEvent:
    """Record a hand-over; it must continue the chain: from the current holder, not earlier than
    the last step. The record-kinds table's `add` for custody steps: its keyword arguments are
    the input model of `POST /api/v1/exhibits/{exhibit_id}/custody-events`."""
    exhibit, referral = visible_record(
        repos.exhibits, repos.referrals, viewer, exhibit_id, "exhibit"
    )
    chain = custody_events(repos.custody, exhibit)
    current = check_custody(exhibit, chain)
    giver = (handed_from or current.holder).strip()
    if giver != current.holder:
        raise OperationInputError(
            "handed_from", f"{current.holder} holds {exhibit.reference}, not {giver}"
        )
    if not handed_to.strip():
        raise OperationInputError("handed_to", "required")
    if not location.strip():
        raise OperationInputError("location", "required")
    last = chain[-1].at if chain else exhibit.seized_at
    at = check_case_time(
        at,
        "at",
        referral,
        after=last,
        after_rule="before the previous step of the chain (or the seizure)",
    )
    return repos.custody.add(
        CustodyEvent(
            id=0,
            referral_id=exhibit.referral_id,
            exhibit_id=exhibit.id,
            handed_from=giver,
            handed_to=handed_to.strip(),
            at=at,
            location=location.strip(),
            purpose=purpose.strip(),
            seal_intact=seal_intact,
        )
    )
