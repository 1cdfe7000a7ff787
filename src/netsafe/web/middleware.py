"""Every response: a request id, security headers, and a CSRF cookie for browsers without one."""

from __future__ import annotations

import re
import uuid

from starlette.middleware.base import BaseHTTPMiddleware, RequestResponseEndpoint
from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response

from netsafe.web.csrf import CSRF_COOKIE, new_csrf_cookie

REQUEST_ID_HEADER = "X-Request-ID"
_REQUEST_ID = re.compile(r"^[A-Za-z0-9._-]{8,64}$")

#: No inline script or style, nothing from elsewhere, no framing.
CONTENT_SECURITY_POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'self'"
)
#: FastAPI's interactive API docs load Swagger UI / ReDoc from a CDN with an inline start-up.
DOCS_CONTENT_SECURITY_POLICY = (
    "default-src 'self'; script-src 'self' 'unsafe-inline' https://cdn.jsdelivr.net; "
    "style-src 'self' 'unsafe-inline' https://cdn.jsdelivr.net; img-src 'self' data: https:; "
    "object-src 'none'; base-uri 'none'; frame-ancestors 'none'"
)
DOCS_PATHS = frozenset({"/docs", "/redoc", "/docs/oauth2-redirect"})
#: Anonymous forms that take text only: a multipart body (a file) is refused before it is read.
TEXT_ONLY_FORMS = frozenset({"/report", "/login"})

SECURITY_HEADERS = {
    "X-Frame-Options": "DENY",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
    "Permissions-Policy": "camera=(), microphone=(), geolocation=(), interest-cohort=()",
    "Cross-Origin-Opener-Policy": "same-origin",
    "Cross-Origin-Resource-Policy": "same-origin",
}


def is_https(request: Request) -> bool:
    """Whether the browser reached us over TLS (directly, or via a proxy saying so)."""
    forwarded = request.headers.get("x-forwarded-proto", "").split(",")[0].strip().lower()
    return request.url.scheme == "https" or forwarded == "https"


class PlatformMiddleware(BaseHTTPMiddleware):
    """Request ids, security headers, `Cache-Control: no-store` off /static, CSRF cookie."""

    async def dispatch(self, request: Request, call_next: RequestResponseEndpoint) -> Response:
        incoming = request.headers.get(REQUEST_ID_HEADER, "")
        request_id = incoming if _REQUEST_ID.match(incoming) else uuid.uuid4().hex
        request.state.request_id = request_id
        new_cookie = None if request.cookies.get(CSRF_COOKIE) else new_csrf_cookie()
        request.state.csrf_cookie = new_cookie
        if request.url.path in TEXT_ONLY_FORMS and request.headers.get(
            "content-type", ""
        ).startswith("multipart/"):
            response: Response = PlainTextResponse(
                "this form takes text only, never a file", status_code=415
            )
        else:
            response = await call_next(request)
        path = request.url.path
        response.headers[REQUEST_ID_HEADER] = request_id
        for name, value in SECURITY_HEADERS.items():
            response.headers.setdefault(name, value)
        csp = DOCS_CONTENT_SECURITY_POLICY if path in DOCS_PATHS else CONTENT_SECURITY_POLICY
        response.headers.setdefault("Content-Security-Policy", csp)
        if is_https(request):
            response.headers.setdefault("Strict-Transport-Security", "max-age=31536000")
        if not path.startswith("/static/"):
            response.headers.setdefault("Cache-Control", "no-store")
        if new_cookie and not path.startswith(("/api/", "/static/", "/healthz")):
            response.set_cookie(
                CSRF_COOKIE,
                new_cookie,
                httponly=True,
                samesite="lax",
                secure=is_https(request),
                path="/",
            )
        return response
