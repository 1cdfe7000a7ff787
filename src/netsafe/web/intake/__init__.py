"""CyberTipline intake on the web: `POST /api/v1/referrals/import`, the regional unit's queue
and assigning (`api.py`), the Intake and queue pages (`pages.py`), deconfliction across
forces (`deconfliction.py`). `router` is all of them,
included by `create_app` in one line."""

from __future__ import annotations

from fastapi import APIRouter

from netsafe.web.intake import api, deconfliction, pages

router = APIRouter()
router.include_router(api.router)
router.include_router(pages.router)
router.include_router(deconfliction.router)
router.include_router(deconfliction.pages)
