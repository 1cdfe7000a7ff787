"""`/healthz`: the app answers and its database is reachable."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Request
from fastapi.responses import JSONResponse

from netsafe.store.engine import database_reachable
from netsafe.web.policy import public

router = APIRouter()


@router.get("/healthz", tags=["health"], dependencies=[Depends(public())])
def healthz(request: Request) -> JSONResponse:
    """`{"status": "ok"}` when the database answers, 503 otherwise."""
    if database_reachable(request.app.state.engine):
        return JSONResponse({"status": "ok"})
    return JSONResponse({"status": "error", "detail": "database unreachable"}, status_code=503)
