"""The exhibit list (`/operation/exhibits`): exhibits the viewer may see, awaiting triage,
triaged or with matches, by force and by age, oldest seizure first, a page at a time with the
number found; the filters are kept in the URL."""

from __future__ import annotations

from datetime import UTC, datetime

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse, Response

from netsafe.operation.exhibit_list import ExhibitPage, TriageState, exhibit_list
from netsafe.platform.access import REFERRAL_AREAS
from netsafe.web.auditor import AuditDep
from netsafe.web.deps import TemplatesDep
from netsafe.web.operation.common import PoliceViewer
from netsafe.web.operation.forms import FormError, page_answers
from netsafe.web.operation.list_filters import exhibit_filter, page_number, shown_value
from netsafe.web.operation.page_queries import one, page_link, triage_state, values, whole
from netsafe.web.operation.work_common import WorkDep

router = APIRouter(tags=["pages"], include_in_schema=False)
PAGE_SIZE = 50


@router.get("/operation/exhibits", response_class=HTMLResponse)
def exhibit_list_page(
    request: Request,
    viewer: PoliceViewer,
    work: WorkDep,
    auditor: AuditDep,
    templates: TemplatesDep,
    page: str = Query("1", max_length=12),
) -> Response:
    now = datetime.now(UTC)
    params = request.query_params
    number, error = page_number(page)
    found = ExhibitPage([], 0)
    try:
        with page_answers(request, "exhibit.list", "exhibit"):
            wanted = exhibit_filter(
                triage=triage_state(params),
                force=values(params, "force"),
                min_age_days=whole(params, "min_age_days"),
                max_age_days=whole(params, "max_age_days"),
                now=now,
            )
            found = exhibit_list(
                work.exhibit_list, viewer, wanted, limit=PAGE_SIZE, offset=(number - 1) * PAGE_SIZE
            )
    except FormError as problem:
        error = problem.message if error is None else f"{error}; {problem.message}"
    auditor.record("exhibit.list", "exhibit", detail=f"page {number} of {found.total} found")
    pages = max(1, -(-found.total // PAGE_SIZE))
    return templates.TemplateResponse(
        request,
        "operation/exhibit_list.html",
        {
            "lines": found.lines,
            "total": found.total,
            "page": number,
            "pages": pages,
            "prev_link": (
                page_link("/operation/exhibits", params, number - 1) if number > 1 else None
            ),
            "next_link": (
                page_link("/operation/exhibits", params, number + 1) if number < pages else None
            ),
            "triage": one(params, "triage"),
            "force": one(params, "force"),
            "min_age_days": shown_value(one(params, "min_age_days"), "number"),
            "max_age_days": shown_value(one(params, "max_age_days"), "number"),
            "states": list(TriageState),
            "forces": REFERRAL_AREAS if viewer.role.sees_all_forces else (viewer.agency,),
            "filter_error": error,
        },
    )
