"""A match: one file's fingerprint found in a known-hash list."""

from __future__ import annotations

from dataclasses import dataclass

from netsafe.categories import Category

#: The signals a match can be on.
SIGNALS: tuple[str, ...] = ("md5", "sha1", "sha256", "pdq")


@dataclass(frozen=True)
class Match:
    """`entry_id` of list `list_name` matched on `signal`, `distance` bits apart (0 when exact)."""

    list_name: str
    entry_id: int
    category: Category
    signal: str
    distance: int

    @property
    def exact(self) -> bool:
        return self.distance == 0
