"""What a corrected record must still satisfy, kind by kind: the rules of its creation (fields
required, values from their lists, the records it names in the same case) and the date rules of
`dates.py` against the rest of the case (a corrected warrant still granted after it was applied
for and before the exhibits seized under it, a custody step still between its neighbours, a
referral still received before its earliest record, ...).

Each check takes the corrected record, its referral and the case's repositories and raises an
`OperationInputError` naming the field and the rule.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from dataclasses import replace
from datetime import date, datetime
from typing import Any

from netsafe.operation.casefile import CaseRepositories
from netsafe.operation.dates import CLOCK_SKEW, check_case_time
from netsafe.operation.exhibits import CustodyEvent, Exhibit
from netsafe.operation.record_kinds import CASE_RECORD_KINDS, RecordKind
from netsafe.operation.records import same_case_id
from netsafe.operation.referrals import SUMMARY_MAX, Referral
from netsafe.operation.warrants import Warrant, WarrantStatus
from netsafe.platform.access import OperationInputError

Check = Callable[[Any, Referral, CaseRepositories, datetime], Any]


def _required(record: Any, *fields: str) -> None:
    for field in fields:
        if not str(getattr(record, field) or "").strip():
            raise OperationInputError(field, "required")


def _time(
    record: Any, field: str, referral: Referral, now: datetime, after: Any = None, rule: str = ""
) -> None:
    value = getattr(record, field)
    if value is not None:
        check_case_time(value, field, referral, after=after, after_rule=rule, now=now)


def _live(records: list[Any]) -> list[Any]:
    return [r for r in records if r.withdrawn_at is None]


def _referral(record: Referral, was: Referral, repos: CaseRepositories, now: datetime) -> Any:
    _required(record, "summary")
    if len(record.summary) > SUMMARY_MAX:
        raise OperationInputError("summary", f"longer than {SUMMARY_MAX} characters")
    if record.received_at > now + CLOCK_SKEW:
        raise OperationInputError("received_at", f"in the future (after {now:%Y-%m-%d %H:%M} UTC)")
    # every record of the case must still come after the referral was received
    first: tuple[datetime, str] | None = None
    for kind in CASE_RECORD_KINDS:
        for other in _live(repos.records[kind.repository].for_referral(record.id)):
            for value in (getattr(other, field) for field in kind.times):
                if value is not None and (first is None or value < first[0]):
                    first = (value, kind.label.lower())
    if first is not None and record.received_at > first[0]:
        raise OperationInputError(
            "received_at",
            f"after the case's earliest record ({first[1]}, {first[0]:%Y-%m-%d %H:%M} UTC)",
        )
    # the deadline is counted from the receipt: it moves with it
    return replace(record, deadline_at=record.deadline_at + (record.received_at - was.received_at))


def _subject(record: Any, referral: Referral, repos: CaseRepositories, now: datetime) -> Any:
    _required(record, "display_name")
    born: date | None = record.date_of_birth
    if born is not None and born > now.date():
        raise OperationInputError("date_of_birth", "in the future")
    _time(record, "helpline_details_given_at", referral, now)
    return record


def _risk(record: Any, referral: Referral, repos: CaseRepositories, now: datetime) -> Any:
    same_case_id(repos.subjects, record.subject_id, referral, "subject_id", "subject")
    _time(record, "assessed_at", referral, now)
    return record


def warrant_latest_step(warrant: Warrant) -> datetime:
    """The warrant's latest step so far: executed, else granted, else applied for."""
    return warrant.executed_at or warrant.granted_at or warrant.applied_at


def _warrant(record: Warrant, referral: Referral, repos: CaseRepositories, now: datetime) -> Any:
    _required(record, "premises")
    same_case_id(repos.subjects, record.subject_id, referral, "subject_id", "subject")
    _time(record, "applied_at", referral, now)
    rule = "before the application"
    _time(record, "granted_at", referral, now, record.applied_at, rule)
    _time(record, "refused_at", referral, now, record.applied_at, rule)
    if record.granted_at is not None and record.refused_at is not None:
        raise OperationInputError("refused_at", "a warrant is granted or refused, not both")
    if record.executed_at is not None and record.granted_at is None:
        raise OperationInputError("executed_at", "a warrant is executed only once granted")
    _time(record, "executed_at", referral, now, record.granted_at, "before the warrant was granted")
    if (record.executed_at is None) != (record.result is None):
        raise OperationInputError("result", "given when (and only when) the warrant is executed")
    status = (
        WarrantStatus.EXECUTED
        if record.executed_at
        else WarrantStatus.GRANTED
        if record.granted_at
        else WarrantStatus.REFUSED
        if record.refused_at
        else WarrantStatus.APPLIED
    )
    latest = warrant_latest_step(record)
    for exhibit in _live(repos.exhibits.for_referral(referral.id)):
        if exhibit.warrant_id == record.id and exhibit.seized_at < latest:
            field = "executed_at" if record.executed_at else "granted_at"
            raise OperationInputError(
                field,
                f"after exhibit {exhibit.reference} was seized under it "
                f"({exhibit.seized_at:%Y-%m-%d %H:%M} UTC)",
            )
    return replace(record, status=status)


