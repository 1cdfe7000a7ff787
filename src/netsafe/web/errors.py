"""Error answers: JSON `{"detail": ..., "code": ...}` for the API (`web/error_codes.py`), a page
(or the login redirect) for pages. Validation errors never repeat the input; a number or text the
database cannot hold (an id past the column's range) is a 422, not a 500; refusals are audited."""

from __future__ import annotations

from urllib.parse import quote

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, RedirectResponse, Response
from sqlalchemy.exc import DataError, IntegrityError
from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.routing import Match

from netsafe.platform.audit import Outcome
from netsafe.store.engine import unit_of_work
from netsafe.web.auditor import audit_event, record_now
from netsafe.web.error_codes import code_for, error_body
from netsafe.web.htmx import htmx_login_redirect, wants_fragment
from netsafe.web.viewer import NotAuthenticatedError, authenticate_request

METHODS = ("GET", "HEAD", "POST", "PUT", "PATCH", "DELETE")
NON_PAGE_PREFIXES = ("/api/", "/healthz", "/openapi.json", "/static/")


def is_page(request: Request) -> bool:
    """Whether `request` is for a page (HTML) rather than the JSON API."""
    return not request.url.path.startswith(NON_PAGE_PREFIXES)


def login_redirect(request: Request) -> RedirectResponse:
    target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
    return RedirectResponse(f"/login?next={quote(target, safe='')}", status_code=303)


def allowed_methods(request: Request) -> list[str]:
    """Every method some route takes at this path (a path's GET and POST are often two routes,
    and the router's 405 names only the first one's)."""
    allowed = []
    for method in METHODS:
        scope = {**request.scope, "method": method}
        if any(route.matches(scope)[0] is Match.FULL for route in request.app.routes):
            allowed.append(method)
    return allowed


async def _http_error(request: Request, error: Exception) -> Response:
    assert isinstance(error, StarletteHTTPException)
    if error.status_code == 405:
        error.headers = {**(error.headers or {}), "Allow": ", ".join(allowed_methods(request))}
    if not is_page(request):
        if error.status_code in (204, 304):
            return Response(status_code=error.status_code, headers=error.headers)
        body = error_body(error.detail, code_for(error.status_code))
        return JSONResponse(body, status_code=error.status_code, headers=error.headers)
    if error.status_code == 401:
        return htmx_login_redirect(request) if wants_fragment(request) else login_redirect(request)
    if not hasattr(request.state, "authentication"):  # refused before the caller was known
        await run_in_threadpool(_know_the_caller, request)
    templates = request.app.state.templates
    return templates.TemplateResponse(  # type: ignore[no-any-return]
        request,
        "error.html",
        {"status": error.status_code, "detail": error.detail},
        status_code=error.status_code,
        headers=error.headers,
    )


def _know_the_caller(request: Request) -> None:
    """Resolve the caller of a request refused before its route read them, so an error page
    keeps the signed-in menu (read only: no write, no audit)."""
    with unit_of_work(request.app.state.sessions) as session:
        try:
            authenticate_request(request, session)
        except NotAuthenticatedError:
            request.state.viewer = None


async def _refuse(request: Request, status: int, detail: object, code: str, note: str) -> Response:
    """An audited refusal of the request as a whole (the event holds no input)."""
    event = audit_event(
        request,
        "request.refused",
        "request",
        f"{request.method} {request.url.path}",
        outcome=Outcome.DENIED,
        detail=f"{code}: {note}"[:200],
    )
    await run_in_threadpool(record_now, request, event)
    return JSONResponse(error_body(detail, code), status_code=status)


async def _invalid(request: Request, error: Exception) -> Response:
    """422 listing where and what was wrong, without the values sent."""
    assert isinstance(error, RequestValidationError)
    problems = [
        {"loc": list(item.get("loc", ())), "msg": item.get("msg", ""), "type": item.get("type")}
        for item in error.errors()
    ]
    where = ", ".join(".".join(str(part) for part in p["loc"]) for p in problems[:5])
    return await _refuse(request, 422, problems, "invalid_input", where)


async def _out_of_range(request: Request, error: Exception) -> Response:
    """A value the database cannot hold (an id past a 32- or 64-bit column, an offset past
    64 bits): 422, the same on SQLite (`OverflowError`) and PostgreSQL (`DataError`)."""
    message = "a number or text in the request is out of range for storage"
    return await _refuse(request, 422, message, "value_out_of_range", type(error).__name__)


async def _conflict(request: Request, error: Exception) -> Response:
    """A write that meets a unique constraint (two requests creating one reference at once):
    409, saying nothing of the record it met."""
    message = "the request conflicts with a stored record: read it again and retry"
    return await _refuse(request, 409, message, "conflict", type(error).__name__)


def install_error_pages(app: FastAPI) -> None:
    app.add_exception_handler(StarletteHTTPException, _http_error)
    app.add_exception_handler(RequestValidationError, _invalid)
    app.add_exception_handler(DataError, _out_of_range)
    app.add_exception_handler(IntegrityError, _conflict)
    app.add_exception_handler(OverflowError, _out_of_range)
