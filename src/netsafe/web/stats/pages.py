"""The statistics page of the dashboard (`/stats`) and a CSV export of each of its tables."""

from __future__ import annotations

from fastapi import APIRouter, HTTPException, Request
from fastapi.responses import HTMLResponse, Response

from netsafe.platform.agencies import FORCE_SLUGS
from netsafe.stats.comparison import BASELINES
from netsafe.stats.dashboard import build_dashboard, tables_only
from netsafe.stats.figures import format_change, format_count
from netsafe.stats.periods import StatsInputError
from netsafe.stats.service import StatsRequest
from netsafe.stats.tables import in_words, to_csv
from netsafe.store.repositories.stats import SqlEnforcementSource
from netsafe.store.repositories.stats_prevention import sql_prevention_source
from netsafe.web.deps import SessionDep, TemplatesDep
from netsafe.web.stats.common import StatsQueryDep, StatsRequestDep, StatsViewer, field_of

router = APIRouter(include_in_schema=False)


@router.get("/stats", response_class=HTMLResponse)
def dashboard(
    request: Request,
    _viewer: StatsViewer,
    asked: StatsQueryDep,
    session: SessionDep,
    templates: TemplatesDep,
) -> Response:
    """Headline figures, monthly charts and per-force bars, each with its table and CSV link.
    A period, force or comparison that can't be shown keeps the form as it was filled in, with
    the problem beside its field (422), above the default figures."""
    sources = SqlEnforcementSource(session), sql_prevention_source(session)
    problem: dict[str, str] | None = None
    try:
        stats_request = asked.request()
        content = build_dashboard(*sources, stats_request)
    except StatsInputError as error:
        problem = {"field": field_of(error), "message": str(error).removeprefix("--")}
        stats_request = StatsRequest(None, None, None, "previous")
        content = build_dashboard(*sources, stats_request)
    statistics = content.statistics
    query = "" if problem else request.url.query
    selected = asked.as_form()
    if problem is None:  # the period and force as understood (a default period filled in)
        selected = {
            "from": statistics.period.first.isoformat(),
            "to": statistics.period.last.isoformat(),
            "force": statistics.force or "",
            "compare": stats_request.compare,
        }
    context = {
        "dashboard": content,
        "statistics": statistics,
        "forces": FORCE_SLUGS,
        "baselines": BASELINES.values(),
        "selected": selected,
        "problem": problem,
        "in_words": in_words,
        "query": f"?{query}" if query else "",
        "format_count": format_count,
        "format_change": format_change,
    }
    return templates.TemplateResponse(
        request, "stats/dashboard.html", context, status_code=422 if problem else 200
    )


@router.get("/stats/export/{name}.csv")
def export_csv(
    name: str, stats_request: StatsRequestDep, session: SessionDep, _viewer: StatsViewer
) -> Response:
    """One of the dashboard's tables as CSV, for the same period, force and comparison."""
    try:
        tables = tables_only(
            SqlEnforcementSource(session), sql_prevention_source(session), stats_request
        )
    except StatsInputError as error:
        raise HTTPException(422, detail=str(error)) from None
    table = tables.get(name)
    if table is None:
        raise HTTPException(404, detail=f"no table {name!r}; one of {', '.join(tables)}")
    return Response(
        to_csv(table),
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="netsafe-{name}.csv"'},
    )
