"""Public, anonymous prevention routes: self-help counters, the deterrence check, the funnel, and
the help page.

No login, no cookie read or set by these handlers, nothing about the caller kept: each call adds
one to a per-day counter (`prevention.counters`). The log drops the client address and the time
of day for these paths (`web/anonymous_requests.py`). The counters' POSTs (funnel steps,
self-help) are rate limited per client like the report form (`web/rate_limit.py`: a keyed hash
of the address, per window, rows deleted as windows pass — never the address): over the limit
they answer 429 and count nothing.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from fastapi import APIRouter, Depends, HTTPException, Request, Response
from fastapi.responses import HTMLResponse, RedirectResponse
from pydantic import BaseModel, Field

from netsafe.prevention.counters import (
    REPORTABLE_STEPS,
    FunnelStep,
    SelfHelpEvent,
    UnknownModuleError,
    count_funnel_step,
    count_self_help,
)
from netsafe.prevention.deterrence import (
    MAX_HASHES,
    MAX_QUERY_LENGTH,
    DeterrenceRequest,
    check_and_count,
)
from netsafe.store.repositories.prevention import SqlCounterRepository
from netsafe.web.auditor import client_address
from netsafe.web.deps import SessionDep, SettingsDep, TemplatesDep
from netsafe.web.policy import public
from netsafe.web.prevention.common import PreventionConfigDep, uk_today
from netsafe.web.rate_limit import ReportRateLimit

router = APIRouter(dependencies=[Depends(public())])

#: Counter posts one client may make per window (a visit makes a handful).
COUNTER_CALLS_PER_WINDOW = 30
RATE_LIMITED: dict[int | str, dict[str, Any]] = {
    429: {"description": "Too many calls from this client: nothing was counted."}
}


def counter_limit(request: Request) -> ReportRateLimit:
    """The app's limit on counter posts (tests may put another on `app.state.counter_limit`)."""
    limit: ReportRateLimit | None = getattr(request.app.state, "counter_limit", None)
    return limit or ReportRateLimit(COUNTER_CALLS_PER_WINDOW, scope="counters")


def _within_limit(request: Request, session: SessionDep) -> None:
    """429 when this client has posted too many counts in the current window."""
    secret_key = request.app.state.settings.secret_key
    address = client_address(request) or "unknown"
    if not counter_limit(request).allow(session, secret_key, address):
        raise HTTPException(429, detail="too many counts from here: please try again later")


WITHIN_LIMIT = Depends(_within_limit)

HELP_PAGE = "/help"
#: Optional extra text for the help page (plain text; lines starting "http" become links).
HELP_TEXT_FILE = "helpline.txt"


@router.post(
    "/api/v1/prevention/self-help/{module}/{event}",
    status_code=204,
    tags=["prevention"],
    dependencies=[WITHIN_LIMIT],
    responses=RATE_LIMITED,
)
def self_help(
    module: str, event: SelfHelpEvent, session: SessionDep, config: PreventionConfigDep
) -> Response:
    """Count a self-help module `started` or `completed` (anonymous: a daily count only)."""
    try:
        count_self_help(
            SqlCounterRepository(session), config.self_help_modules, module, event, uk_today()
        )
    except UnknownModuleError as error:
        raise HTTPException(404, detail=str(error)) from None
    return Response(status_code=204)


class DeterrenceCheckIn(BaseModel):
    """What a platform asks about: any of a search query, a URL and content hashes."""

    query: str = Field("", max_length=MAX_QUERY_LENGTH)
    url: str = Field("", max_length=MAX_QUERY_LENGTH)
    hashes: list[str] = Field(default_factory=list, max_length=MAX_HASHES)


@router.post("/api/v1/deterrence/check", tags=["deterrence"])
def deterrence_check(
    body: DeterrenceCheckIn, session: SessionDep, config: PreventionConfigDep
) -> dict[str, object]:
    """Whether to warn, and the message with the helpline's details (a warning is counted)."""
    request = DeterrenceRequest(query=body.query, url=body.url, hashes=tuple(body.hashes))
    answer = check_and_count(
        config.patterns, config.helpline, SqlCounterRepository(session), request, uk_today()
    )
    return answer.as_json()


@router.post(
    "/api/v1/prevention/funnel/{step}",
    status_code=204,
    tags=["deterrence"],
    dependencies=[WITHIN_LIMIT],
    responses=RATE_LIMITED,
)
def funnel_step(step: FunnelStep, session: SessionDep) -> Response:
    """Count a funnel step a page or platform saw: `help-page-view`, `helpline-click`,
    `chat-click` (`warning-shown` is counted by the check itself)."""
    if step not in REPORTABLE_STEPS:
        raise HTTPException(422, detail="warning-shown is counted by /api/v1/deterrence/check")
    count_funnel_step(SqlCounterRepository(session), step, uk_today())
    return Response(status_code=204)


def extra_help_text(home: Path) -> list[list[str]]:
    """Paragraphs of `NETSAFE_HOME/helpline.txt` (blank lines separate them), if it exists."""
    path = home / HELP_TEXT_FILE
    if not path.is_file():
        return []
    text = path.read_text(encoding="utf-8")
    paragraphs = [block.strip() for block in text.replace("\r\n", "\n").split("\n\n")]
    return [block.splitlines() for block in paragraphs if block]


@router.get(HELP_PAGE, response_class=HTMLResponse, include_in_schema=False)
def help_page(
    request: Request,
    session: SessionDep,
    settings: SettingsDep,
    templates: TemplatesDep,
    config: PreventionConfigDep,
) -> Response:
    """The public help page: the helpline's details (the prevention file), then any text of
    `NETSAFE_HOME/helpline.txt`. Each view adds one to the day's count."""
    count_funnel_step(SqlCounterRepository(session), FunnelStep.HELP_PAGE_VIEW, uk_today())
    context = {"helpline": config.helpline, "extra": extra_help_text(settings.home)}
    return templates.TemplateResponse(request, "prevention/help.html", context)


@router.get(f"{HELP_PAGE}/chat", include_in_schema=False)
def help_chat(session: SessionDep, config: PreventionConfigDep) -> Response:
    """Counts a chat click, then goes to the helpline's live chat."""
    if not config.helpline.chat_url:
        raise HTTPException(404, detail="no live chat is configured")
    count_funnel_step(SqlCounterRepository(session), FunnelStep.CHAT_CLICK, uk_today())
    return RedirectResponse(config.helpline.chat_url, status_code=303)
