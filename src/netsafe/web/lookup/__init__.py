"""Remote identification on the web: `POST /api/v1/lookup` (`api.py`), included by `create_app`
in one line."""

from __future__ import annotations

from netsafe.web.lookup.api import router

__all__ = ["router"]
