"""What the operation's pages share: reading form times, answering a form with a redirect (and
its error), and turning service errors into the right answer for a page."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from urllib.parse import urlencode

from fastapi import HTTPException, Request
from fastapi.responses import RedirectResponse

from netsafe.operation.record_history import CaseworkConflictError
from netsafe.platform.access import AccessDeniedError, OperationInputError, RecordNotFoundError
from netsafe.timestamps import as_utc
from netsafe.web.operation.common import refused


class FormError(Exception):
    """A form could not be done; the page it came from shows `message`."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def form_time(value: str, field: str, *, default_now: bool = False) -> datetime:
    """A `datetime-local` value, read as UTC (the pages show and take UTC)."""
    value = value.strip()
    if not value:
        if default_now:
            return datetime.now(UTC)
        raise OperationInputError(field, "required")
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError:
        raise OperationInputError(field, f"not a date and time: {value!r}") from None
    return as_utc(parsed)


def form_int(value: str, field: str) -> int:
    try:
        return int(value.strip() or "0")
    except ValueError:
        raise OperationInputError(field, f"not a whole number: {value!r}") from None


def optional_id(value: str) -> int | None:
    return int(value) if value.strip().isdigit() else None


def redirect(
    path: str, *, error: str | None = None, notice: str | None = None, fragment: str = ""
) -> RedirectResponse:
    """303 to `path` (and `#fragment`), carrying a message for the page to show."""
    query = {k: v for k, v in (("error", error), ("notice", notice)) if v}
    target = path + (f"?{urlencode(query)}" if query else "") + (f"#{fragment}" if fragment else "")
    return RedirectResponse(target, status_code=303)


@contextmanager
def page_answers(
    request: Request, action: str, resource_type: str, resource_id: object = None
) -> Iterator[None]:
    """Service errors on a page: input errors and a closed case → `FormError` (shown on the
    page), not visible → 404, charity → 403 (refusals audited)."""
    try:
        yield
    except OperationInputError as error:
        raise FormError(f"{error.field}: {error.message}") from None
    except CaseworkConflictError as error:
        refused(request, action, resource_type, resource_id, str(error))
        raise FormError(str(error)) from None
    except RecordNotFoundError as error:
        refused(request, action, resource_type, resource_id, str(error))
        raise HTTPException(404, detail=str(error)) from None
    except AccessDeniedError as error:
        refused(request, action, resource_type, resource_id, str(error))
        raise HTTPException(403, detail=str(error)) from None
