"""The login and logout pages: a session cookie (HttpOnly, SameSite=Lax, Secure over TLS).

Logout raises the user's session generation, so the cookie (and any copy of it, and the user's
sessions in other browsers) stops working at once, not only when it expires."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from netsafe.platform.audit import Outcome
from netsafe.platform.users import LoginError, end_sessions
from netsafe.store.repositories.users import SqlUserRepository
from netsafe.web.auditor import AuditDep
from netsafe.web.deps import SessionDep, SettingsDep, TemplatesDep
from netsafe.web.landing import landing_page
from netsafe.web.middleware import is_https
from netsafe.web.platform.login_flow import log_in
from netsafe.web.policy import allow_any_user, public
from netsafe.web.tokens import SESSION_COOKIE, SESSION_LIFETIME_SECONDS, issue_session_value
from netsafe.web.viewer import OptionalViewer

router = APIRouter(tags=["pages"], include_in_schema=False)


def safe_next(target: str | None) -> str:
    """Only a local path is a place to go after logging in (no open redirect)."""
    if target and target.startswith("/") and not target.startswith(("//", "/\\")):
        return target
    return "/"


@router.get("/login", response_class=HTMLResponse, dependencies=[Depends(public())])
def login_form(
    request: Request, templates: TemplatesDep, viewer: OptionalViewer, next: str | None = None
) -> Response:
    return templates.TemplateResponse(
        request, "login.html", {"next": safe_next(next), "viewer": viewer, "error": None}
    )


@router.post("/login", response_class=HTMLResponse, dependencies=[Depends(public(csrf=True))])
def login(
    request: Request,
    session: SessionDep,
    settings: SettingsDep,
    templates: TemplatesDep,
    auditor: AuditDep,
    username: Annotated[str, Form(max_length=63)],
    password: Annotated[str, Form(max_length=1024)],
    totp: Annotated[str | None, Form(max_length=16)] = None,
    next: Annotated[str | None, Form()] = None,
) -> Response:
    try:
        user = log_in(request, session, username.strip(), password, totp or None)
    except LoginError as error:
        auditor.record("auth.login", "user", username, outcome=Outcome.DENIED, detail=error.reason)
        context = {"next": safe_next(next), "viewer": None, "error": error.message}
        context["username"] = username
        return templates.TemplateResponse(request, "login.html", context, status_code=401)
    request.state.viewer = user.viewer
    auditor.record("auth.login", "user", user.id)
    target = safe_next(next)
    if target == "/":  # nowhere in particular: the role's landing page
        target = landing_page(user.viewer.role)
    response = RedirectResponse(target, status_code=303)
    response.set_cookie(
        SESSION_COOKIE,
        issue_session_value(settings, user.id, user.security_stamp, user.session_generation),
        max_age=SESSION_LIFETIME_SECONDS,
        httponly=True,
        samesite="lax",
        secure=is_https(request),
        path="/",
    )
    return response


@router.post("/logout", dependencies=[Depends(allow_any_user())])
def logout(request: Request, session: SessionDep, auditor: AuditDep) -> Response:
    end_sessions(SqlUserRepository(session), request.state.viewer.user_id)
    auditor.record("auth.logout", "user", request.state.viewer.user_id)
    response = RedirectResponse("/login", status_code=303)
    response.delete_cookie(SESSION_COOKIE, path="/", httponly=True, samesite="lax")
    return response
