"""No client address in the access log for prevention and deterrence requests.

uvicorn's access log line starts with the client's IP address. For the public help page, the
self-help counters, the deterrence check and the funnel — and for the charity's own pages — that
address would tie a person to seeking help. `AnonymousAccessFilter` sits on the `uvicorn.access`
logger and replaces the address with "-" for those paths (the rest of the line — method, path,
status — stays, so operations can still see errors). It is installed when the app starts
(`prevention_lifespan`, merged into the app's lifespan by `include_router`) and by
`install_access_log_filter()` for other servers.
"""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

#: Path prefixes whose requests are logged without the client address.
ANONYMOUS_PATH_PREFIXES = (
    "/api/v1/prevention",
    "/api/v1/deterrence",
    "/prevention",
    "/help",
)
ACCESS_LOGGER = "uvicorn.access"
HIDDEN_ADDRESS = "-"


def is_anonymous_path(path: str) -> bool:
    """Whether a request path is one whose client address is never logged."""
    return any(
        path == prefix or path.startswith((f"{prefix}/", f"{prefix}?"))
        for prefix in ANONYMOUS_PATH_PREFIXES
    )


class AnonymousAccessFilter(logging.Filter):
    """Drops the client address from uvicorn access-log records of prevention paths.

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
        return True


def install_access_log_filter(logger_name: str = ACCESS_LOGGER) -> AnonymousAccessFilter:
    """Put the filter on the access logger (once) and return it."""
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
