"""Request dependencies as `Annotated` aliases: settings, a session per request, templates.

The request's transaction commits when the handler returns, before the response is sent (a
client never sees an answer whose changes, or whose audit events, did not commit); the audit
events it committed are chained into the log after the response has gone
(`store.audit_seal.seal_deferred`), so that work is not on the client's clock.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Annotated

from fastapi import Depends, Request
from fastapi.templating import Jinja2Templates
from sqlalchemy.orm import Session
from starlette.concurrency import run_in_threadpool

from netsafe.settings import Settings
from netsafe.store.audit_seal import defer_seal, leave_seal_to_running, seal_deferred, seal_due
from netsafe.store.engine import unit_of_work


async def _settings(request: Request) -> Settings:
    settings: Settings = request.app.state.settings
    return settings


async def _seal_after_response() -> AsyncIterator[list[Session]]:
    """Request scope: once the response is sent, chain the audit events the request committed."""
    sessions: list[Session] = []
    yield sessions
    for session in sessions:
        # Under load a seal is usually running in this process already: it takes these events
        # too, and the request needs no worker thread for its seal.
        if seal_due(session) and not leave_seal_to_running(session):
            await run_in_threadpool(seal_deferred, session)


async def _session(
    request: Request, sealing: Annotated[list[Session], Depends(_seal_after_response)]
) -> AsyncIterator[Session]:
    """One transaction per request: committed when the handler returns, rolled back on error.

    Beginning it touches no database (the connection is taken at the first statement), so it is
    done in the event loop; only the end (commit or rollback) takes a worker thread."""
    transaction = unit_of_work(request.app.state.sessions)
    session = transaction.__enter__()
    defer_seal(session)
    sealing.append(session)
    try:
        yield session
    except BaseException as error:
        if not await run_in_threadpool(transaction.__exit__, type(error), error, None):
            raise
    else:
        await run_in_threadpool(transaction.__exit__, None, None, None)


async def _templates(request: Request) -> Jinja2Templates:
    templates: Jinja2Templates = request.app.state.templates
    return templates


SettingsDep = Annotated[Settings, Depends(_settings)]
SessionDep = Annotated[Session, Depends(_session, scope="function")]
TemplatesDep = Annotated[Jinja2Templates, Depends(_templates)]
