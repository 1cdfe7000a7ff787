"""How each kind of record is added, for the API and the case page alike, derived from the
record-kinds table (`operation/record_kinds.py`): a kind with an `add` service has its one input
model from the service's keyword arguments (`input_model`), is created through the facade's
`add`, and answers as its row of `PRESENTED` says (the case page's notice, the page it leads to,
the audit detail, the form's path) or else as derived. `api_casework.py` and `pages_case.py`
derive their create routes from `WRITES`: every case kind's (a custody step's under its
exhibit's path; a risk assessment's question set reaches its service through the facade).
"""

from __future__ import annotations

import datetime as dt
import inspect
import types
import typing as t
from collections.abc import Callable
from dataclasses import dataclass
from typing import Annotated, Any

from pydantic import AwareDatetime, BaseModel, Field, create_model

from netsafe.operation import record_kinds as kinds
from netsafe.operation.casework import Casework
from netsafe.operation.record_kinds import RecordKind
from netsafe.operation.records import WorkedOut


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
    #: The case page form's path below the referral (`/operation/referrals/{id}/<form_path>`).
    form_path: str = ""
    #: The resource type of the API's create event (the kind's name unless told otherwise).
    audit_type: str = ""

    def fields(self, body: BaseModel) -> dict[str, Any]:
        """The body's values but the owner's id (and defaulted fields left out): the facade's
        keyword arguments."""
        return body.model_dump(exclude={self.owner, *(self.defaulted - body.model_fields_set)})

    def owner_id(self, body: BaseModel) -> int:
        owner: int = getattr(body, self.owner)
        return owner


def _risk_notice(casework: Casework, assessment: Any) -> str:
    referral = casework.referral(assessment.referral_id)
    due = f"{referral.deadline_at:%Y-%m-%d %H:%M} UTC"
    return f"Risk assessed: {assessment.band.label}; response due {due}"


def _outcome_notice(casework: Casework, outcome: Any) -> str:
    referral = casework.referral(outcome.referral_id)
    return f"Outcome recorded: {outcome.kind.value}; referral {referral.status.value}"


#: The longest text a derived input model takes where the service names no cap of its own.
TEXT_MAX = 4000


def _input_type(hint: Any) -> Any:
    """A service argument's type as the JSON and the forms take it: a time needs its zone, and
    text is capped (unless the hint already says how, with `Annotated`)."""
    if t.get_origin(hint) in (t.Union, types.UnionType):
        args = [_input_type(a) for a in t.get_args(hint) if a is not WorkedOut]
        return t.Union[tuple(args)]  # noqa: UP007  (built from a runtime list)
    if hint is dt.datetime:
        return AwareDatetime
    if hint is str:
        return Annotated[str, Field(max_length=TEXT_MAX)]
    return hint


def _model_name(kind: RecordKind) -> str:
    """`SubjectIn`, `SafeguardingIn`, `RiskAssessmentIn`: from the kind's label."""
    return "".join(word.capitalize() for word in kind.label.split()) + "In"


def input_model(kind: RecordKind) -> type[BaseModel]:
    """The one input model (JSON and forms) of a kind added by its `add` service: the field
    naming what it is added to (`kind.owner`, unless the path names it: `kind.nested`), then
    each keyword-only argument of the service but those the facade gives (`FROM_CASEWORK`),
    typed as in its signature, required unless it has a default (null for a default the
    service works out itself, `WorkedOut`)."""
    if kind.add is None:
        raise TypeError(f"{kind.name} has no add service")
    fields: dict[str, Any] = {} if kind.nested else {kind.owner: (int, ...)}
    for argument in kinds.add_arguments(kind):
        if argument.from_casework:
            continue
        default = argument.default
        if default is inspect.Parameter.empty:
            default = ...
        elif isinstance(default, WorkedOut):
            default = None
        fields[argument.name] = (_input_type(argument.hint), default)
    model: type[BaseModel] = create_model(_model_name(kind), **fields)
    return model


@dataclass(frozen=True, slots=True)
class Presented:
    """What differs, for one kind, from the derived write's answers: the case page's notice
        (derived: "<Label> recorded"), the page it leads to (derived: back to the case page's
        section), the audit event's detail (derived: none), the case page form's path (derived: the
    kind's API collection) and the API create event's resource type (derived: the kind's name)."""

    notice: Callable[[Casework, Any], str] | None = None
    page: Callable[[Any], str] | None = None
    audit_detail: Callable[[Any], str | None] | None = None
    form_path: str | None = None
    audit_type: str | None = None


PRESENTED: dict[str, Presented] = {
    "subject": Presented(notice=lambda _c, _r: "Subject added"),
    # the form and the API's audit events as they were before the kind was derived
    "risk": Presented(
        notice=_risk_notice,
        audit_detail=lambda a: str(a.band.value),
        form_path="risk",
        audit_type="risk-assessment",
    ),
    "warrant": Presented(
        notice=lambda _c, _r: "Warrant application recorded",
        page=lambda w: f"/operation/warrants/{w.id}",
    ),
    "custody": Presented(audit_detail=lambda step: f"to {step.handed_to}"),
    "outcome": Presented(notice=_outcome_notice, audit_detail=lambda o: str(o.kind.value)),
    "exhibit": Presented(
        notice=lambda _c, e: f"Exhibit {e.reference} recorded",
        page=lambda e: f"/operation/exhibits/{e.id}",
        audit_detail=lambda e: str(e.reference),
    ),
}


def worked_out(kind: RecordKind) -> frozenset[str]:
    """The fields of a kind's `add` service it works out itself when they are left out."""
    return frozenset(a.name for a in kinds.add_arguments(kind) if isinstance(a.default, WorkedOut))


def derived_write(kind: RecordKind) -> RecordWrite:
    """The write of a kind added by its `add` service: through the facade's `add`, its input
    model derived, and what the page says from `PRESENTED` (else "<Label> recorded")."""

    def create(casework: Casework, owner_id: int, **fields: Any) -> Any:
        return casework.add(kind, owner_id, **fields)

    def recorded(_casework: Casework, _record: Any) -> str:
        return f"{kind.label} recorded"

    shown = PRESENTED.get(kind.name, Presented())
    return RecordWrite(
        kind,
        input_model(kind),
        kind.owner,
        create,
        shown.notice or recorded,
        page=shown.page,
        audit_detail=shown.audit_detail or (lambda _record: None),
        defaulted=worked_out(kind),
        form_path=shown.form_path or kind.path,
        audit_type=shown.audit_type or kind.name,
    )


#: The write of every case kind (each has an `add` service), in the table's order.
WRITES: tuple[RecordWrite, ...] = tuple(
    derived_write(kind) for kind in kinds.CASE_RECORD_KINDS if kind.add is not None
)
