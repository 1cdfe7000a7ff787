"""A small per-client rate limiter (sliding window, in memory, per server process)."""

from __future__ import annotations

import threading
import time
from collections import deque
from collections.abc import Callable


class RateLimiter:
    """At most `limit` events per `window` seconds per key. Thread-safe."""

    def __init__(
        self, limit: int, window: float, clock: Callable[[], float] = time.monotonic
    ) -> None:
        self.limit = limit
        self.window = window
        self._clock = clock
        self._events: dict[str, deque[float]] = {}
        self._lock = threading.Lock()

    def allow(self, key: str) -> bool:
        """Count one event for `key`; False (and not counted) when over the limit."""
        now = self._clock()
        with self._lock:
            if len(self._events) > 10_000:
                self._forget_before(now - self.window)
            events = self._events.setdefault(key, deque())
            while events and events[0] <= now - self.window:
                events.popleft()
            if len(events) >= self.limit:
                return False
            events.append(now)
            return True

    def _forget_before(self, cutoff: float) -> None:
        for key in [k for k, v in self._events.items() if not v or v[-1] <= cutoff]:
            del self._events[key]
