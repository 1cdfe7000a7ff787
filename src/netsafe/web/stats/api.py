"""`GET /api/v1/stats`: every figure for a period, force and comparison, as `netsafe stats --json`
prints it."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, HTTPException

from netsafe.stats.periods import StatsInputError
from netsafe.stats.service import compute_statistics
from netsafe.store.repositories.stats import SqlEnforcementSource
from netsafe.store.repositories.stats_prevention import sql_prevention_source
from netsafe.web.deps import SessionDep
from netsafe.web.stats.common import StatsRequestDep, StatsViewer

router = APIRouter(prefix="/api/v1", tags=["statistics"])


@router.get("/stats")
def statistics(request: StatsRequestDep, session: SessionDep, _viewer: StatsViewer) -> Any:
    """The operation's figures (`from`, `to`, `force`, `compare` as in `netsafe stats`): each with
    `value`, `previous` and `change_pct`; prevention figures suppressed under 5."""
    try:
        result = compute_statistics(
            SqlEnforcementSource(session), sql_prevention_source(session), request
        )
    except StatsInputError as error:
        raise HTTPException(422, detail=str(error)) from None
    return result.to_json()
