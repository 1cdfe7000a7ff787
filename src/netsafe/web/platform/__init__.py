"""The platform on the web: sign-in (token API, login pages), accounts and TOTP, the Admin page
and the audit log (API and page). `install_platform` (`install.py`) puts the security middleware,
error pages and template helpers on the app; `router` is every platform route, included by
`create_app` in one line.
"""

from __future__ import annotations

from fastapi import APIRouter

from netsafe.web.platform import api, audit, pages_account, pages_admin, pages_login
from netsafe.web.platform.install import install_platform

router = APIRouter()
router.include_router(api.router)
router.include_router(pages_login.router)
router.include_router(audit.router)
router.include_router(pages_admin.router)
router.include_router(pages_account.router)

__all__ = ["install_platform", "router"]
