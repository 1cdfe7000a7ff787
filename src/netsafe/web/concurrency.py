"""A bound on the requests one server process works on at once; the rest wait their turn.

Each request holds up to two database connections (its unit of work, and `record_now` for an
audited refusal), and a request's synchronous parts and its session's commit each need one of
the thread pool's workers. Without a bound, a burst of clients can leave every pooled connection
held by requests waiting for a thread while every thread waits for a connection, until the pool's
30-second timeout fails them. Queueing the surplus requests in the event loop (cheap) keeps the
work the database can do at once, and answers everyone, in arrival order.
"""

from __future__ import annotations

import asyncio

from starlette.types import ASGIApp, Receive, Scope, Send

#: SQLAlchemy's default pool is 5 connections + 10 overflow; two per request at most.
DEFAULT_LIMIT = 7
#: Connections a process keeps open: two for each request in the app, and one for the audit seal
#: that runs after a response (`web/deps.py`). With fewer, the surplus connections of every busy
#: moment were closed when returned and opened again (a new PostgreSQL backend) moments later.
POOL_SIZE = 2 * DEFAULT_LIMIT + 1


class ConcurrencyLimit:
    """ASGI middleware: at most `limit` HTTP requests in the app at once (per process)."""

    def __init__(self, app: ASGIApp, limit: int = DEFAULT_LIMIT) -> None:
        self.app = app
        self.limit = limit
        self._slots: asyncio.Semaphore | None = None
        self._loop: asyncio.AbstractEventLoop | None = None

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        loop = asyncio.get_running_loop()
        if self._slots is None or self._loop is not loop:  # one per event loop, made on first use
            self._slots, self._loop = asyncio.Semaphore(self.limit), loop
        async with self._slots:
            await self.app(scope, receive, send)
