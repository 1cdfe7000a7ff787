"""Cross-agency rules of the authorisation matrix: for every route that a force-bound role
(investigator, examiner, supervisor) may call and that does not name a seeded record in its path,
how a caller of another agency is kept from that force's data.

`test_cross_agency_matrix.py` finds those routes from the router and fails for one without a rule
here, so a new route must say how it keeps forces apart (or why it holds no force's data):

- `Shows(seed, marker)`: a read (list, dashboard, form). A record of OWN_FORCE is seeded and the
  answer must show its `marker` to callers who may see that force and hide it from the others.
- `NamesInBody(seed, body)`: a write whose body names a record (e.g. `referral_id`): callers of
  another force are refused (403/404); callers who see the force are not.
- `CreatesFor(body)`: a write that creates a record for the force named in the body: refused
  (403/404/422, or a page's redirect with an error) for callers of another force.
- `NoForceData(reason)`: the route reads or writes nothing that belongs to a force.
"""

from __future__ import annotations

import secrets
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from sqlalchemy.orm import Session

from netsafe.operation.referrals import (
    IdentifierKind,
    IncidentDetails,
    NewReferral,
    ReportedIdentifier,
    create_referral,
)
from netsafe.platform.audit import AuditEvent
from netsafe.platform.roles import Role
from netsafe.store.audit_seal import append_at_commit
from netsafe.store.models.deconfliction import DeconflictionKeyRow, DeconflictionLinkRow
from netsafe.store.repositories.operation import case_repositories
from tests.operation.operation_seeds import SEEDER
from tests.operation.work_seeds import AGED_QUERY, aged_exhibit_json, aged_exhibit_reference
from tests.web.matrix_seeds import SEEDS

#: A seeder: makes a record of the force (an agency slug) and answers the text that reveals it.
MarkedSeed = Callable[[Session, str], str]
Body = Callable[[str], dict[str, object]]


def _json_id(seed: str) -> MarkedSeed:
    """A record made by the path-parameter seeder `seed`, revealed by its `"id":N,` in JSON."""

    def marked(session: Session, force: str) -> str:
        return f'"id":{SEEDS[seed](session, force)},'

    return marked


def overdue_referral(session: Session, force: str) -> str:
    """A referral received 40 days ago (first in every queue), revealed by its reference."""
    now = datetime.now(UTC)
    new = NewReferral("partner", force, now - timedelta(days=40), "Matrix overdue referral")
    return create_referral(case_repositories(session).referrals, new, by=SEEDER, now=now).reference


def searched_referral(session: Session, force: str) -> str:
    """A referral with the account `matrix-search-target`, revealed by its reference."""
    incident = IncidentDetails(
        identifiers=(ReportedIdentifier(IdentifierKind.ACCOUNT, "matrix-search-target"),)
    )
    new = NewReferral("partner", force, datetime.now(UTC), "Matrix search", incident)
    return create_referral(case_repositories(session).referrals, new, by=SEEDER).reference


def keyed_referral(session: Session, force: str) -> str:
    """A referral carrying the device id `matrix-identifier-target` as a deconfliction key,
    revealed by its reference."""
    new = NewReferral("partner", force, datetime.now(UTC), "Matrix identifier")
    referral = create_referral(case_repositories(session).referrals, new, by=SEEDER)
    session.add(
        DeconflictionKeyRow(
            referral_id=referral.id,
            kind="device-id",
            key="matrix-identifier-target",
            value_key="matrix-identifier-target",
        )
    )
    return referral.reference


def noticed_referral(session: Session, force: str) -> str:
    """A referral of `force` linked to another force's referral restricted to a user nobody is
    (so only `force`'s side has a visible notice), revealed by its reference."""
    repository = case_repositories(session).referrals
    now = datetime.now(UTC)
    own = create_referral(
        repository, NewReferral("partner", force, now, "Matrix notice"), by=SEEDER
    )
    other_force = "gwent" if force != "gwent" else "north-wales"
    hidden = NewReferral(
        "partner", other_force, now, "Matrix notice", restricted_to=("nobody.matrix",)
    )
    other = create_referral(repository, hidden, by=SEEDER)
    low, high = sorted((own.id, other.id))  # a link is stored once a pair
    session.add(
        DeconflictionLinkRow(
            referral_id=low,
            other_referral_id=high,
            kind="email",
            key="m@example.org",
            created_at=now,
        )
    )
    return own.reference


def audit_event_of_agency(session: Session, agency: str) -> str:
    """An audit event by a user of `agency`, revealed by its detail."""
    marker = f"matrix-audit-{secrets.token_hex(6)}"
    event = AuditEvent(
        at=datetime.now(UTC),
        action="matrix.marker",
        resource_type="route",
        actor=f"someone.{agency}",
        actor_agency=agency,
        detail=marker,
    )
    append_at_commit(session, [event])
    return marker


def offered_force(_session: Session, force: str) -> str:
    """Nothing to seed: the new-referral form offers the force areas a caller may record for."""
    return f'<option value="{force}">'


def forces_in_summary(session: Session, force: str) -> str:
    """A referral of the force, revealed by the force's key in the summary's `by_force`."""
    overdue_referral(session, force)
    return f'"{force}":'


@dataclass(frozen=True)
class Shows:
    seed: MarkedSeed
    query: str = ""
    #: Roles that see every agency's data here (default: those that see all forces).
    sees_all: frozenset[Role] = field(
        default_factory=lambda: frozenset(r for r in Role if r.sees_all_forces)
    )