def _arrest(record: Any, referral: Referral, repos: CaseRepositories, now: datetime) -> Any:
    _required(record, "location", "grounds")
    same_case_id(repos.subjects, record.subject_id, referral, "subject_id", "subject")
    _time(record, "arrested_at", referral, now)
    return record


def _exhibit(record: Exhibit, referral: Referral, repos: CaseRepositories, now: datetime) -> Any:
    _required(record, "seal_number", "seized_from")
    same_case_id(repos.subjects, record.subject_id, referral, "subject_id", "subject")
    same_case_id(repos.warrants, record.warrant_id, referral, "warrant_id", "warrant")
    warrant = repos.warrants.get(record.warrant_id) if record.warrant_id else None
    after = warrant_latest_step(warrant) if warrant else None
    rule = f"before the warrant it names (warrant {record.warrant_id})"
    _time(record, "seized_at", referral, now, after, rule)
    steps = [e for e in _live(repos.custody.for_referral(referral.id)) if e.exhibit_id == record.id]
    if steps and min(e.at for e in steps) < record.seized_at:
        first = min(e.at for e in steps)
        raise OperationInputError(
            "seized_at", f"after the first custody step ({first:%Y-%m-%d %H:%M} UTC)"
        )
    return record


def _custody(
    record: CustodyEvent, referral: Referral, repos: CaseRepositories, now: datetime
) -> Any:
    _required(record, "handed_from", "handed_to", "location")
    exhibit = repos.exhibits.get(record.exhibit_id)
    others = sorted(
        (
            e
            for e in _live(repos.custody.for_referral(referral.id))
            if e.exhibit_id == record.exhibit_id and e.id != record.id
        ),
        key=lambda e: (e.at, e.id),
    )
    original = repos.custody.get(record.id)
    position = original.at if original is not None else record.at
    before = [e for e in others if (e.at, e.id) < (position, record.id)]
    after = [e for e in others if (e.at, e.id) > (position, record.id)]
    previous = before[-1].at if before else exhibit.seized_at if exhibit else None
    rule = "before the previous step of the chain (or the seizure)"
    _time(record, "at", referral, now, previous, rule)
    if after and record.at > after[0].at:
        raise OperationInputError(
            "at", f"after the next step of the chain ({after[0].at:%Y-%m-%d %H:%M} UTC)"
        )
    return record


def _safeguarding(record: Any, referral: Referral, repos: CaseRepositories, now: datetime) -> Any:
    if record.children_identified < 0:
        raise OperationInputError("children_identified", "must not be negative")
    if not 0 <= record.children_safeguarded <= record.children_identified:
        raise OperationInputError(
            "children_safeguarded", "between 0 and the number of children identified"
        )
    if record.referred_to_childrens_services and not record.local_authority.strip():
        raise OperationInputError("local_authority", "name the children's services referred to")
    _time(record, "recorded_at", referral, now)
    return record


def _outcome(record: Any, referral: Referral, repos: CaseRepositories, now: datetime) -> Any:
    same_case_id(repos.subjects, record.subject_id, referral, "subject_id", "subject")
    _time(record, "decided_at", referral, now)
    return record


def generic_check(kind: RecordKind) -> Check:
    """The check of a kind without one of its own, from the record-kinds table and its
    dataclass: text fields without a default are required, a subject or warrant it names is one
    of the case's, and each of its dated fields keeps the date rules against the referral."""
    required = tuple(
        f.name
        for f in dataclasses.fields(kind.record)
        if f.type in ("str", str)
        and f.default is dataclasses.MISSING
        and f.default_factory is dataclasses.MISSING
    )

    def check(record: Any, referral: Referral, repos: CaseRepositories, now: datetime) -> Any:
        _required(record, *required)
        if hasattr(record, "subject_id"):
            same_case_id(repos.subjects, record.subject_id, referral, "subject_id", "subject")
        if hasattr(record, "warrant_id"):
            same_case_id(repos.warrants, record.warrant_id, referral, "warrant_id", "warrant")
        for field in kind.times:
            _time(record, field, referral, now)
        return record

    return check


def check_of(kind: RecordKind) -> Check:
    """The check a corrected record of `kind` must pass."""
    return CHECKS.get(kind.name) or generic_check(kind)


#: The check of each kind (by `RecordKind.name`) that has rules of its own; it returns the
#: record with what follows from the correction (a warrant's status, a referral's deadline).
CHECKS: dict[str, Check] = {
    "referral": _referral,
    "subject": _subject,
    "risk": _risk,
    "warrant": _warrant,
    "arrest": _arrest,
    "exhibit": _exhibit,
    "custody": _custody,
    "safeguarding": _safeguarding,
    "outcome": _outcome,
}
