"""CSRF protection for forms: a random cookie and a form token bound to it by HMAC.

The middleware gives every browser a `netsafe_csrf` cookie; pages put `csrf_token(request)` in a
hidden `csrf_token` field (or an `X-CSRF-Token` header for scripts). A state-changing request that
relies on the session cookie, or any public form, must carry the token that matches the cookie.
Bearer-token API calls carry no ambient credential and need no CSRF token.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets

from fastapi import HTTPException, Request

CSRF_COOKIE = "netsafe_csrf"
CSRF_FIELD = "csrf_token"
CSRF_HEADER = "X-CSRF-Token"
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS", "TRACE"})


def new_csrf_cookie() -> str:
    return secrets.token_urlsafe(24)


def token_for(secret_key: str, cookie_value: str) -> str:
    """The form token that matches `cookie_value`."""
    key = hashlib.sha256(("netsafe.csrf:" + secret_key).encode()).digest()
    return hmac.new(key, cookie_value.encode(), hashlib.sha256).hexdigest()


def csrf_cookie_value(request: Request) -> str:
    """This browser's CSRF cookie (the middleware sets a new one when it has none)."""
    value: str | None = getattr(request.state, "csrf_cookie", None)
    return value or request.cookies.get(CSRF_COOKIE, "")


def csrf_token(request: Request) -> str:
    """The token a form on this page must send (templates call this)."""
    return token_for(request.app.state.settings.secret_key, csrf_cookie_value(request))


async def require_csrf(request: Request) -> None:
    """403 unless an unsafe request carries the token matching its CSRF cookie."""
    if request.method in SAFE_METHODS:
        return
    cookie = request.cookies.get(CSRF_COOKIE)
    sent = request.headers.get(CSRF_HEADER)
    if sent is None and request.headers.get("content-type", "").startswith(
        ("application/x-www-form-urlencoded", "multipart/form-data")
    ):
        form = await request.form()
        value = form.get(CSRF_FIELD)
        sent = value if isinstance(value, str) else None
    expected = token_for(request.app.state.settings.secret_key, cookie) if cookie else None
    if not sent or expected is None or not hmac.compare_digest(sent, expected):
        raise HTTPException(403, detail="missing or invalid CSRF token: reload the page and retry")
