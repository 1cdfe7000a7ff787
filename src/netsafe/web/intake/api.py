"""The intake API: import one report file (`POST /api/v1/referrals/import`, the file as the
body: XML or JSON), the regional unit's queue (`GET /api/v1/referrals/unassigned`), assigning
one (`POST /api/v1/referrals/{id}/assign`) and a referral's report and files with their matches
(`GET /api/v1/referrals/{id}/intake`)."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, HTTPException, Query, Request
from pydantic import BaseModel, Field
from starlette.requests import ClientDisconnect

from netsafe.platform.agencies import FORCE_SLUGS
from netsafe.usecases.import_referrals import import_report_bytes
from netsafe.usecases.intake_queue import assign_referral, intake_record, unassigned_queue
from netsafe.usecases.intake_setup import intake_matcher
from netsafe.web.auditor import AuditDep
from netsafe.web.deps import SessionDep
from netsafe.web.intake.common import IntakeViewer, audit_with, configured
from netsafe.web.operation.common import PoliceViewer, answering

router = APIRouter(prefix="/api/v1", tags=["intake"])

IMPORT_OPENAPI = {
    "requestBody": {
        "required": True,
        "description": "One CyberTipline report file: a <report> or <reports> XML document, or "
        "the same structure as JSON (docs/intake.md).",
        "content": {
            "application/xml": {"schema": {"type": "string"}},
            "application/json": {"schema": {"type": "object"}},
        },
    }
}


@router.post("/referrals/import", openapi_extra=IMPORT_OPENAPI)
async def import_reports(
    request: Request,
    viewer: IntakeViewer,
    session: SessionDep,
    auditor: AuditDep,
    force: str | None = Query(None, description="assign every report to this force (a slug)"),
    name: str = Query("upload", max_length=200, description="the file's name, for messages"),
) -> dict[str, Any]:
    """Import the reports of one file, whole or not at all: 200 with what was added and what
    was already known; 422 naming the element path and the reason when the file is refused."""
    if force is not None and force not in FORCE_SLUGS:
        raise HTTPException(422, detail=[{"loc": ["query", "force"], "msg": "unknown force"}])
    try:
        data = await request.body()
    except ClientDisconnect:
        raise HTTPException(400, detail="the client went away before sending the body") from None
    config = configured(request)

    def run() -> dict[str, Any]:
        with answering(request, "referral.import", "referral"):
            result = import_report_bytes(
                session,
                data,
                name,
                viewer=viewer,
                config=config,
                matcher=intake_matcher(session, request.app.state.settings),
                force=force,
                audit=audit_with(auditor),
            )
        if result.refused:
            refused = result.refused[0]
            loc = ["body", *[step for step in refused.path.split("/") if step]]
            raise HTTPException(422, detail=[{"loc": loc, "msg": refused.reason}])
        return result.as_json()

    from starlette.concurrency import run_in_threadpool

    return await run_in_threadpool(run)


@router.get("/referrals/unassigned")
def unassigned(
    viewer: IntakeViewer,
    session: SessionDep,
    auditor: AuditDep,
    limit: int = Query(50, ge=1, le=500),
    offset: int = Query(0, ge=0, le=10**9),
) -> dict[str, Any]:
    """Imported referrals waiting for a person to choose their force, oldest first."""
    waiting, total = unassigned_queue(session, viewer, limit=limit, offset=offset)
    auditor.record("referral.unassigned.read", "referral", detail=f"{len(waiting)} shown")
    return {"total": total, "referrals": [w.as_json() for w in waiting]}


class AssignIn(BaseModel):
    """The force to give a referral waiting in the regional unit's queue."""

    force: str = Field(min_length=1, max_length=40)


@router.post("/referrals/{referral_id}/assign")
def assign(
    referral_id: int,
    body: AssignIn,
    request: Request,
    viewer: IntakeViewer,
    session: SessionDep,
    auditor: AuditDep,
) -> dict[str, Any]:
    """Give the referral its force (audited as `referral.assign`)."""
    with answering(request, "referral.assign", "referral", referral_id):
        referral = assign_referral(
            session, viewer, referral_id, body.force, audit=audit_with(auditor)
        )
    return {"referral_id": referral.id, "reference": referral.reference, "force": referral.force}


@router.get("/referrals/{referral_id}/intake")
def intake(
    referral_id: int,
    request: Request,
    viewer: PoliceViewer,
    session: SessionDep,
    auditor: AuditDep,
) -> dict[str, Any]:
    """The CyberTipline report behind a referral: incident, assignment, pre-score, and each
    file with its hashes and the list entries it matched (404 when not imported)."""
    with answering(request, "referral.intake.read", "referral", referral_id):
        record = intake_record(session, viewer, referral_id)
    if record is None:
        raise HTTPException(404, detail=f"referral {referral_id} was not imported from a report")
    auditor.record("referral.intake.read", "referral", referral_id)
    return record.as_json()
