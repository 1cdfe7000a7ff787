"""Rate limits of anonymous routes: at most `limit` calls per client per fixed window, counted in
the database so every server process (and a restart) shares one count.

The public report form (`report_pages.py`) and the prevention funnel's counters
(`prevention/public.py`) each have one. A client is stored only as an HMAC-SHA256 of its address
under a key made from NETSAFE_SECRET_KEY, the limit's name and the window's number — never the
address — and rows of past windows are deleted as new calls come, so even the key's holder can
test an address only against the current window's rows, never link a help-seeker across windows.
"""

from __future__ import annotations

import hashlib
import hmac
import time
from collections.abc import Callable
from dataclasses import dataclass, field

from sqlalchemy.orm import Session

from netsafe.store.repositories.report_rate import count_report

#: Every limit counts in fixed windows of this length (they share one table, which drops the
#: rows of windows before the current one).
WINDOW_SECONDS = 600


def client_key(secret_key: str, address: str, *, scope: str = "report", window: int = 0) -> str:
    """The stored key of a client address for limit `scope` in `window` (not reversible
    without the secret key, and different in every window)."""
    key = hashlib.sha256(f"netsafe.{scope}-rate:{window}:{secret_key}".encode()).digest()
    return hmac.new(key, address.encode(), hashlib.sha256).hexdigest()


@dataclass(frozen=True)
class ReportRateLimit:
    """At most `limit` calls from one client address in each `window_seconds` window, counted
    apart for each `scope` (the report form, the funnel)."""

    limit: int
    window_seconds: int = WINDOW_SECONDS
    clock: Callable[[], float] = field(default=time.time)
    scope: str = "report"

    def allow(self, session: Session, secret_key: str, address: str) -> bool:
        """Count one call from `address` (in the caller's transaction); False when over."""
        window = int(self.clock() // self.window_seconds)
        key = client_key(secret_key, address, scope=self.scope, window=window)
        return count_report(session, key, window) <= self.limit
