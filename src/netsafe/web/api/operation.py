"""Every router of the operation domain (API and pages), included by `create_app` in one line."""

from __future__ import annotations

from fastapi import APIRouter

from netsafe.web.api import casework, referrals

router = APIRouter()
router.include_router(referrals.router)
router.include_router(casework.router)
