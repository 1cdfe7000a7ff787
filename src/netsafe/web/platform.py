"""Installs the platform's security on the app: middleware, error pages, auth routes, pages.

`create_app()` calls `install_platform(app)` once; areas add their own routers in `web/app.py`.
"""

from __future__ import annotations

from fastapi import FastAPI

from netsafe.platform.roles import Role
from netsafe.web import (
    account_pages,
    admin_pages,
    audit_routes,
    auth_api,
    login_pages,
    lookup_api,
    report_pages,
)
from netsafe.web.audit_routes import AUDIT_READERS
from netsafe.web.csrf import CSRF_FIELD, csrf_token
from netsafe.web.errors import install_error_pages
from netsafe.web.input_guard import InputGuard
from netsafe.web.middleware import PlatformMiddleware
from netsafe.web.navigation import nav_links


def install_platform(app: FastAPI) -> None:
    """Security middleware, error pages, template helpers and the platform's routers."""
    app.add_middleware(InputGuard)  # inside the platform middleware: its answers get the headers
    app.add_middleware(PlatformMiddleware)
    install_error_pages(app)
    env = app.state.templates.env
    env.globals["csrf_token"] = csrf_token
    env.globals["csrf_field"] = CSRF_FIELD
    env.globals["Role"] = Role
    env.globals["AUDIT_READERS"] = AUDIT_READERS
    env.globals["nav_links"] = nav_links
    app.include_router(auth_api.router)
    app.include_router(login_pages.router)
    app.include_router(audit_routes.router)
    app.include_router(admin_pages.router)
    app.include_router(account_pages.router)
    app.include_router(report_pages.router)
    app.include_router(lookup_api.router)
