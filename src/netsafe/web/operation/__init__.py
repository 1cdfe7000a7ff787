"""Casework on the web: the JSON API (`api_referrals.py`, `api_casework.py`, `schemas.py`), the
pages (`pages_*.py`, `forms.py`) and the public "report a concern" page (`public.py`).

`router` is all of them, included by `create_app` in one line.
"""

from __future__ import annotations

from fastapi import APIRouter

from netsafe.web.operation import (
    api_casework,
    api_referrals,
    pages_case,
    pages_incident,
    pages_queue,
    pages_records,
    public,
)

router = APIRouter()
router.include_router(api_referrals.router)
router.include_router(api_casework.router)
router.include_router(pages_queue.router)
router.include_router(pages_case.router)
router.include_router(pages_incident.router)
router.include_router(pages_records.router)
router.include_router(public.router)
