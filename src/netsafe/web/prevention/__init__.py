"""Prevention on the web: the charity's API and pages (behind the wall) and the public,
anonymous routes (self-help counters, deterrence check, funnel, help page).

`router` is everything, included by `create_app` in one line; its lifespan keeps client addresses
out of the access log for these paths (`web/anonymous_requests.py`).
"""

from __future__ import annotations

from fastapi import APIRouter

from netsafe.web.anonymous_requests import prevention_lifespan
from netsafe.web.prevention import api, pages, public

router = APIRouter(lifespan=prevention_lifespan)
router.include_router(api.router)
router.include_router(pages.router)
router.include_router(public.router)
