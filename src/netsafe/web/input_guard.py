"""What every request must be before a handler sees it, checked once for the whole app.

`InputGuard` (a plain ASGI middleware, inside the platform middleware):

* caps the request body per route (`body_limit`): a `Content-Length` over the cap is refused
  before a byte is read, a streamed body as soon as it passes the cap — 413, the body never kept;
* refuses text no database can store — a NUL byte, or a lone UTF-16 surrogate from a JSON
  `\\ud800` escape — in the path, the query string, a JSON body or a form body, and JSON integers
  outside 64 bits: 422, the same on SQLite and PostgreSQL;
* takes a multipart body only where a file is expected (the lookup upload; 415 elsewhere);
* answers an exception no handler caught with a JSON 500 itself, so the server keeps the
  keep-alive connection open instead of resetting it;
* audits each refusal and each failed request (in a transaction of its own, `record_now`).

Its answers never repeat the input: they say what was wrong and where, never the value.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Iterator
from typing import Any
from urllib.parse import unquote_plus

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from netsafe.platform.audit import Outcome
from netsafe.web.auditor import audit_event, record_now
from netsafe.web.error_codes import error_body

log = logging.getLogger(__name__)

KIB = 1024
MIB = 1024 * KIB
#: The body cap of every route not named below: the largest referral (5,000 files) fits.
DEFAULT_BODY_LIMIT = 4 * MIB
#: Anonymous forms and counters: a report, a login, a deterrence check are a few KiB at most.
SMALL_BODY_LIMIT = 64 * KIB
#: The lookup's file upload (`web/lookup/api.py` caps the file itself at 64 MiB).
UPLOAD_BODY_LIMIT = 65 * MIB
#: Routes (exact path or prefix ending in "/") with their own cap, most specific first.
BODY_LIMITS: tuple[tuple[str, int], ...] = (
    ("/api/v1/lookup", UPLOAD_BODY_LIMIT),
    ("/report", SMALL_BODY_LIMIT),
    ("/login", SMALL_BODY_LIMIT),
    ("/api/v1/auth/", SMALL_BODY_LIMIT),
    ("/api/v1/prevention/funnel/", SMALL_BODY_LIMIT),
    ("/api/v1/prevention/self-help/", SMALL_BODY_LIMIT),
    ("/api/v1/deterrence/", SMALL_BODY_LIMIT),
)
#: Routes that take a file (multipart/form-data); every other route refuses multipart.
MULTIPART_ROUTES = frozenset({"/api/v1/lookup", "/intake"})
INT64 = range(-(2**63), 2**63)


def body_limit(path: str) -> int:
    """The most bytes a request body to `path` may have."""
    for route, limit in BODY_LIMITS:
        if path == route or (route.endswith("/") and path.startswith(route)):
            return limit
    return DEFAULT_BODY_LIMIT


class RefusedInputError(Exception):
    """The request cannot be taken: `status`, a stable `code` and a message without the input."""

    def __init__(self, status: int, code: str, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.code = code
        self.message = message


def unstorable(text: str) -> str | None:
    """Why `text` cannot be stored as text (a NUL, a lone surrogate), or None when it can."""
    if "\x00" in text:
        return "a NUL character"
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return "a lone surrogate (not a Unicode character)"
    return None


def _json_values(value: Any, where: str) -> Iterator[tuple[str, Any]]:
    """Every key, string and number of a parsed JSON document, with where it is."""
    if isinstance(value, dict):
        for key, item in value.items():
            yield f"{where}.{key}" if unstorable(key) is None else where, key
            yield from _json_values(item, f"{where}.{key}" if unstorable(key) is None else where)
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from _json_values(item, f"{where}[{index}]")
    else:
        yield where, value


def check_text(text: str, where: str) -> None:
    """Refuse `text` (found at `where`) when it cannot be stored."""
    problem = unstorable(text)
    if problem is not None:
        raise RefusedInputError(422, "unstorable_text", f"{where} contains {problem}")


def check_json(body: bytes) -> None:
    """Refuse a JSON body holding unstorable text or integers beyond 64 bits (a body that is not
    JSON at all is left to the route, which answers 422 saying so)."""
    try:
        document = json.loads(body)
    except ValueError:
        return
    for where, value in _json_values(document, "body"):
        if isinstance(value, str):
            check_text(value, where)
        elif isinstance(value, int) and not isinstance(value, bool) and value not in INT64:
            raise RefusedInputError(422, "number_out_of_range", f"{where} is outside 64 bits")


def check_request(scope: Scope, body: bytes) -> None:
    """Every check of the path, query string and body of one request."""
    check_text(scope["path"], "the path")
    query = scope.get("query_string", b"").decode("latin-1")
    check_text(unquote_plus(query), "the query string")
    content_type = _content_type(scope)
    if content_type.startswith("multipart/") and scope["path"] not in MULTIPART_ROUTES:
        raise RefusedInputError(415, "unsupported_media_type", "this route takes no file")
    if not body:
        return
    if content_type == "application/json" or content_type.endswith("+json"):
        check_json(body)
    elif content_type == "application/x-www-form-urlencoded":
        check_text(unquote_plus(body.decode("utf-8", errors="replace")), "the form")


def _content_type(scope: Scope) -> str:
    for name, value in scope.get("headers", ()):
        if name == b"content-type":
            return str(value.decode("latin-1").split(";")[0].strip().lower())
    return ""


def _declared_length(scope: Scope) -> int | None:
    for name, value in scope.get("headers", ()):
        if name == b"content-length":
            try:
                return int(value)
            except ValueError:
                raise RefusedInputError(
                    400, "bad_request", "Content-Length is not a number"
                ) from None
    return None


async def read_capped(scope: Scope, receive: Receive, limit: int) -> bytes:
    """The whole body, or a 413 as soon as it is longer than `limit` bytes."""
    declared = _declared_length(scope)
    too_large = RefusedInputError(413, "body_too_large", f"the body is larger than {limit:,} bytes")
    if declared is not None and declared > limit:
        raise too_large
    chunks: list[bytes] = []
    size = 0
    while True:
        message = await receive()
        if message["type"] != "http.request":
            break
        chunk = message.get("body", b"")
        size += len(chunk)
        if size > limit:
            raise too_large
        chunks.append(chunk)
        if not message.get("more_body", False):
            break
    return b"".join(chunks)


def _replay(body: bytes, receive: Receive) -> Receive:
    """A `receive` giving the body already read, then whatever the connection says next."""
    sent = False

    async def replay() -> Message:
        nonlocal sent
        if not sent:
            sent = True
            return {"type": "http.request", "body": body, "more_body": False}
        return await receive()

    return replay


class InputGuard:
    """Body caps, storable text, and a JSON 500 that keeps the connection (see the module)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        try:
            if scope["path"] in MULTIPART_ROUTES and _content_type(scope).startswith("multipart/"):
                check_request(scope, b"")  # the upload route reads and caps its file itself
                app_receive = receive
            else:
                body = await read_capped(scope, receive, body_limit(scope["path"]))
                check_request(scope, body)
                app_receive = _replay(body, receive)
        except RefusedInputError as refusal:
            await _audit(
                scope, "request.refused", Outcome.DENIED, f"{refusal.code}: {refusal.message}"
            )
            answer = JSONResponse(
                error_body(refusal.message, refusal.code), status_code=refusal.status
            )
            await answer(scope, receive, send)
            return
        started = False

        async def watched_send(message: Message) -> None:
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
            await send(message)

        try:
            await self.app(scope, app_receive, watched_send)
        except Exception as error:
            log.exception("request %s %s failed", scope.get("method"), scope["path"])
            await _audit(scope, "request.failed", Outcome.FAILED, type(error).__name__)
            if not started:
                answer = JSONResponse(
                    error_body("the server could not complete the request", "internal_error"),
                    status_code=500,
                )
                await answer(scope, receive, send)


async def _audit(scope: Scope, action: str, outcome: str, detail: str) -> None:
    """Record a refused or failed request (what and where, never the input itself)."""
    request = Request(scope)
    path = scope["path"] if unstorable(scope["path"]) is None else "(unstorable path)"
    event = audit_event(
        request,
        action,
        "request",
        f"{scope.get('method', '')} {path}",
        outcome=outcome,
        detail=detail[:200],
    )
    await run_in_threadpool(record_now, request, event)
