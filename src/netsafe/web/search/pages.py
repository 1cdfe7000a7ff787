"""The search page, `/search?q=&page=`: the results of the header's search box, each linking to
its record, in pages of `PAGE_SIZE` (the page number is kept in the URL)."""

from __future__ import annotations

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse, Response

from netsafe.operation.search import QUERY_MAX, WINDOW
from netsafe.web.auditor import AuditDep
from netsafe.web.deps import TemplatesDep
from netsafe.web.operation.common import PoliceViewer
from netsafe.web.search.api import SearchAnswer, SearchRepoDep, run_search

router = APIRouter(tags=["pages"], include_in_schema=False)
PAGE_SIZE = 50
PAGES_MAX = WINDOW // PAGE_SIZE


@router.get("/search", response_class=HTMLResponse)
def search_page(
    request: Request,
    viewer: PoliceViewer,
    repository: SearchRepoDep,
    auditor: AuditDep,
    templates: TemplatesDep,
    q: str = Query("", max_length=QUERY_MAX),
    page: int = Query(1, ge=1, le=PAGES_MAX, description=f"1 to {PAGES_MAX}"),
) -> Response:
    """The form, and the matches for `q` when given (page `page`)."""
    answer: SearchAnswer | None = None
    pages = 0
    if q.strip():
        found = run_search(
            request, viewer, repository, auditor, q, PAGE_SIZE, (page - 1) * PAGE_SIZE
        )
        answer = SearchAnswer.of(found)
        pages = max(1, -(-answer.total // PAGE_SIZE))
    return templates.TemplateResponse(
        request,
        "search.html",
        {
            "q": q,
            "searched": answer is not None,
            "answer": answer,
            "results": answer.results if answer else [],
            "page": page,
            "pages": pages,
        },
    )
