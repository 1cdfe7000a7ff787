"""Installs the platform's security on the app: middleware, error pages, template helpers.

`create_app()` calls `install_platform(app)` once; every area's routes (the platform's too) are
included by one line each in `web/app.py`.
"""

from __future__ import annotations

from fastapi import FastAPI

from netsafe.platform.roles import Role
from netsafe.web.csrf import CSRF_FIELD, csrf_token
from netsafe.web.errors import install_error_pages
from netsafe.web.input_guard import InputGuard
from netsafe.web.middleware import PlatformMiddleware
from netsafe.web.navigation import may_visit, nav_links, writes_casework
from netsafe.web.platform.audit import AUDIT_READERS


def install_platform(app: FastAPI) -> None:
    """Security middleware, error pages and template helpers."""
    app.add_middleware(InputGuard)  # inside the platform middleware: its answers get the headers
    app.add_middleware(PlatformMiddleware)
    install_error_pages(app)
    env = app.state.templates.env
    env.globals["csrf_token"] = csrf_token
    env.globals["csrf_field"] = CSRF_FIELD
    env.globals["Role"] = Role
    env.globals["AUDIT_READERS"] = AUDIT_READERS
    env.globals["nav_links"] = nav_links
    env.globals["may_visit"] = may_visit
    env.globals["writes_casework"] = writes_casework
