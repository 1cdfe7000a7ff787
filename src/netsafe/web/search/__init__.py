"""Find, on the web: `GET /api/v1/search` and the search page `/search` (the search box of every
police page's header submits to it). `router` holds both (one `include_router` line in
`web/app.py`)."""

from __future__ import annotations

from fastapi import APIRouter

from netsafe.web.search import api, pages

router = APIRouter()
router.include_router(api.router)
router.include_router(pages.router)

__all__ = ["router"]
