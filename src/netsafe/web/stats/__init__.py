"""Statistics on the web: `GET /api/v1/stats` and the dashboard's statistics page with CSV
exports. `router` holds both (one `include_router` line in `web/app.py`)."""

from __future__ import annotations

from fastapi import APIRouter

from netsafe.web.stats import api, pages

router = APIRouter()
router.include_router(api.router)
router.include_router(pages.router)

__all__ = ["router"]
