"""The public "report a concern" page: a web address and a description — never a file.

Anyone may report, without logging in; each client address may send `REPORTS_PER_WINDOW`
reports per `WINDOW_SECONDS`, counted in the database (`web/rate_limit.py`) so that every server
process shares the count. A report becomes a `public-report` referral for the regional unit
(`operation.referrals.create_referral` with no user), and is audited.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated
from urllib.parse import urlsplit

from fastapi import APIRouter, Depends, Form, HTTPException, Request
from fastapi.responses import HTMLResponse, Response

from netsafe.operation.referrals import (
    IdentifierKind,
    IncidentDetails,
    NewReferral,
    ReportedIdentifier,
    create_referral,
)
from netsafe.platform.access import OperationInputError
from netsafe.store.repositories.operation_referrals import SqlReferralRepository
from netsafe.web.auditor import AuditDep, client_address
from netsafe.web.deps import SessionDep, TemplatesDep
from netsafe.web.policy import public
from netsafe.web.rate_limit import WINDOW_SECONDS, ReportRateLimit

REPORTS_PER_WINDOW = 5
URL_MAX = 2000
DESCRIPTION_MIN, DESCRIPTION_MAX = 10, 4000
#: Public reports go to the regional unit, which passes them to the right force.
PUBLIC_REPORT_AREA = "regional-unit"

router = APIRouter(tags=["public"], include_in_schema=False)


def report_limit(request: Request) -> ReportRateLimit:
    """The app's limit (tests may put another on `app.state.report_limit`)."""
    limit: ReportRateLimit | None = getattr(request.app.state, "report_limit", None)
    return limit or ReportRateLimit(REPORTS_PER_WINDOW, WINDOW_SECONDS)


def check_url(value: str) -> str:
    """A web address: http(s), a host, no spaces, not too long."""
    url = value.strip()
    parts = urlsplit(url)
    if len(url) > URL_MAX or parts.scheme not in ("http", "https") or not parts.hostname:
        raise OperationInputError("url", "enter a full web address starting http:// or https://")
    if any(c.isspace() for c in url):
        raise OperationInputError("url", "a web address has no spaces")
    return url


@router.get("/report", response_class=HTMLResponse, dependencies=[Depends(public())])
def report_form(request: Request, templates: TemplatesDep) -> Response:
    return templates.TemplateResponse(request, "report.html", {"values": {}, "error": None})


@router.post("/report", response_class=HTMLResponse, dependencies=[Depends(public(csrf=True))])
def report(
    request: Request,
    session: SessionDep,
    templates: TemplatesDep,
    auditor: AuditDep,
    url: Annotated[str, Form(max_length=URL_MAX + 100)],
    description: Annotated[str, Form(max_length=DESCRIPTION_MAX + 100)],
) -> Response:
    if request.headers.get("content-type", "").startswith("multipart/"):
        raise HTTPException(415, detail="this form takes a web address and a description only")
    secret_key = request.app.state.settings.secret_key
    if not report_limit(request).allow(session, secret_key, client_address(request) or "unknown"):
        session.rollback()  # a refused report is not counted: the count stays at the limit
        return templates.TemplateResponse(  # other routes: 999, CEOP, the IWF (plain links)
            request,
            "report_limited.html",
            {"detail": "Too many reports have come from this connection in the last few minutes."},
            status_code=429,
            headers={"Retry-After": str(WINDOW_SECONDS)},
        )
    values = {"url": url, "description": description}
    try:
        summary = description.strip()
        if not DESCRIPTION_MIN <= len(summary) <= DESCRIPTION_MAX:
            raise OperationInputError(
                "description", f"between {DESCRIPTION_MIN} and {DESCRIPTION_MAX} characters"
            )
        now = datetime.now(UTC)
        referral = create_referral(
            SqlReferralRepository(session),
            NewReferral(
                source="public-report",
                force=PUBLIC_REPORT_AREA,
                received_at=now,
                summary=summary,
                incident=IncidentDetails(
                    incident_type="public report",
                    identifiers=(ReportedIdentifier(IdentifierKind.URL, check_url(url)),),
                ),
            ),
            by=None,
            now=now,
        )
    except OperationInputError as error:
        context = {"values": values, "error": error}
        return templates.TemplateResponse(request, "report.html", context, status_code=422)
    auditor.record("referral.create", "referral", referral.id, detail="public report")
    return templates.TemplateResponse(
        request, "report_thanks.html", {"reference": referral.reference}, status_code=201
    )
