"""How each kind of record is added, for the API and the case page alike: its one input model
(`schemas.py`), the field naming what it is added to, the facade's method, and what the page
says and where it leads after. `api_casework.py` and `pages_case.py` derive their create routes
from this table; a new kind of record is one row here (and one in `operation/record_kinds.py`).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from pydantic import BaseModel

from netsafe.operation import record_kinds as kinds
from netsafe.operation.casework import Casework
from netsafe.operation.exhibit_links import default_warrant_id
from netsafe.operation.record_kinds import RecordKind
from netsafe.web.operation.schemas import (
    ArrestIn,
    ExhibitIn,
    OutcomeIn,
    SafeguardingIn,
    SubjectIn,
    WarrantIn,
)


@dataclass(frozen=True, slots=True)
class RecordWrite:
    """Adding one kind of record: `create(casework, owner_id, **fields)` returns the record.

    `owner` is the body's field naming what the record is added to (`referral_id`, or
    `subject_id` for an arrest); the case page's form gives the referral from its path."""

    kind: RecordKind
    body: type[BaseModel]
    owner: str
    create: Callable[..., Any]
    notice: Callable[[Casework, Any], str]
    page: Callable[[Any], str] | None = None
    audit_detail: Callable[[Any], str | None] = lambda _record: None
    #: Fields `create` fills in itself when the body leaves them out (not when given as null).
    defaulted: frozenset[str] = frozenset()

    def fields(self, body: BaseModel) -> dict[str, Any]:
        """The body's values but the owner's id (and defaulted fields left out): the facade's
        keyword arguments."""
        return body.model_dump(exclude={self.owner, *(self.defaulted - body.model_fields_set)})

    def owner_id(self, body: BaseModel) -> int:
        owner: int = getattr(body, self.owner)
        return owner


def _exhibit(casework: Casework, referral_id: int, **fields: Any) -> Any:
    """An exhibit; left out, its warrant is the case's one executed warrant (if it has one)."""
    if "warrant_id" not in fields:
        warrants = casework.repos.warrants.for_referral(casework.referral(referral_id).id)
        fields["warrant_id"] = default_warrant_id(warrants)
    return casework.record_exhibit(referral_id, **fields)


def _outcome(casework: Casework, referral_id: int, **fields: Any) -> Any:
    outcome, _referral = casework.record_outcome(referral_id, **fields)
    return outcome


def _outcome_notice(casework: Casework, outcome: Any) -> str:
    referral = casework.referral(outcome.referral_id)
    return f"Outcome recorded: {outcome.kind.value}; referral {referral.status.value}"


WRITES: tuple[RecordWrite, ...] = (
    RecordWrite(
        kinds.SUBJECT,
        SubjectIn,
        "referral_id",
        Casework.add_subject,
        lambda _c, _r: "Subject added",
    ),
    RecordWrite(
        kinds.WARRANT,
        WarrantIn,
        "referral_id",
        Casework.apply_for_warrant,
        lambda _c, _r: "Warrant application recorded",
        page=lambda w: f"/operation/warrants/{w.id}",
    ),
    RecordWrite(
        kinds.ARREST,
        ArrestIn,
        "subject_id",
        Casework.record_arrest,
        lambda _c, _r: "Arrest recorded",
    ),
    RecordWrite(
        kinds.EXHIBIT,
        ExhibitIn,
        "referral_id",
        _exhibit,
        lambda _c, e: f"Exhibit {e.reference} recorded",
        page=lambda e: f"/operation/exhibits/{e.id}",
        audit_detail=lambda e: str(e.reference),
        defaulted=frozenset({"warrant_id"}),
    ),
    RecordWrite(
        kinds.SAFEGUARDING,
        SafeguardingIn,
        "referral_id",
        Casework.record_safeguarding,
        lambda _c, _r: "Safeguarding recorded",
    ),
    RecordWrite(
        kinds.OUTCOME,
        OutcomeIn,
        "referral_id",
        _outcome,
        _outcome_notice,
        audit_detail=lambda o: str(o.kind.value),
    ),
)
