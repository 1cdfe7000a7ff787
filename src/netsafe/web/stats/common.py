"""What the statistics routes share: who may see figures, and reading the query parameters."""

from __future__ import annotations

from datetime import date
from typing import Annotated

from fastapi import Depends, HTTPException, Query

from netsafe.platform.roles import Role, Viewer
from netsafe.stats.periods import StatsInputError, parse_date
from netsafe.stats.service import StatsRequest
from netsafe.web.policy import allow

#: Figures are aggregates: the supervisors, analysts and the operation lead (per-force and
#: all-Wales figures) and the charity's evaluation lead. Prevention figures arrive suppressed.
STATS_ROLES = (Role.SUPERVISOR, Role.ANALYST, Role.OPERATION_LEAD, Role.CHARITY_ANALYST)
StatsViewer = Annotated[Viewer, Depends(allow(*STATS_ROLES))]


def _date(value: str | None, name: str) -> date | None:
    if not value:
        return None
    return parse_date(value, name)


def stats_request(
    date_from: Annotated[
        str | None, Query(alias="from", description="First UK date, YYYY-MM-DD")
    ] = None,
    date_to: Annotated[
        str | None, Query(alias="to", description="Last UK date (included), YYYY-MM-DD")
    ] = None,
    force: Annotated[str | None, Query(description="A force slug; all forces if absent")] = None,
    compare: Annotated[
        str, Query(description="previous, none, or a named baseline (launch-year, second-year)")
    ] = "previous",
) -> StatsRequest:
    """The request the query parameters describe (422 naming the parameter when wrong)."""
    try:
        return StatsRequest(
            _date(date_from, "from"), _date(date_to, "to"), force or None, compare or "previous"
        )
    except StatsInputError as error:
        raise HTTPException(422, detail=str(error)) from None


StatsRequestDep = Annotated[StatsRequest, Depends(stats_request)]
