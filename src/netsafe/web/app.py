"""The application factory. `create_app()` builds settings, engine and routes; nothing at import."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

from fastapi import FastAPI
from fastapi.staticfiles import StaticFiles
from fastapi.templating import Jinja2Templates

from netsafe import __version__
from netsafe.settings import DEFAULT_SECRET_KEY, Settings, load_settings
from netsafe.store.engine import engine_from_settings, make_session_factory
from netsafe.store.referral_events import on_referral_commits
from netsafe.web import (
    health,
    home,
    intake,
    lookup,
    operation,
    platform,
    prevention,
    search,
    stats,
)
from netsafe.web.anonymous_requests import AnonymousRequestMiddleware
from netsafe.web.api_docs import install_api_docs
from netsafe.web.area_routes import add_area
from netsafe.web.concurrency import POOL_SIZE, ConcurrencyLimit
from netsafe.web.cpu_affinity import pin_to_own_cpu
from netsafe.web.demo_guard import demo_banner
from netsafe.web.openapi_doc import install_openapi
from netsafe.web.operation.summary_cache import SummaryCache
from netsafe.web.platform import install_platform
from netsafe.web.prevention.common import prevention_config_for
from netsafe.web.template_filters import install_template_filters

WEB = Path(__file__).parent
log = logging.getLogger(__name__)
#: What the app starts with (lines about no request: the anonymous logging leaves them whole).
startup_log = logging.getLogger("netsafe.web.startup")


def create_app(settings: Settings | None = None) -> FastAPI:
    """A NetSafe web app for `settings` (from the environment when not given)."""
    settings = settings or load_settings()
    if settings.secret_key == DEFAULT_SECRET_KEY:
        log.warning("using the development secret key: set NETSAFE_SECRET_KEY outside development")
    engine = engine_from_settings(settings, pool_size=POOL_SIZE)
    banner = demo_banner(settings, engine)  # refuses demo data under production
    _, help_contacts = prevention_config_for(settings)  # required in production
    startup_log.info("%s", help_contacts.describe())

    @asynccontextmanager
    async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
        claim = pin_to_own_cpu(settings.home / "run") if settings.pin_workers else None
        yield
        engine.dispose()
        if claim is not None:
            claim.release()

    app = FastAPI(
        title="NetSafe",
        version=__version__,
        description="The NetSafe platform: JSON API under /api/v1.",
        lifespan=lifespan,
        docs_url=None,  # Swagger UI from the package instead (web/api_docs.py), or none
        redoc_url=None,
    )
    app.state.settings = settings
    app.state.engine = engine
    app.state.sessions = make_session_factory(engine)
    app.state.templates = Jinja2Templates(directory=WEB / "templates")
    # Templates are read once per process; checking each file's time on every render (one stat
    # per template of a page) is for development, where they change under a running server.
    app.state.templates.env.auto_reload = settings.env == "development"
    install_template_filters(app.state.templates.env)
    app.state.templates.env.globals["demo_data_banner"] = banner
    app.state.summary_cache = SummaryCache(settings.dashboard_cache_seconds)
    on_referral_commits(app.state.sessions, app.state.summary_cache.clear)
    app.mount("/static", StaticFiles(directory=WEB / "static"), name="static")
    install_openapi(app)  # every error documented where it happens, in one shape
    if settings.api_docs_enabled:
        install_api_docs(app)  # /docs: Swagger UI served from the installed package
    install_platform(app)  # security middleware, error pages, template helpers
    app.add_middleware(ConcurrencyLimit)  # bounded requests in flight, the rest queue
    app.add_middleware(AnonymousRequestMiddleware)  # outermost: help-page requests leave no time
    # One line per area (web/<area>/: api.py, pages*.py, schemas.py as it needs), its routes
    # analysed once per process (web/area_routes.py), not once per app as `include_router` does.
    add_area(app, platform.router)  # sign-in, accounts, TOTP, the Admin page, the audit log
    add_area(app, health.router)
    add_area(app, home.router)
    # before operation: /api/v1/referrals/import and /unassigned are not referral ids
    add_area(app, intake.router)  # CyberTipline reports: import, the queue awaiting a force
    add_area(app, operation.router)  # referrals to outcomes: API, pages, public report page
    add_area(app, prevention.router)  # charity records (behind the wall), help, deterrence
    add_area(app, stats.router)  # figures: /api/v1/stats, the statistics page, CSV exports
    add_area(app, lookup.router)  # remote identification: POST /api/v1/lookup
    add_area(app, search.router)  # find: GET /api/v1/search, the search page /search
    return app
