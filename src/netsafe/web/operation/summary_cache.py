"""The dashboard's counts, kept per scope for a few seconds (`NETSAFE_DASHBOARD_CACHE_SECONDS`).

The counts (open, awaiting a response, breaches, due within 24 hours, by band and by force) read
every open referral the viewer may see and every one answered late: tens of thousands of index
entries at 100,000 referrals, 5–30 ms of database time, too much to repeat for every page view
of a busy dashboard. They are kept per `Scope` (the forces, and the user, since a case restricted
to named users counts only for them) for at most the configured seconds:

- a referral written through this server process clears them all when its transaction commits
  (`store.referral_events.on_referral_commits`, wired in `create_app`), so whoever made a change
  sees it counted at once when this process serves them;
- a change made through another process shows within the configured seconds;
- only counts are kept: the lists of referrals (the dashboard's "due next", the queue) are read
  afresh, with the access check, on every request.

`0` turns the cache off (every view counts afresh).
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable

from netsafe.operation.referrals import QueueSummary
from netsafe.platform.access import Scope

#: More distinct scopes than this (users) and the oldest entries are dropped.
MAX_ENTRIES = 4096


class SummaryCache:
    """Counts per scope, each for at most `seconds`; `clear()` drops them all."""

    def __init__(self, seconds: float, clock: Callable[[], float] = time.monotonic) -> None:
        self.seconds = seconds
        self._clock = clock
        self._entries: dict[Scope, tuple[float, QueueSummary]] = {}
        self._counting: set[Scope] = set()
        self._generation = 0
        self._lock = threading.Lock()

    def get(self, scope: Scope, count: Callable[[], QueueSummary]) -> QueueSummary:
        """The scope's counts if fresh, else `count()` (kept for next time). While one request
        counts a scope afresh, others asking for it meanwhile get the counts it replaces (at
        most one count per scope at a time, not one per waiting request)."""
        if self.seconds <= 0:
            return count()
        now = self._clock()
        with self._lock:
            entry = self._entries.get(scope)
            if entry is not None and (now - entry[0] < self.seconds or scope in self._counting):
                return entry[1]
            self._counting.add(scope)
            generation = self._generation
        try:
            summary = count()
        finally:
            with self._lock:
                self._counting.discard(scope)
        with self._lock:
            if generation == self._generation:
                if len(self._entries) >= MAX_ENTRIES:
                    self._entries.clear()
                self._entries[scope] = (now, summary)
        return summary

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()
            self._generation += 1  # counts under way began before this write: not kept
