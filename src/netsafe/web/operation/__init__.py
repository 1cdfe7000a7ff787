"""Casework on the web: the JSON API (`api_referrals.py`, `api_casework.py`, `api_records.py`
for corrections, withdrawals and reopening, `schemas.py`), the pages (`pages_*.py`, `forms.py`)
and the public "report a concern" page (`public.py`).

`router` is all of them, included by `create_app` in one line.
"""

from __future__ import annotations

from fastapi import APIRouter

from netsafe.web.operation import (
    api_actions,
    api_casework,
    api_lists,
    api_records,
    api_referrals,
    pages_case,
    pages_exhibit_list,
    pages_history,
    pages_incident,
    pages_mywork,
    pages_queue,
    pages_records,
    public,
)

router = APIRouter()
# The filtered lists first: they answer GET /api/v1/referrals and /api/v1/exhibits.
router.include_router(api_lists.router)
router.include_router(api_actions.router)
router.include_router(api_referrals.router)
router.include_router(api_casework.router)
router.include_router(api_records.router)
router.include_router(pages_queue.router)
router.include_router(pages_mywork.router)
router.include_router(pages_exhibit_list.router)
router.include_router(pages_case.router)
router.include_router(pages_incident.router)
router.include_router(pages_records.router)
router.include_router(pages_history.router)
router.include_router(public.router)
