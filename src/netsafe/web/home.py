"""The home page."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse

from netsafe.store.repositories.agencies import SqlAgencyRepository
from netsafe.web.deps import SessionDep, TemplatesDep
from netsafe.web.policy import public
from netsafe.web.viewer import OptionalViewer

router = APIRouter()


@router.get(
    "/", response_class=HTMLResponse, include_in_schema=False, dependencies=[Depends(public())]
)
def home(
    request: Request, session: SessionDep, templates: TemplatesDep, viewer: OptionalViewer
) -> HTMLResponse:
    agencies = SqlAgencyRepository(session).all()
    return templates.TemplateResponse(request, "home.html", {"agencies": agencies})
