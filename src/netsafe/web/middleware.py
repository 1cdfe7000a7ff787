"""Every response: a request id, security headers, and a CSRF cookie for browsers without one."""

from __future__ import annotations

import re
import uuid

from starlette.datastructures import MutableHeaders
from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from netsafe.web.csrf import CSRF_COOKIE, new_csrf_cookie

REQUEST_ID_HEADER = "X-Request-ID"
_REQUEST_ID = re.compile(r"^[A-Za-z0-9._-]{8,64}$")

#: No inline script or style, nothing from elsewhere, no framing.
CONTENT_SECURITY_POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'self'"
)
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


class PlatformMiddleware:
    """Request ids, security headers, `Cache-Control: no-store` off /static, CSRF cookie.

    A plain ASGI middleware (no `BaseHTTPMiddleware`): it only adds headers as the response
    starts, so streaming, background tasks and context variables pass through untouched.
    """

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        request = Request(scope)
        incoming = request.headers.get(REQUEST_ID_HEADER, "")
        request_id = incoming if _REQUEST_ID.match(incoming) else uuid.uuid4().hex
        request.state.request_id = request_id
        new_cookie = None if request.cookies.get(CSRF_COOKIE) else new_csrf_cookie()
        request.state.csrf_cookie = new_cookie
        headers = self._headers(request, request_id, new_cookie)

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                response_headers = MutableHeaders(scope=message)
                for name, value in headers:
                    if name.lower() == "set-cookie":
                        response_headers.append(name, value)
                    elif name not in response_headers:
                        response_headers[name] = value
            await send(message)

        if request.url.path in TEXT_ONLY_FORMS and request.headers.get(
            "content-type", ""
        ).startswith("multipart/"):
            refusal = PlainTextResponse("this form takes text only, never a file", status_code=415)
            await refusal(scope, receive, send_with_headers)
            return
        await self.app(scope, receive, send_with_headers)

    @staticmethod
    def _headers(
        request: Request, request_id: str, new_cookie: str | None
    ) -> list[tuple[str, str]]:
        path = request.url.path
        https = is_https(request)
        headers = [(REQUEST_ID_HEADER, request_id), *SECURITY_HEADERS.items()]
        headers.append(("Content-Security-Policy", CONTENT_SECURITY_POLICY))
        if https:
            headers.append(("Strict-Transport-Security", "max-age=31536000"))
        if not path.startswith(("/static/", "/docs/assets/")):
            headers.append(("Cache-Control", "no-store"))
            # a page answers htmx with a fragment and a browser with the whole page
            headers.append(("Vary", "HX-Request"))
        if new_cookie and not path.startswith(("/api/", "/static/", "/healthz")):
            cookie = Response()
            cookie.set_cookie(
                CSRF_COOKIE, new_cookie, httponly=True, samesite="lax", secure=https, path="/"
            )
            headers.append(("set-cookie", cookie.headers["set-cookie"]))
        return headers
