"""Who is asking: the `Viewer` behind a request's bearer token or session cookie.

`CurrentViewer` answers 401 (pages: a redirect to the login page) without valid credentials;
`OptionalViewer` is None instead. Credentials are checked against the user's row on every request
(disabled accounts and reset passwords end every token and session at once; logout ends the
user's sessions: the cookie's session generation must still be the user's, same row, no extra
query). An account whose role and agency are on different sides of the charity wall, and in
production a demo account, is never a viewer, whatever credentials it holds.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated

from fastapi import Depends, HTTPException, Request
from fastapi.security import OAuth2PasswordBearer

from netsafe.platform.account_sides import known_side_problem
from netsafe.platform.demo_users import DEMO_USERNAMES
from netsafe.platform.roles import Viewer
from netsafe.store.repositories.users import SqlUserRepository
from netsafe.web.deps import SessionDep
from netsafe.web.tokens import (
    SESSION_COOKIE,
    TokenClaims,
    read_bearer_token,
    read_session_value,
)

BEARER = "bearer"
SESSION = "session"

#: Documents the OAuth2 password flow in the OpenAPI description (the "Authorize" button);
#: the token itself is read and checked by `authenticate_request`.
oauth2_scheme = OAuth2PasswordBearer(tokenUrl="/api/v1/auth/token", auto_error=False)


class NotAuthenticatedError(HTTPException):
    """401: no valid token or session. Pages turn it into a redirect to /login."""

    def __init__(self, detail: str = "not authenticated: log in or send a bearer token") -> None:
        super().__init__(401, detail=detail, headers={"WWW-Authenticate": "Bearer"})


@dataclass(frozen=True, slots=True)
class Authentication:
    """A resolved caller: the viewer and how they proved it (`bearer` or `session`)."""

    viewer: Viewer
    method: str


def _claims(request: Request) -> tuple[TokenClaims | None, str | None]:
    settings = request.app.state.settings
    header = request.headers.get("authorization")
    if header:
        scheme, _, value = header.partition(" ")
        if scheme.lower() != "bearer" or not value.strip():
            raise NotAuthenticatedError("the Authorization header must be `Bearer <token>`")
        claims = read_bearer_token(settings, value.strip())
        if claims is None:
            raise NotAuthenticatedError("the bearer token is invalid or expired")
        return claims, BEARER
    cookie = request.cookies.get(SESSION_COOKIE)
    if cookie:
        return read_session_value(settings, cookie), SESSION
    return None, None


def authenticate_request(request: Request, session: SessionDep) -> Authentication | None:
    """The caller, or None when anonymous (cached on `request.state` for the request)."""
    if hasattr(request.state, "authentication"):
        cached: Authentication | None = request.state.authentication
        return cached
    claims, method = _claims(request)
    authentication = None
    if claims is not None and method is not None:
        user = SqlUserRepository(session).get(claims.user_id)
        if (
            user is not None
            and not user.disabled
            and user.security_stamp == claims.stamp
            and (method != SESSION or claims.generation == user.session_generation)
            and known_side_problem(user) is None  # an account across the charity wall
            and not (
                request.app.state.settings.env == "production" and user.username in DEMO_USERNAMES
            )
        ):
            authentication = Authentication(user.viewer, method)
    request.state.authentication = authentication
    request.state.viewer = None if authentication is None else authentication.viewer
    return authentication


def current_viewer(
    request: Request,
    session: SessionDep,
    _token: Annotated[str | None, Depends(oauth2_scheme)] = None,
) -> Viewer:
    authentication = authenticate_request(request, session)
    if authentication is None:
        raise NotAuthenticatedError()
    return authentication.viewer


def optional_viewer(request: Request, session: SessionDep) -> Viewer | None:
    try:
        authentication = authenticate_request(request, session)
    except NotAuthenticatedError:
        return None
    return None if authentication is None else authentication.viewer


CurrentViewer = Annotated[Viewer, Depends(current_viewer)]
OptionalViewer = Annotated[Viewer | None, Depends(optional_viewer)]
