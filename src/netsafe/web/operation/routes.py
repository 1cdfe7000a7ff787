"""Every page router of the operation."""

from __future__ import annotations

from fastapi import APIRouter

from netsafe.web.operation import pages_case, pages_incident, pages_queue, pages_records

router = APIRouter()
router.include_router(pages_queue.router)
router.include_router(pages_case.router)
router.include_router(pages_incident.router)
router.include_router(pages_records.router)
