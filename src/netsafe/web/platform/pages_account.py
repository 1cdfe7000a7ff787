"""The Account page: every user sees their own second-factor state and enrols a TOTP app.

Enrolment shows a fresh secret as an otpauth:// URI and as text (no QR service: nothing leaves
the server); the secret travels in a signed, short-lived form field and is stored only when the
user confirms it with a first code from their app. A user with a second factor already enrolled
asks an admin to reset it (the Admin page) before enrolling again. Every outcome is audited.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import HTMLResponse, Response
from itsdangerous import BadSignature, URLSafeTimedSerializer

from netsafe.platform.audit import Outcome
from netsafe.platform.roles import Viewer
from netsafe.platform.users import UserError, confirm_totp, new_totp_secret, totp_uri
from netsafe.settings import Settings
from netsafe.store.repositories.users import SqlUserRepository
from netsafe.web.auditor import AuditDep
from netsafe.web.deps import SessionDep, SettingsDep, TemplatesDep
from netsafe.web.policy import allow_any_user

ENROLMENT_LIFETIME_SECONDS = 15 * 60
_ENROLMENT_SALT = "netsafe.totp-enrolment"

AnyUser = Annotated[Viewer, Depends(allow_any_user())]
router = APIRouter(tags=["pages"], include_in_schema=False)


def _serializer(settings: Settings) -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(settings.secret_key, salt=_ENROLMENT_SALT)


def _enrolment_secret(settings: Settings, user_id: int, value: str) -> str | None:
    """The secret a signed enrolment field carries, if it is this user's and still fresh."""
    try:
        data = _serializer(settings).loads(value, max_age=ENROLMENT_LIFETIME_SECONDS)
    except BadSignature:
        return None
    if not isinstance(data, dict) or data.get("u") != user_id or not isinstance(data.get("k"), str):
        return None
    secret: str = data["k"]
    return secret


def _render(
    request: Request,
    session: SessionDep,
    settings: Settings,
    templates: TemplatesDep,
    viewer: Viewer,
    *,
    secret: str | None = None,
    message: str | None = None,
    error: str | None = None,
    status_code: int = 200,
) -> Response:
    user = SqlUserRepository(session).get(viewer.user_id)
    enrolled = user is not None and user.totp_enrolled
    context: dict[str, object] = {"viewer": viewer, "enrolled": enrolled}
    context |= {"message": message, "error": error}
    if not enrolled:
        secret = secret or new_totp_secret()
        context["secret"] = secret
        context["uri"] = totp_uri(secret, viewer.username)
        context["enrolment"] = _serializer(settings).dumps({"u": viewer.user_id, "k": secret})
    return templates.TemplateResponse(request, "account.html", context, status_code=status_code)


@router.get("/account", response_class=HTMLResponse)
def account_page(
    request: Request,
    viewer: AnyUser,
    session: SessionDep,
    settings: SettingsDep,
    templates: TemplatesDep,
) -> Response:
    return _render(request, session, settings, templates, viewer)


@router.post("/account/totp", response_class=HTMLResponse)
def enrol_totp(
    request: Request,
    viewer: AnyUser,
    session: SessionDep,
    settings: SettingsDep,
    templates: TemplatesDep,
    auditor: AuditDep,
    enrolment: Annotated[str, Form(max_length=500)] = "",
    code: Annotated[str, Form(max_length=16)] = "",
) -> Response:
    """Confirm the secret shown on the Account page with a first code; then it is enrolled."""
    secret = _enrolment_secret(settings, viewer.user_id, enrolment)
    if secret is None:
        error = "The set-up expired or is not yours: start again with the new secret below."
        return _render(request, session, settings, templates, viewer, error=error, status_code=422)
    try:
        confirm_totp(SqlUserRepository(session), viewer.user_id, secret, code, datetime.now(UTC))
    except UserError as error:
        auditor.record(
            "user.totp-enrol", "user", viewer.user_id, outcome=Outcome.DENIED, detail=error.field
        )
        return _render(
            request,
            session,
            settings,
            templates,
            viewer,
            secret=secret if error.field == "code" else None,
            error=error.message,
            status_code=409 if error.field == "totp" else 422,
        )
    auditor.record("user.totp-enrol", "user", viewer.user_id)
    message = "Two-factor sign-in is on: from now on, log in with a code from your app."
    return _render(request, session, settings, templates, viewer, message=message)
