"""A match: one file's fingerprint found in a known-hash list."""

from __future__ import annotations

from dataclasses import dataclass

from netsafe.categories import Category


@dataclass(frozen=True)
class Match:
    """`entry_id` of list `list_name` matched on `signal` (a registered signal's name),
    `distance` apart (0 when exact); `scores` are what the signal adds (e.g. vPDQ's
    `query_match` and `compared_match`)."""

    list_name: str
    entry_id: int
    category: Category
    signal: str
    distance: int
    scores: tuple[tuple[str, float], ...] = ()

    @property
    def exact(self) -> bool:
        return self.distance == 0
