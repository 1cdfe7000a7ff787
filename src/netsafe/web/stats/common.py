"""What the statistics routes share: who may see figures, and reading the query parameters."""

from __future__ import annotations

from dataclasses import dataclass
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


@dataclass(frozen=True, slots=True)
class StatsQuery:
    """The query parameters as sent (text), before they are checked."""

    date_from: str
    date_to: str
    force: str
    compare: str

    def as_form(self) -> dict[str, str]:
        """The values for the page's form (the names of its fields)."""
        return {
            "from": self.date_from,
            "to": self.date_to,
            "force": self.force,
            "compare": self.compare,
        }

    def request(self) -> StatsRequest:
        """The statistics request they describe; `StatsInputError` naming the field."""
        return StatsRequest(
            _date(self.date_from, "from"),
            _date(self.date_to, "to"),
            self.force or None,
            self.compare or "previous",
        )


def stats_query(
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
) -> StatsQuery:
    """The query parameters as sent."""
    return StatsQuery(date_from or "", date_to or "", force or "", compare or "previous")


def stats_request(query: Annotated[StatsQuery, Depends(stats_query)]) -> StatsRequest:
    """The request the query parameters describe (422 naming the parameter when wrong)."""
    try:
        return query.request()
    except StatsInputError as error:
        raise HTTPException(422, detail=str(error)) from None


def field_of(error: StatsInputError) -> str:
    """Which form field a refusal is about (its message names it first)."""
    message = str(error).removeprefix("--")
    for name in ("from", "to", "force", "compare"):
        if message.startswith(f"{name}:"):
            return name
    return "to"  # the period ends before it starts


StatsQueryDep = Annotated[StatsQuery, Depends(stats_query)]
StatsRequestDep = Annotated[StatsRequest, Depends(stats_request)]
