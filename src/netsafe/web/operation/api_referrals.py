"""`/api/v1/referrals` (create, read, restrict, incident details, dashboard summary), the
risk question set and the list and read of `/api/v1/risk-assessments` (an assessment is created
by the route derived from the record-kinds table, `api_casework.py`). Every read and write is
audited."""

from __future__ import annotations

from dataclasses import asdict
from datetime import UTC, datetime
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, Request
from pydantic import BaseModel

from netsafe.operation.oversight import restricted_cases
from netsafe.operation.records import visible_records
from netsafe.operation.referrals import (
    create_referral,
    get_referral,
    queue_summary,
    restrict_referral,
)
from netsafe.operation.risk import RiskAssessment
from netsafe.platform.roles import Role, Viewer
from netsafe.store.repositories.operation_referrals import SqlReferralRepository
from netsafe.usecases.incident_details import update_incident_details
from netsafe.web.auditor import AuditDep
from netsafe.web.deps import SessionDep
from netsafe.web.intake.common import configured
from netsafe.web.operation.common import (
    PoliceViewer,
    ReposDep,
    answering,
    question_set,
    visible,
)
from netsafe.web.operation.schemas import (
    IncidentBody,
    ReferralIn,
    ReferralOut,
    RestrictionIn,
)
from netsafe.web.policy import allow

router = APIRouter(prefix="/api/v1", tags=["referrals"])
#: Far past any real page, far below the 64-bit OFFSET every database takes.
MAX_OFFSET = 10**9


@router.post("/referrals", status_code=201, response_model=ReferralOut)
def create(
    body: ReferralIn, request: Request, viewer: PoliceViewer, repos: ReposDep, auditor: AuditDep
) -> ReferralOut:
    """Create a referral (at least `source`, `force`, `received_at`, `summary`)."""
    with answering(request, "referral.create", "referral"):
        referral = create_referral(repos.referrals, body.to_domain(), by=viewer)
    auditor.record("referral.create", "referral", referral.id)
    return ReferralOut.of(referral, datetime.now(UTC))


@router.get("/referrals/summary")
def summary(
    request: Request, viewer: PoliceViewer, repos: ReposDep, auditor: AuditDep
) -> dict[str, Any]:
    """Dashboard counts: open, awaiting response, breaches, due within 24 h, by band and force."""
    with answering(request, "referral.summary", "referral"):
        counts = queue_summary(repos.referrals, viewer)
    auditor.record("referral.summary", "referral")
    return asdict(counts)


@router.get("/referrals/{referral_id}", response_model=ReferralOut)
def read(
    referral_id: int, request: Request, viewer: PoliceViewer, repos: ReposDep, auditor: AuditDep
) -> ReferralOut:
    with answering(request, "referral.read", "referral", referral_id):
        referral = get_referral(repos.referrals, viewer, referral_id)
    auditor.record("referral.read", "referral", referral_id)
    return ReferralOut.of(referral, datetime.now(UTC))


@router.put("/referrals/{referral_id}/restriction", response_model=ReferralOut)
def restrict(
    referral_id: int,
    body: RestrictionIn,
    request: Request,
    viewer: PoliceViewer,
    repos: ReposDep,
    auditor: AuditDep,
) -> ReferralOut:
    """Restrict the case to named users (the caller stays named); an empty list lifts it."""
    with answering(request, "referral.restrict", "referral", referral_id):
        referral = restrict_referral(repos.referrals, viewer, referral_id, tuple(body.usernames))
    auditor.record(
        "referral.restrict", "referral", referral_id, detail=",".join(referral.restricted_to)
    )
    return ReferralOut.of(referral, datetime.now(UTC))


@router.put("/referrals/{referral_id}/incident", response_model=ReferralOut)
def incident(
    referral_id: int,
    body: IncidentBody,
    request: Request,
    viewer: PoliceViewer,
    repos: ReposDep,
    session: SessionDep,
    auditor: AuditDep,
) -> ReferralOut:
    """Replace the referral's incident details (type, time, reported identifiers, files); the
    files' hashes are matched against the lists, and an imported referral pre-scored again."""
    with answering(request, "referral.incident", "referral", referral_id):
        referral = update_incident_details(
            session, repos, viewer, referral_id, body.to_domain(), configured(request)
        )
    counts = (
        f"{len(referral.incident.identifiers)} identifiers, {len(referral.incident.files)} files"
    )
    auditor.record("referral.incident", "referral", referral_id, detail=counts)
    return ReferralOut.of(referral, datetime.now(UTC))


@router.get("/risk-questions")
def risk_questions(request: Request, viewer: PoliceViewer) -> dict[str, Any]:
    """The configured risk question set: its questions, bands and deadlines."""
    return asdict(question_set(request))


@router.get("/risk-assessments", response_model=list[RiskAssessment])
def assessments(
    request: Request,
    viewer: PoliceViewer,
    repos: ReposDep,
    auditor: AuditDep,
    limit: int = Query(50, ge=1, le=500),
    offset: int = Query(0, ge=0),
) -> list[RiskAssessment]:
    with answering(request, "risk.list", "risk-assessment"):
        found = visible_records(repos.assessments, viewer, limit=limit, offset=offset)
    auditor.record("risk.list", "risk-assessment", detail=f"{len(found)} shown")
    return found


@router.get("/risk-assessments/{assessment_id}", response_model=RiskAssessment)
def assessment(
    auditor: AuditDep,
    found: RiskAssessment = Depends(visible("assessment", lambda r: r.assessments)),
) -> RiskAssessment:
    auditor.record("risk.read", "risk-assessment", found.id)
    return found


OPERATION_LEAD_ONLY = allow(Role.OPERATION_LEAD)


class RestrictedCaseOut(BaseModel):
    """That a restricted case exists: whose, and when due; none of its contents."""

    id: int
    reference: str
    force: str
    deadline_at: datetime
    breached: bool


@router.get(
    "/oversight/restricted-cases",
    response_model=list[RestrictedCaseOut],
    responses={403: {"description": "Only the operation lead oversees restricted cases."}},
)
def oversee_restricted_cases(
    request: Request,
    viewer: Annotated[Viewer, Depends(OPERATION_LEAD_ONLY)],
    session: SessionDep,
    auditor: AuditDep,
    limit: int = Query(100, ge=1, le=500),
    offset: int = Query(0, ge=0, le=MAX_OFFSET),
) -> list[RestrictedCaseOut]:
    """Restricted cases as lines for the operation lead: id, reference, force, deadline and
    whether it was missed. The cases themselves stay closed to anyone not named on them."""
    with answering(request, "referral.oversight", "referral"):
        cases = restricted_cases(SqlReferralRepository(session), viewer, limit=limit, offset=offset)
    auditor.record("referral.oversight", "referral", detail=f"{len(cases)} restricted shown")
    now = datetime.now(UTC)
    return [
        RestrictedCaseOut(
            id=case.id,
            reference=case.reference,
            force=case.force,
            deadline_at=case.deadline_at,
            breached=case.breached(now),
        )
        for case in cases
    ]
