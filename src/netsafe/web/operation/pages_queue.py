"""The dashboard (`/operation`: queue summary, breaches, what is due next) and the referral
queue (`/operation/queue`, ordered by deadline)."""

from __future__ import annotations

from datetime import UTC, datetime

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse, Response

from netsafe.operation.queue_filters import QueuePage, filtered_queue
from netsafe.operation.referrals import ReferralSource, queue_summary, referral_queue
from netsafe.operation.risk import RiskBand
from netsafe.platform.access import REFERRAL_AREAS, scope_for
from netsafe.web.auditor import AuditDep
from netsafe.web.deps import TemplatesDep
from netsafe.web.htmx import page_or_fragment, wants_fragment
from netsafe.web.operation.common import PoliceViewer, ReposDep
from netsafe.web.operation.forms import FormError, page_answers
from netsafe.web.operation.list_filters import page_number, shown_value
from netsafe.web.operation.page_queries import one, page_link, queue_query
from netsafe.web.operation.summary_cache import SummaryCache
from netsafe.web.operation.work_common import WorkDep

router = APIRouter(tags=["pages"], include_in_schema=False)
PAGE_SIZE = 50
QUEUE = "/operation/queue"
HX_PUSH_URL = "HX-Push-Url"
BANDS = [(band.value, band.label) for band in reversed(RiskBand)] + [("unassessed", "Unassessed")]
STATUS_CHOICES = [
    ("", "open (new, assessed, actioned)"),
    ("new", "new"),
    ("assessed", "assessed"),
    ("actioned", "actioned"),
    ("closed", "closed"),
    ("all", "all, closed included"),
]
#: The queue page's filters, each kept in the URL.
#: What the queue shows: referrals awaiting a response, or every open one.
SHOWS = ("awaiting", "open")
FILTER_NAMES = (
    "force",
    "band",
    "status",
    "source",
    "received_from",
    "received_to",
    "breached",
    "due_within_hours",
)


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
    work: WorkDep,
    auditor: AuditDep,
    templates: TemplatesDep,
    show: str = Query("awaiting", max_length=20),
    page: str = Query("1", max_length=12),
) -> Response:
    """Referrals awaiting a response (or all of them) that the viewer may see, filtered by
    force, band, status, source, received range and breach (all kept in the URL), earliest
    deadline first, a page at a time with the number found (htmx: the table and pager alone)."""
    now = datetime.now(UTC)
    params = request.query_params
    error = None
    found = QueuePage([], 0)
    # an address typed or edited by hand: the page says what was wrong, with its form, rather
    # than answer a bare 422
    number, error = page_number(page)
    if show not in SHOWS:
        error, show = f"show: one of {', '.join(SHOWS)}, not {show!r}", "awaiting"
    try:
        with page_answers(request, "referral.list", "referral"):
            wanted = queue_query(params).to_filter(now)
            found = filtered_queue(
                work.queue,
                viewer,
                wanted,
                now,
                limit=PAGE_SIZE,
                offset=(number - 1) * PAGE_SIZE,
            )
    except FormError as problem:
        error = problem.message if error is None else f"{error}; {problem.message}"
    auditor.record("referral.list", "referral", detail=f"page {number} of {found.total} found")
    pages = max(1, -(-found.total // PAGE_SIZE))
    response = templates.TemplateResponse(
        request,
        page_or_fragment(request, "operation/queue.html", "operation/_queue_results.html"),
        {
            "referrals": found.referrals,
            "total": found.total,
            "page": number,
            "pages": pages,
            "prev_link": (page_link(QUEUE, params, number - 1, show=show) if number > 1 else None),
            "next_link": (
                page_link(QUEUE, params, number + 1, show=show) if number < pages else None
            ),
            "show": show,
            "chosen": {
                **{name: one(params, name) for name in FILTER_NAMES},
                **{
                    d: shown_value(one(params, d), "date") for d in ("received_from", "received_to")
                },
            },
            "forces": REFERRAL_AREAS if viewer.role.sees_all_forces else (viewer.agency,),
            "bands": BANDS,
            "sources": list(ReferralSource),
            "statuses": STATUS_CHOICES,
            "filter_error": error,
            "now": now,
        },
    )
    if wants_fragment(request):  # the address bar shows the filters chosen, not the empty ones
        shown = number if number > 1 else None
        response.headers[HX_PUSH_URL] = page_link(QUEUE, params, shown, show=show)
    return response
