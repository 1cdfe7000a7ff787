"""Every router of the operation domain (API and pages), included by `create_app` in one line."""

from __future__ import annotations

from fastapi import APIRouter

from netsafe.web.api import casework, referrals
from netsafe.web.operation import routes as pages

router = APIRouter()
router.include_router(referrals.router)
router.include_router(casework.router)
router.include_router(pages.router)
