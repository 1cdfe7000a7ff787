"""No client address, and no time finer than the day, in NetSafe's own log for any request the
public help, report and deterrence pages cause.

uvicorn's access log line starts with the client's IP address, and every log record carries its
time to the millisecond. For the public help page and the static files it loads (its script and
style sheets: a request for `prevention-help.js` 28 ms after `/help` ties the two together), the
report form, the self-help counters, the deterrence check and the funnel — and the charity's own
pages — either would tie a person to seeking help. So for those paths:

- `AnonymousAccessFilter`, on the `uvicorn.access` logger, replaces the address with "-" (the
  rest of the line — method, path, status — stays, so operations can still see errors);
- every log record made while such a request is handled (`AnonymousRequestMiddleware` marks it in
  a context variable, `install_day_only_records` wraps the record factory), and every access
  record of such a path, has its time cut to the start of its UTC day and is marked so the JSON
  formatter writes the date alone (`netsafe.log_config.DAY_ONLY`).

Static files are all treated so: any of them may be loaded by the help page. The audit log keeps
the same rule for its events (`netsafe.web.auditor.audit_event`). Installed when the app starts
(`prevention_lifespan`, run within the app's lifespan by `web.area_routes.add_area`), or by
`install_access_log_filter()` for other servers. docs/operator.md says how to do the same in the
reverse proxy.
"""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from contextvars import ContextVar
from datetime import UTC, datetime
from typing import Any

from starlette.types import ASGIApp, Receive, Scope, Send

from netsafe.log_config import DAY_ONLY

#: Path prefixes whose requests are logged without the client address or a time of day.
ANONYMOUS_PATH_PREFIXES = (
    "/api/v1/prevention",
    "/api/v1/deterrence",
    "/prevention",
    "/help",
    "/report",
    "/static",
)
ACCESS_LOGGER = "uvicorn.access"
HIDDEN_ADDRESS = "-"
_ANONYMOUS_REQUEST: ContextVar[bool] = ContextVar("netsafe_anonymous_request", default=False)


def is_anonymous_path(path: str) -> bool:
    """Whether a request path is one whose client address and time are never logged."""
    return any(
        path == prefix or path.startswith((f"{prefix}/", f"{prefix}?"))
        for prefix in ANONYMOUS_PATH_PREFIXES
    )


def day_start(moment: datetime) -> datetime:
    """The start of `moment`'s UTC day."""
    return moment.astimezone(UTC).replace(hour=0, minute=0, second=0, microsecond=0)


def cut_to_the_day(record: logging.LogRecord) -> None:
    """Keep only the day of the record's time (and say so to the formatter)."""
    record.created = day_start(datetime.fromtimestamp(record.created, UTC)).timestamp()
    record.msecs = 0.0
    record.relativeCreated = 0.0
    setattr(record, DAY_ONLY, True)


class AnonymousAccessFilter(logging.Filter):
    """Drops the client address and the time of day from uvicorn access-log records of
    anonymous paths (and the time of day from any record made during such a request).

    uvicorn logs `'%s - "%s %s HTTP/%s" %d'` with args (client, method, path, version, status)."""

    def filter(self, record: logging.LogRecord) -> bool:
        args = record.args
        if (
            isinstance(args, tuple)
            and len(args) >= 3
            and isinstance(args[2], str)
            and is_anonymous_path(args[2])
        ):
            record.args = (HIDDEN_ADDRESS, *args[1:])
            cut_to_the_day(record)
        elif _ANONYMOUS_REQUEST.get():
            cut_to_the_day(record)
        return True


class AnonymousRequestMiddleware:
    """Marks the handling of an anonymous path, so that records made meanwhile lose their time."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or not is_anonymous_path(scope["path"]):
            await self.app(scope, receive, send)
            return
        token = _ANONYMOUS_REQUEST.set(True)
        try:
            await self.app(scope, receive, send)
        finally:
            _ANONYMOUS_REQUEST.reset(token)


def in_anonymous_request() -> bool:
    """Whether the current code runs for a request of an anonymous path."""
    return _ANONYMOUS_REQUEST.get()


_installed_factory: Callable[..., logging.LogRecord] | None = None


def install_day_only_records() -> None:
    """Every log record made during an anonymous request keeps only its day (once per process)."""
    global _installed_factory
    current = logging.getLogRecordFactory()
    if current is _installed_factory:
        return

    def factory(*args: Any, **kwargs: Any) -> logging.LogRecord:
        record = current(*args, **kwargs)
        if _ANONYMOUS_REQUEST.get():
            cut_to_the_day(record)
        return record

    _installed_factory = factory
    logging.setLogRecordFactory(factory)


def install_access_log_filter(logger_name: str = ACCESS_LOGGER) -> AnonymousAccessFilter:
    """Put the filter on the access logger (once) and the day-only record factory in place;
    return the filter."""
    install_day_only_records()
    logger = logging.getLogger(logger_name)
    for existing in logger.filters:
        if isinstance(existing, AnonymousAccessFilter):
            return existing
    installed = AnonymousAccessFilter()
    logger.addFilter(installed)
    return installed


@asynccontextmanager
async def prevention_lifespan(_app: Any) -> AsyncIterator[None]:
    """Installs the filter when the app starts (the router's lifespan)."""
    install_access_log_filter()
    yield
