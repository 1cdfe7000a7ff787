"""The public report form's rate limit: at most `limit` reports per client per fixed window,
counted in the database so every server process (and a restart) shares one count.

The client is stored only as an HMAC-SHA256 of its address keyed with NETSAFE_SECRET_KEY, never
the address in the clear; rows of past windows are deleted as new reports come.
"""

from __future__ import annotations

import hashlib
import hmac
import time
from collections.abc import Callable
from dataclasses import dataclass, field

from sqlalchemy.orm import Session

from netsafe.store.repositories.report_rate import count_report


def client_key(secret_key: str, address: str) -> str:
    """The stored key of a client address (not reversible without the secret key)."""
    key = hashlib.sha256(("netsafe.report-rate:" + secret_key).encode()).digest()
    return hmac.new(key, address.encode(), hashlib.sha256).hexdigest()


@dataclass(frozen=True)
class ReportRateLimit:
    """At most `limit` reports per client address in each `window_seconds` window."""

    limit: int
    window_seconds: int
    clock: Callable[[], float] = field(default=time.time)

    def allow(self, session: Session, secret_key: str, address: str) -> bool:
        """Count one report from `address` (in the caller's transaction); False when over."""
        window = int(self.clock() // self.window_seconds)
        return count_report(session, client_key(secret_key, address), window) <= self.limit