@dataclass(frozen=True)
class NamesInBody:
    seed: str
    body: Body


@dataclass(frozen=True)
class CreatesFor:
    body: Body
    form: bool = False


@dataclass(frozen=True)
class NoForceData:
    reason: str


Rule = Shows | NamesInBody | CreatesFor | NoForceData


def _now() -> str:
    return datetime.now(UTC).isoformat()


def _unique() -> str:
    return secrets.token_hex(4)


AUDIT_READERS_SEE_ALL = frozenset({Role.OPERATION_LEAD, Role.ADMIN})
AGGREGATES = "aggregate figures of every force, shown to these roles by design (ARCHITECTURE)"
OWN_ACCOUNT = "the caller's own account only"
OWN_WORK = (
    "the caller's own cases, actions and exhibits, within what they may see "
    "(tests/web/operation/test_my_work.py)"
)

CROSS_AGENCY_RULES: dict[tuple[str, str], Rule] = {
    ("POST", "/logout"): NoForceData(OWN_ACCOUNT),
    ("GET", "/account"): NoForceData(OWN_ACCOUNT),
    ("POST", "/account/totp"): NoForceData(OWN_ACCOUNT),
    ("GET", "/api/v1/audit"): Shows(
        audit_event_of_agency, "?action=matrix.marker&limit=500", AUDIT_READERS_SEE_ALL
    ),
    ("GET", "/audit"): Shows(
        audit_event_of_agency, "?action=matrix.marker&limit=500", AUDIT_READERS_SEE_ALL
    ),
    ("POST", "/api/v1/lookup"): NoForceData("matches against the hash lists the operation shares"),
    ("GET", "/api/v1/stats"): NoForceData(AGGREGATES),
    ("GET", "/stats"): NoForceData(AGGREGATES),
    ("GET", "/stats/export/{name}.csv"): NoForceData(AGGREGATES),
    ("GET", "/api/v1/risk-questions"): NoForceData("the configured risk question set"),
    ("GET", "/api/v1/referrals"): Shows(overdue_referral),
    ("GET", "/api/v1/search"): Shows(searched_referral, "?q=matrix-search-target"),
    ("GET", "/search"): Shows(searched_referral, "?q=matrix-search-target"),
    ("GET", "/api/v1/identifiers"): Shows(keyed_referral, "?value=matrix-identifier-target"),
    ("GET", "/api/v1/deconfliction/notices"): Shows(noticed_referral),
    ("GET", "/api/v1/referrals/summary"): Shows(forces_in_summary),
    ("GET", "/operation"): Shows(overdue_referral),
    ("GET", "/operation/queue"): Shows(overdue_referral),
    ("GET", "/operation/referrals/new"): Shows(offered_force),
    ("GET", "/api/v1/risk-assessments"): Shows(_json_id("assessment_id")),
    ("GET", "/api/v1/subjects"): Shows(_json_id("subject_id")),
    ("GET", "/api/v1/warrants"): Shows(_json_id("warrant_id")),
    ("GET", "/api/v1/arrests"): Shows(_json_id("arrest_id")),
    ("GET", "/api/v1/safeguarding"): Shows(_json_id("safeguarding_id")),
    ("GET", "/api/v1/outcomes"): Shows(_json_id("outcome_id")),
    ("GET", "/api/v1/exhibits"): Shows(aged_exhibit_json, AGED_QUERY),
    ("GET", "/operation/exhibits"): Shows(aged_exhibit_reference, AGED_QUERY),
    ("GET", "/api/v1/my-work"): NoForceData(OWN_WORK),
    ("GET", "/operation/my-work"): NoForceData(OWN_WORK),
    ("POST", "/api/v1/referrals"): CreatesFor(
        lambda force: {
            "source": "partner",
            "force": force,
            "received_at": _now(),
            "summary": "Matrix referral",
        }
    ),
    ("POST", "/operation/referrals/new"): CreatesFor(
        lambda force: {"source": "partner", "force": force, "summary": "Matrix referral"},
        form=True,
    ),
    ("POST", "/api/v1/risk-assessments"): NamesInBody(
        "referral_id", lambda i: {"referral_id": int(i), "answers": {}}
    ),
    ("POST", "/api/v1/subjects"): NamesInBody(
        "referral_id", lambda i: {"referral_id": int(i), "display_name": "Matrix"}
    ),
    ("POST", "/api/v1/warrants"): NamesInBody(
        "referral_id", lambda i: {"referral_id": int(i), "premises": "1 Matrix St"}
    ),
    ("POST", "/api/v1/arrests"): NamesInBody(
        "subject_id",
        lambda i: {"subject_id": int(i), "arrested_at": _now(), "location": "M", "grounds": "G"},
    ),
    ("POST", "/api/v1/safeguarding"): NamesInBody(
        "referral_id",
        lambda i: {
            "referral_id": int(i),
            "children_identified": 0,
            "children_safeguarded": 0,
            "referred_to_childrens_services": False,
        },
    ),
    ("POST", "/api/v1/outcomes"): NamesInBody(
        "referral_id", lambda i: {"referral_id": int(i), "kind": "charge", "decided_at": _now()}
    ),
    ("POST", "/api/v1/exhibits"): NamesInBody(
        "referral_id",
        lambda i: {
            "referral_id": int(i),
            "reference": f"MX/{_unique()}",
            "device_type": "phone",
            "seal_number": f"S{_unique()}",
            "seized_at": _now(),
            "seized_from": "Matrix St",
        },
    ),
}
