"""Error answers: JSON `{"detail": ...}` for the API, a page (or the login redirect) for pages."""

from __future__ import annotations

from urllib.parse import quote

from fastapi import FastAPI, Request
from fastapi.exception_handlers import http_exception_handler
from fastapi.responses import RedirectResponse, Response
from starlette.exceptions import HTTPException as StarletteHTTPException

from netsafe.web.htmx import htmx_login_redirect, wants_fragment

NON_PAGE_PREFIXES = ("/api/", "/healthz", "/openapi.json", "/static/")


def is_page(request: Request) -> bool:
    """Whether `request` is for a page (HTML) rather than the JSON API."""
    return not request.url.path.startswith(NON_PAGE_PREFIXES)


def login_redirect(request: Request) -> RedirectResponse:
    target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
    return RedirectResponse(f"/login?next={quote(target, safe='')}", status_code=303)


async def _http_error(request: Request, error: Exception) -> Response:
    assert isinstance(error, StarletteHTTPException)
    if not is_page(request):
        return await http_exception_handler(request, error)
    if error.status_code == 401:
        return htmx_login_redirect(request) if wants_fragment(request) else login_redirect(request)
    templates = request.app.state.templates
    return templates.TemplateResponse(  # type: ignore[no-any-return]
        request,
        "error.html",
        {"status": error.status_code, "detail": error.detail},
        status_code=error.status_code,
        headers=error.headers,
    )


def install_error_pages(app: FastAPI) -> None:
    app.add_exception_handler(StarletteHTTPException, _http_error)
