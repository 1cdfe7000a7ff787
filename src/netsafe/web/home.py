"""The home page."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse

from netsafe.store.repositories.agencies import SqlAgencyRepository
from netsafe.web.deps import SessionDep, TemplatesDep

router = APIRouter()


@router.get("/", response_class=HTMLResponse, include_in_schema=False)
def home(request: Request, session: SessionDep, templates: TemplatesDep) -> HTMLResponse:
    agencies = SqlAgencyRepository(session).all()
    return templates.TemplateResponse(request, "home.html", {"agencies": agencies})
