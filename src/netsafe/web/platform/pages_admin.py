"""The Admin page: list users; create, disable, enable, unlock and reset them (admins only).

A reset sets a new random password, shown once to the admin to pass on, clears any lockout and
ends the user's sessions. A TOTP reset removes a user's second factor (a lost phone) so they can
enrol again on their Account page. Every change is audited. A change sent by htmx is answered
with the user table and its message alone (`_admin_users.html`), swapped in place.

Each side of the charity wall administers its own accounts (`account_sides`): the police `admin`
sees, creates and changes police-side accounts only, the `charity-admin` the charity's only; an
account of the other side is "no such user", and its roles and agencies are not offered.
"""

from __future__ import annotations

import secrets
from datetime import UTC, datetime
from typing import Annotated

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import HTMLResponse, Response

from netsafe.platform import users as accounts
from netsafe.platform.account_sides import administers
from netsafe.platform.agencies import AgencyKind
from netsafe.platform.audit import Outcome
from netsafe.platform.roles import ACCOUNT_ADMIN_ROLES, Role, Viewer
from netsafe.platform.users import UserError
from netsafe.store.repositories.agencies import SqlAgencyRepository
from netsafe.store.repositories.users import SqlUserRepository
from netsafe.web.auditor import AuditDep
from netsafe.web.deps import SessionDep, TemplatesDep
from netsafe.web.htmx import page_or_fragment
from netsafe.web.policy import allow

Admin = Annotated[Viewer, Depends(allow(*ACCOUNT_ADMIN_ROLES))]

router = APIRouter(tags=["admin"], include_in_schema=False)


def _render(
    request: Request,
    admin: Viewer,
    session: SessionDep,
    templates: TemplatesDep,
    *,
    message: str | None = None,
    error: str | None = None,
    status_code: int = 200,
) -> Response:
    charity_side = admin.role is Role.CHARITY_ADMIN
    context = {
        "users": [u for u in SqlUserRepository(session).all() if administers(admin.role, u.role)],
        "agencies": [
            a
            for a in SqlAgencyRepository(session).all()
            if (a.kind is AgencyKind.CHARITY) == charity_side
        ],
        "roles": [role for role in Role if administers(admin.role, role)],
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
    return _render(request, admin, session, templates)


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
        if not administers(admin.role, accounts.parse_role(role)):
            raise UserError("role", f"a {admin.role.value} does not manage {role} accounts")
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
        detail = str(error)[:200]
        auditor.record("user.create", "user", username[:80], outcome=Outcome.DENIED, detail=detail)
        return _render(request, admin, session, templates, error=str(error), status_code=422)
    auditor.record("user.create", "user", user.id)
    return _render(request, admin, session, templates, message=f"Created {user.username}.")


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
    if user is None or not administers(admin.role, user.role):
        if user is not None:
            auditor.record(
                f"user.{change}"[:80],
                "user",
                user.id,
                outcome=Outcome.DENIED,
                detail="an account of the other side of the charity wall",
            )
        return _render(request, admin, session, templates, error="No such user.", status_code=404)
    if change in ("disable", "reset", "totp-reset") and user.id == admin.user_id:
        error = "You cannot disable or reset your own account here (use the command line)."
        return _render(request, admin, session, templates, error=error, status_code=409)
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
        return _render(request, admin, session, templates, error="Unknown change.", status_code=404)
    auditor.record(f"user.{change}", "user", user.id)
    return _render(request, admin, session, templates, message=message)
