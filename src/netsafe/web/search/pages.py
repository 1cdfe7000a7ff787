"""The search page, `/search?q=`: the results of the header's search box, each linking to its
record."""

from __future__ import annotations

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse, Response

from netsafe.operation.search import QUERY_MAX
from netsafe.web.auditor import AuditDep
from netsafe.web.deps import TemplatesDep
from netsafe.web.operation.common import PoliceViewer
from netsafe.web.search.api import SearchRepoDep, SearchResultOut, run_search

router = APIRouter(tags=["pages"], include_in_schema=False)
PAGE_LIMIT = 100


@router.get("/search", response_class=HTMLResponse)
def search_page(
    request: Request,
    viewer: PoliceViewer,
    repository: SearchRepoDep,
    auditor: AuditDep,
    templates: TemplatesDep,
    q: str = Query("", max_length=QUERY_MAX),
) -> Response:
    """The form, and the matches for `q` when given."""
    results: list[SearchResultOut] = []
    if q.strip():
        hits = run_search(request, viewer, repository, auditor, q, PAGE_LIMIT)
        results = [SearchResultOut.of(hit) for hit in hits]
    return templates.TemplateResponse(
        request, "search.html", {"q": q, "searched": bool(q.strip()), "results": results}
    )
