"""The table of record kinds: every kind of casework record, in one place.

Each `RecordKind` says what a kind is called (in the audit log, the API's paths and the pages),
which dataclass holds it, which repository of `CaseRepositories` keeps it, which of its fields
are times and which fields a correction may change. The storage (`store/repositories/
operation.py`), the demo writer, the API's list, read, correct, withdraw and history routes and
the case page's forms are derived from this table; `docs/design/record-kinds.md` lists it.
"""

from __future__ import annotations

import functools
import inspect
import typing as t
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from netsafe.operation import arrests, exhibits, outcomes, risk, safeguarding, subjects, warrants
from netsafe.operation.arrests import Arrest
from netsafe.operation.exhibits import CustodyEvent, Exhibit
from netsafe.operation.outcomes import Outcome
from netsafe.operation.records import FromCasework
from netsafe.operation.referrals import Referral
from netsafe.operation.risk import RiskAssessment
from netsafe.operation.safeguarding import SafeguardingRecord
from netsafe.operation.subjects import Subject
from netsafe.operation.warrants import Warrant


@dataclass(frozen=True, slots=True)
class RecordKind:
    """One kind of casework record.

    `name` is the audit resource type and the page fragment (`subject`); `path` the API
    collection (`/api/v1/subjects`); `repository` its key in `CaseRepositories.records`;
    `times` the record's dated fields; `correctable` the fields a correction may change.

    `add` is the service that creates one, `add(repos, viewer, owner_id, **fields)`, where
    `owner` names what it is added to (`referral_id`, or `subject_id`, ...): the case work
    facade's `add`, the create routes (API and case page form) and the input model (from the
    service's keyword arguments: their types, with `annotated_types` constraints such as
    `MaxLen`) are derived from it, and the case page's section unless the page has its own.
    A keyword argument marked `FROM_CASEWORK` is no input field: the facade passes its
    attribute of that name (a risk assessment's `questions`, the configured question set).
    `nested`: its records are added under their owner's path (`/api/v1/exhibits/{exhibit_id}/
    custody-events`, the owner's id from the path, not the body), and on the owner's page.
    None: the kind is not added as a case record (the referral: `create_referral`)."""

    name: str
    path: str
    label: str
    record: type
    repository: str
    times: tuple[str, ...]
    correctable: tuple[str, ...]
    add: Callable[..., Any] | None = None
    owner: str = "referral_id"
    nested: bool = False

    @property
    def plural_label(self) -> str:
        return self.label if self.label.endswith("ing") else f"{self.label}s"


REFERRAL = RecordKind(
    "referral",
    "referrals",
    "Referral",
    Referral,
    "referrals",
    times=("received_at",),
    correctable=("source", "received_at", "summary"),
)
SUBJECT = RecordKind(
    "subject",
    "subjects",
    "Subject",
    Subject,
    "subjects",
    times=("helpline_details_given_at",),
    correctable=(
        "display_name",
        "date_of_birth",
        "identifiers",
        "notes",
        "helpline_details_given_at",
        "helpline_details_given_to",
    ),
    add=subjects.add_subject,
)
RISK = RecordKind(
    "risk",
    "risk-assessments",
    "Risk assessment",
    RiskAssessment,
    "assessments",
    times=("assessed_at",),
    correctable=("subject_id", "assessed_at", "answers", "rationale"),
    add=risk.assess_risk,
)
WARRANT = RecordKind(
    "warrant",
    "warrants",
    "Warrant",
    Warrant,
    "warrants",
    times=("applied_at", "granted_at", "refused_at", "executed_at"),
    correctable=(
        "premises",
        "subject_id",
        "court",
        "applied_at",
        "granted_at",
        "refused_at",
        "executed_at",
        "result",
        "notes",
    ),
    add=warrants.apply_for_warrant,
)
ARREST = RecordKind(
    "arrest",
    "arrests",
    "Arrest",
    Arrest,
    "arrests",
    times=("arrested_at",),
    correctable=(
        "subject_id",
        "arrested_at",
        "location",
        "arresting_officer",
        "grounds",
        "custody_reference",
    ),
    add=arrests.record_arrest,
    owner="subject_id",
)
EXHIBIT = RecordKind(
    "exhibit",
    "exhibits",
    "Exhibit",
    Exhibit,
    "exhibits",
    times=("seized_at",),
    correctable=(
        "device_type",
        "seal_number",
        "seized_at",
        "seized_by",
        "seized_from",
        "description",
        "subject_id",
        "warrant_id",
    ),
    add=exhibits.record_exhibit,
)
CUSTODY = RecordKind(
    "custody",
    "custody-events",
    "Custody step",
    CustodyEvent,
    "custody",
    times=("at",),
    correctable=("handed_from", "handed_to", "at", "location", "purpose", "seal_intact"),
    add=exhibits.hand_over,
    owner="exhibit_id",
    nested=True,
)
SAFEGUARDING = RecordKind(
    "safeguarding",
    "safeguarding",
    "Safeguarding",
    SafeguardingRecord,
    "safeguarding",
    times=("recorded_at",),
    correctable=(
        "recorded_at",
        "children_identified",
        "children_safeguarded",
        "referred_to_childrens_services",
        "local_authority",
        "notes",
    ),
    add=safeguarding.record_safeguarding,
)
OUTCOME = RecordKind(
    "outcome",
    "outcomes",
    "Outcome",
    Outcome,
    "outcomes",
    times=("decided_at",),
    correctable=("kind", "decided_at", "subject_id", "notes"),
    add=outcomes.record_outcome,
)

#: Every kind, in the order a case page shows them.
RECORD_KINDS: tuple[RecordKind, ...] = (
    REFERRAL,
    SUBJECT,
    RISK,
    WARRANT,
    ARREST,
    EXHIBIT,
    CUSTODY,
    SAFEGUARDING,
    OUTCOME,
)
#: The kinds that belong to a referral (every kind but the referral itself).
CASE_RECORD_KINDS: tuple[RecordKind, ...] = RECORD_KINDS[1:]
KIND_BY_NAME: dict[str, RecordKind] = {kind.name: kind for kind in RECORD_KINDS}
KIND_BY_PATH: dict[str, RecordKind] = {kind.path: kind for kind in RECORD_KINDS}


@dataclass(frozen=True, slots=True)
class AddArgument:
    """A keyword-only argument of a kind's `add` service: its type (with its `Annotated`
    metadata), its default (`inspect.Parameter.empty` when required) and whether the casework
    facade gives it (`FROM_CASEWORK`) rather than the caller."""

    name: str
    hint: Any
    default: Any
    from_casework: bool


@functools.cache
def add_arguments(kind: RecordKind) -> tuple[AddArgument, ...]:
    """The keyword-only arguments of `kind.add`, in order (none when it has no `add`)."""
    if kind.add is None:
        return ()
    # the services name the repositories' type for type checking only (an import cycle)
    from netsafe.operation.casefile import CaseRepositories

    hints = t.get_type_hints(
        kind.add, localns={"CaseRepositories": CaseRepositories}, include_extras=True
    )
    found = []
    for parameter in inspect.signature(kind.add).parameters.values():
        if parameter.kind is inspect.Parameter.KEYWORD_ONLY:
            hint = hints[parameter.name]
            metadata = getattr(hint, "__metadata__", ())
            given = any(isinstance(m, FromCasework) for m in metadata)
            found.append(AddArgument(parameter.name, hint, parameter.default, given))
    return tuple(found)
