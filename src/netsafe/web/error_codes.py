"""The one shape of every JSON error answer: `{"detail": ..., "code": ...}`.

`detail` is a message (or, for 422 from validation, a list of `{"loc", "msg", "type"}` items,
never the input itself); `code` is stable, for programs: one per status unless a route says more.
"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel

#: The code of each status when the raiser gave none.
CODES_BY_STATUS = {
    400: "bad_request",
    401: "not_authenticated",
    403: "forbidden",
    404: "not_found",
    405: "method_not_allowed",
    409: "conflict",
    413: "body_too_large",
    415: "unsupported_media_type",
    422: "invalid_input",
    429: "rate_limited",
    500: "internal_error",
    503: "unavailable",
}


def code_for(status: int) -> str:
    """The stable code of an error status (`error` for one without its own)."""
    return CODES_BY_STATUS.get(status, "error")


def error_body(detail: Any, code: str) -> dict[str, Any]:
    return {"detail": detail, "code": code}


class ErrorItem(BaseModel):
    """One problem of a request: where (`loc`), what (`msg`) and its kind (`type`)."""

    loc: list[str | int]
    msg: str
    type: str | None = None


class ErrorAnswer(BaseModel):
    """Every JSON error: a message or a list of problems, and a stable code."""

    detail: str | list[ErrorItem]
    code: str
