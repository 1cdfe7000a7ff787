"""Seeded random draws for the demo generator: one `Draws` per data set, so the same seed always
makes the same operation. Times are drawn in UK local working hours and stored in UTC."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, date, datetime, time, timedelta

import numpy as np

from netsafe.stats.periods import UK


class Draws:
    """Random draws from one seeded generator (numpy PCG64)."""

    def __init__(self, seed: int) -> None:
        self._rng = np.random.default_rng(seed)

    def count(self, mean: float) -> int:
        """A Poisson count with this mean."""
        return int(self._rng.poisson(mean))

    def chance(self, probability: float) -> bool:
        return bool(self._rng.random() < probability)

    def pick(self, weights: Mapping[str, float]) -> str:
        """A key of `weights`, drawn in proportion to its weight."""
        keys = list(weights)
        p = np.array([weights[k] for k in keys], dtype=float)
        return keys[int(self._rng.choice(len(keys), p=p / p.sum()))]

    def uniform(self, low: float, high: float) -> float:
        return float(self._rng.uniform(low, high))

    def integer(self, low: int, high: int) -> int:
        """An integer in `[low, high]`."""
        return int(self._rng.integers(low, high + 1))

    def token(self, digits: int = 40) -> str:
        """Hex digits (for synthetic hashes of generated, benign byte strings)."""
        return bytes(self._rng.integers(0, 256, size=(digits + 1) // 2, dtype=np.uint8)).hex()[
            :digits
        ]

    def moment(self, day: date, first_hour: int = 7, last_hour: int = 20) -> datetime:
        """A UK local time on `day` between the hours given, as UTC."""
        minutes = self.integer(first_hour * 60, last_hour * 60 - 1)
        local = datetime.combine(day, time(minutes // 60, minutes % 60), tzinfo=UK)
        return local.astimezone(UTC)

    def later(self, start: datetime, low_days: float, high_days: float) -> datetime:
        """A moment between `low_days` and `high_days` after `start` (to the minute)."""
        delta = timedelta(days=self.uniform(low_days, high_days))
        return (start + delta).replace(second=0, microsecond=0)


def days(first: date, last: date) -> list[date]:
    """Every date from `first` to `last`, both included."""
    return [first + timedelta(days=n) for n in range((last - first).days + 1)]
