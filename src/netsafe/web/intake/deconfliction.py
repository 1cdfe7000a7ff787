"""Deconfliction on the web: `GET /api/v1/identifiers?value=` (which referrals the caller may
see carry a value, and how many it may not), a referral's notices
(`GET /api/v1/referrals/{id}/deconfliction`), the notices of the caller's force
(`GET /api/v1/deconfliction/notices`), and the operation lead's links
(`GET /api/v1/deconfliction/links`, the page `/deconfliction`). Every read is audited."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import HTMLResponse, Response

from netsafe.platform.roles import Role, Viewer
from netsafe.usecases.deconflict import (
    LOOKUP_MAX,
    deconfliction_links,
    force_notices,
    lookup_identifier,
    referral_notices,
)
from netsafe.web.auditor import AuditDep
from netsafe.web.deps import SessionDep, TemplatesDep
from netsafe.web.operation.common import PoliceViewer, answering
from netsafe.web.policy import allow

router = APIRouter(tags=["deconfliction"])
pages = APIRouter(tags=["pages"], include_in_schema=False)
LeadViewer = Annotated[Viewer, Depends(allow(Role.OPERATION_LEAD))]


@router.get("/api/v1/identifiers")
def identifiers(
    request: Request,
    viewer: PoliceViewer,
    session: SessionDep,
    auditor: AuditDep,
    value: str = Query(..., min_length=1, max_length=LOOKUP_MAX),
) -> dict[str, Any]:
    """The referrals the caller may see that carry `value` (an e-mail, phone, IP address,
    screen name, ESP id, profile URL, device id or file hash, in any written form), with the
    kind it is there, and how many referrals the caller may not see carry it."""
    with answering(request, "identifier.lookup", "identifier"):
        found = lookup_identifier(session, viewer, value)
    auditor.record(
        "identifier.lookup",
        "identifier",
        detail=f"{len(found.visible)} visible, {found.not_visible} not visible",
    )
    return found.as_json()


@router.get("/api/v1/referrals/{referral_id}/deconfliction")
def notices_of_referral(
    referral_id: int,
    request: Request,
    viewer: PoliceViewer,
    session: SessionDep,
    auditor: AuditDep,
) -> dict[str, Any]:
    """The referral's deconfliction notices: another force's referral shares an identifier."""
    with answering(request, "referral.deconfliction.read", "referral", referral_id):
        notices = referral_notices(session, viewer, referral_id)
    auditor.record("referral.deconfliction.read", "referral", referral_id)
    return {"notices": [n.as_json() for n in notices]}


@router.get("/api/v1/deconfliction/notices")
def notices_of_force(
    viewer: PoliceViewer,
    session: SessionDep,
    auditor: AuditDep,
    limit: int = Query(50, ge=1, le=500),
) -> dict[str, Any]:
    """The notices of every referral the caller may see, newest first."""
    notices = force_notices(session, viewer, limit)
    auditor.record("deconfliction.notices.read", "referral", detail=f"{len(notices)} shown")
    return {"notices": [n.as_json() for n in notices]}


@router.get("/api/v1/deconfliction/links")
def links(
    viewer: LeadViewer,
    session: SessionDep,
    auditor: AuditDep,
    limit: int = Query(100, ge=1, le=1000),
    offset: int = Query(0, ge=0, le=10**9),
) -> dict[str, Any]:
    """Every link between referrals sharing an identifier (the operation lead's)."""
    found, total = deconfliction_links(session, viewer, limit=limit, offset=offset)
    auditor.record("deconfliction.links.read", "referral", detail=f"{len(found)} shown")
    return {"total": total, "links": [link.as_json() for link in found]}


@pages.get("/deconfliction", response_class=HTMLResponse)
def links_page(
    request: Request,
    viewer: LeadViewer,
    session: SessionDep,
    auditor: AuditDep,
    templates: TemplatesDep,
    page: int = Query(1, ge=1, le=10**6),
) -> Response:
    """The operation lead's page of links, 100 a page."""
    per_page = 100
    found, total = deconfliction_links(
        session, viewer, limit=per_page, offset=(page - 1) * per_page
    )
    auditor.record("deconfliction.links.read", "referral", detail=f"{len(found)} shown")
    return templates.TemplateResponse(
        request,
        "intake/deconfliction.html",
        {
            "viewer": viewer,
            "links": found,
            "total": total,
            "page": page,
            "pages": max(1, -(-total // per_page)),
        },
    )
