"""`POST /api/v1/auth/token`: the OAuth2 password flow, answering a bearer token."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import JSONResponse
from pydantic import BaseModel

from netsafe.platform.audit import Outcome
from netsafe.platform.users import LoginError
from netsafe.web.auditor import AuditDep
from netsafe.web.deps import SessionDep, SettingsDep
from netsafe.web.platform.login_flow import log_in
from netsafe.web.policy import public
from netsafe.web.tokens import BEARER_LIFETIME_SECONDS, issue_bearer_token

router = APIRouter(prefix="/api/v1/auth", tags=["auth"])


class TokenOut(BaseModel):
    """An OAuth2 bearer token: send it as `Authorization: Bearer <access_token>`."""

    access_token: str
    token_type: str = "bearer"  # noqa: S105 - the OAuth2 token type, not a secret
    expires_in: int = BEARER_LIFETIME_SECONDS


@router.post(
    "/token",
    response_model=TokenOut,
    dependencies=[Depends(public())],
    responses={401: {"description": "wrong username, password or TOTP code; locked; disabled"}},
)
def token(
    request: Request,
    session: SessionDep,
    settings: SettingsDep,
    auditor: AuditDep,
    username: Annotated[str, Form(max_length=63)],
    password: Annotated[str, Form(max_length=1024)],
    totp: Annotated[str | None, Form(max_length=16, description="TOTP code, once enrolled")] = None,
    grant_type: Annotated[str | None, Form(pattern="^password$")] = None,
    scope: Annotated[str, Form()] = "",
) -> JSONResponse | TokenOut:
    """Exchange username, password (and TOTP code when enrolled) for a bearer token."""
    try:
        user = log_in(request, session, username, password, totp)
    except LoginError as error:
        auditor.record("auth.token", "user", username, outcome=Outcome.DENIED, detail=error.reason)
        return JSONResponse(
            {"detail": error.message, "code": "not_authenticated"},
            status_code=401,
            headers={"WWW-Authenticate": "Bearer"},
        )
    request.state.viewer = user.viewer
    auditor.record("auth.token", "user", user.id)
    return TokenOut(access_token=issue_bearer_token(settings, user.id, user.security_stamp))
