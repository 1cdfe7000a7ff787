"""The dashboard (`/operation`: queue summary, breaches, what is due next) and the referral
queue (`/operation/queue`, ordered by deadline)."""

from __future__ import annotations

from datetime import UTC, datetime

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse, Response

from netsafe.operation.referrals import queue_summary, referral_queue
from netsafe.operation.risk import RiskBand
from netsafe.platform.access import scope_for
from netsafe.web.auditor import AuditDep
from netsafe.web.deps import TemplatesDep
from netsafe.web.htmx import page_or_fragment
from netsafe.web.operation.common import PoliceViewer, ReposDep
from netsafe.web.operation.forms import page_answers
from netsafe.web.operation.summary_cache import SummaryCache

router = APIRouter(tags=["pages"], include_in_schema=False)
PAGE_SIZE = 50
BANDS = [(band.value, band.label) for band in reversed(RiskBand)] + [("unassessed", "Unassessed")]


@router.get("/operation", response_class=HTMLResponse)
def dashboard(
    request: Request,
    viewer: PoliceViewer,
    repos: ReposDep,
    auditor: AuditDep,
    templates: TemplatesDep,
) -> Response:
    """Counts (kept for a few seconds per scope: `summary_cache`), breaches and the ten
    referrals due soonest (read afresh)."""
    now = datetime.now(UTC)
    counts: SummaryCache = request.app.state.summary_cache
    with page_answers(request, "dashboard.read", "referral"):
        summary = counts.get(scope_for(viewer), lambda: queue_summary(repos.referrals, viewer, now))
        due = referral_queue(repos.referrals, viewer, awaiting_only=True, limit=10)
    auditor.record("dashboard.read", "referral", detail=f"{len(due)} shown")
    return templates.TemplateResponse(
        request,
        "operation/dashboard.html",
        {"summary": summary, "due": due, "now": now, "bands": BANDS, "viewer": viewer},
    )


@router.get("/operation/queue", response_class=HTMLResponse)
def queue(
    request: Request,
    viewer: PoliceViewer,
    repos: ReposDep,
    auditor: AuditDep,
    templates: TemplatesDep,
    show: str = Query("awaiting", pattern="^(awaiting|open)$"),
    page: int = Query(1, ge=1, le=100_000),
) -> Response:
    """Referrals awaiting a response (or all open ones) that the viewer may see, earliest
    deadline first, a page at a time (htmx: the table and pager alone)."""
    awaiting_only = show == "awaiting"
    now = datetime.now(UTC)
    with page_answers(request, "referral.list", "referral"):
        referrals = referral_queue(
            repos.referrals,
            viewer,
            awaiting_only=awaiting_only,
            limit=PAGE_SIZE + 1,
            offset=(page - 1) * PAGE_SIZE,
        )
    auditor.record("referral.list", "referral", detail=f"page {page}")
    return templates.TemplateResponse(
        request,
        page_or_fragment(request, "operation/queue.html", "operation/_queue_results.html"),
        {
            "referrals": referrals[:PAGE_SIZE],
            "has_next": len(referrals) > PAGE_SIZE,
            "page": page,
            "show": show,
            "now": now,
        },
    )
