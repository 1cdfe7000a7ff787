"""Times as NetSafe keeps them: timezone-aware UTC."""

from __future__ import annotations

from datetime import UTC, datetime


def as_utc(moment: datetime) -> datetime:
    """`moment` as an aware UTC time. A naive time is taken to be UTC already: that is how NetSafe
    stores times, and how SQLite hands them back."""
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


def to_the_second(moment: datetime) -> str:
    """`moment` in UTC to the second, with its zone: `2026-12-03 13:29:59 UTC` (how reports
    give times)."""
    return as_utc(moment).strftime("%Y-%m-%d %H:%M:%S UTC")
