"""The Admin page: list users; create, disable, enable, unlock and reset them (admins only).

A reset sets a new random password, shown once to the admin to pass on, clears any lockout and
ends the user's sessions. A TOTP reset removes a user's second factor (a lost phone) so they can
enrol again on their Account page. Every change is audited. A change sent by htmx is answered
with the user table and its message alone (`_admin_users.html`), swapped in place.
"""

from __future__ import annotations

import secrets
from datetime import UTC, datetime
from typing import Annotated

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import HTMLResponse, Response

from netsafe.platform import users as accounts
from netsafe.platform.roles import Role, Viewer
from netsafe.platform.users import UserError
from netsafe.store.repositories.agencies import SqlAgencyRepository
from netsafe.store.repositories.users import SqlUserRepository
from netsafe.web.auditor import AuditDep
from netsafe.web.deps import SessionDep, TemplatesDep
from netsafe.web.htmx import page_or_fragment
from netsafe.web.policy import allow

Admin = Annotated[Viewer, Depends(allow(Role.ADMIN))]

router = APIRouter(tags=["admin"], include_in_schema=False)


def _render(
    request: Request,
    session: SessionDep,
    templates: TemplatesDep,
    *,
    message: str | None = None,
    error: str | None = None,
    status_code: int = 200,
) -> Response:
    context = {
        "users": SqlUserRepository(session).all(),
        "agencies": SqlAgencyRepository(session).all(),
        "roles": list(Role),
        "message": message,
        "error": error,
        "now": datetime.now(UTC),
    }
    template = page_or_fragment(request, "admin.html", "_admin_users.html")
    return templates.TemplateResponse(request, template, context, status_code=status_code)


@router.get("/admin", response_class=HTMLResponse)
def admin_page(
    request: Request, admin: Admin, session: SessionDep, templates: TemplatesDep
) -> Response:
    return _render(request, session, templates)


@router.post("/admin/users", response_class=HTMLResponse)
def create_user(
    request: Request,
    admin: Admin,
    session: SessionDep,
    templates: TemplatesDep,
    auditor: AuditDep,
    username: Annotated[str, Form(max_length=63)],
    agency: Annotated[str, Form(max_length=40)],
    role: Annotated[str, Form(max_length=40)],
    password: Annotated[str, Form(max_length=1024)],
) -> Response:
    try:
        user = accounts.create_user(
            SqlUserRepository(session),
            SqlAgencyRepository(session),
            username=username.strip(),
            agency=agency,
            role=role,
            password=password,
            now=datetime.now(UTC),
        )
    except UserError as error:
        return _render(request, session, templates, error=str(error), status_code=422)
    auditor.record("user.create", "user", user.id)
    return _render(request, session, templates, message=f"Created {user.username}.")


@router.post("/admin/users/{user_id}/{change}", response_class=HTMLResponse)
def change_user(
    request: Request,
    user_id: int,
    change: str,
    admin: Admin,
    session: SessionDep,
    templates: TemplatesDep,
    auditor: AuditDep,
) -> Response:
    """`change` is one of disable, enable, unlock, reset, totp-reset."""
    repository = SqlUserRepository(session)
    user = repository.get(user_id)
    if user is None:
        return _render(request, session, templates, error="No such user.", status_code=404)
    if change in ("disable", "reset", "totp-reset") and user.id == admin.user_id:
        error = "You cannot disable or reset your own account here (use the command line)."
        return _render(request, session, templates, error=error, status_code=409)
    message: str
    if change == "disable":
        accounts.set_disabled(repository, user.username, disabled=True)
        message = f"Disabled {user.username}: their sessions have ended."
    elif change == "enable":
        accounts.set_disabled(repository, user.username, disabled=False)
        message = f"Enabled {user.username}."
    elif change == "unlock":
        accounts.unlock(repository, user.username)
        message = f"Unlocked {user.username}."
    elif change == "reset":
        password = secrets.token_urlsafe(12)
        accounts.reset_password(repository, user.username, password)
        message = (
            f"New password for {user.username}: {password} — pass it on now; it is not shown again."
        )
    elif change == "totp-reset":
        accounts.remove_totp(repository, user.username)
        message = (
            f"Removed the second factor of {user.username}: they enrol again on their Account page."
        )
    else:
        return _render(request, session, templates, error="Unknown change.", status_code=404)
    auditor.record(f"user.{change}", "user", user.id)
    return _render(request, session, templates, message=message)
