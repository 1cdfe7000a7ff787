"""What the case records (subjects, assessments, warrants, arrests, exhibits, custody events,
safeguarding, outcomes) share: each belongs to a referral and is seen by whoever may see it.

`RecordRepository` is the one storage protocol they all use; `visible_record` and
`visible_records` apply the referral's visibility to them.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol, TypeVar

from netsafe.operation.referrals import Referral, ReferralRepository, get_referral
from netsafe.platform.access import OperationInputError, RecordNotFoundError, Scope, scope_for
from netsafe.platform.roles import Viewer


class CaseRecord(Protocol):
    """Any record of a case: it has an id and belongs to a referral."""

    @property
    def id(self) -> int: ...

    @property
    def referral_id(self) -> int: ...


R = TypeVar("R", bound=CaseRecord)


@dataclass(frozen=True, slots=True)
class WorkedOut:
    """The default of an `add` service's keyword argument that the service works out itself
    when the field is left out (unlike null, which says "none"): the input model shows the
    field as optional, null by default, and passes it on only when given."""

    what: str


@dataclass(frozen=True, slots=True)
class FromCasework:
    """Marks an `add` service's keyword argument that is no input field
    (`questions: Annotated[QuestionSet, FROM_CASEWORK]`): the casework facade passes its
    attribute of the same name (the configured risk question set), so what the service
    depends on reaches it without a hand-written input model or route."""


FROM_CASEWORK = FromCasework()


@dataclass(frozen=True, slots=True)
class Checklist:
    """Marks an `add` service's yes-or-no-by-key argument (a risk assessment's answers,
    `Annotated[Mapping[str, bool], Checklist("q_")]`): JSON gives it as an object, a form as one
    check box per key, named `prefix` + key, ticked for yes (absent: no)."""

    prefix: str


#: Record ids are INTEGER columns (32-bit signed on PostgreSQL): anything larger names no record.
MAX_RECORD_ID = 2**31 - 1


class RecordRepository(Protocol[R]):
    """Where one kind of case record is kept."""

    def add(self, record: R) -> R:
        """Store a new record (its `id` is ignored) and return it with its id."""
        ...

    def get(self, record_id: int) -> R | None: ...

    def update(self, record: R) -> None: ...

    def for_referral(self, referral_id: int) -> list[R]:
        """The referral's records, oldest first."""
        ...

    def visible(self, scope: Scope, *, limit: int, offset: int) -> list[R]:
        """Records of referrals within `scope`, newest first."""
        ...


def visible_record(
    records: RecordRepository[R],
    referrals: ReferralRepository,
    viewer: Viewer,
    record_id: int,
    kind: str,
) -> tuple[R, Referral]:
    """The record and its referral, when the viewer may see the referral (404 otherwise)."""
    scope_for(viewer)
    record = records.get(record_id)
    if record is None:
        raise RecordNotFoundError(f"{kind} {record_id} not found")
    try:
        referral = get_referral(referrals, viewer, record.referral_id)
    except RecordNotFoundError:
        raise RecordNotFoundError(f"{kind} {record_id} not found") from None
    return record, referral


def visible_records(
    records: RecordRepository[R], viewer: Viewer, *, limit: int = 50, offset: int = 0
) -> list[R]:
    """The records the viewer may see, newest first, a page at a time."""
    limit = max(1, min(limit, 500))
    return records.visible(scope_for(viewer), limit=limit, offset=max(0, offset))


def same_case_id(
    records: RecordRepository[R], record_id: int | None, referral: Referral, field: str, kind: str
) -> int | None:
    """`record_id` (a subject, a warrant, ... named inside a request body) when it names a record
    of `referral`; an input error on `field` otherwise, the same whether the id is unknown or a
    record of another case (of this force or another), so the answer reveals nothing else."""
    if record_id is None:
        return None
    record = records.get(record_id) if 0 < record_id <= MAX_RECORD_ID else None
    if record is None or record.referral_id != referral.id:
        raise OperationInputError(field, f"no {kind} {record_id} in this case")
    if getattr(record, "withdrawn_at", None) is not None:
        raise OperationInputError(field, f"{kind} {record_id} was withdrawn")
    return record_id
