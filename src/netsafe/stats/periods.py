"""Periods in UK local dates: what "March 2017" or "1 Nov 2016 to 31 Oct 2017" means in UTC.

The operation counts by the calendar in Wales (Europe/London). A period is a range of local dates,
both ends included; it becomes a half-open UTC window `[start, end)` from local midnight of its
first day to local midnight after its last day, so a record at 00:30 on 26 March 2017 (the night
the clocks go forward) counts on the 26th, and every instant belongs to exactly one day.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

UK = ZoneInfo("Europe/London")


class StatsInputError(ValueError):
    """A statistics request that can't be answered as asked (the message names the field)."""


class PeriodError(StatsInputError):
    """A period that can't be (end before start, a date that isn't one)."""


@dataclass(frozen=True, slots=True)
class UtcWindow:
    """A half-open window of instants `[start, end)`, both aware UTC times."""

    start: datetime
    end: datetime

    def contains(self, moment: datetime) -> bool:
        return self.start <= moment.astimezone(UTC) < self.end


def local_midnight(day: date) -> datetime:
    """The instant (UTC) when `day` begins in the UK."""
    return datetime.combine(day, time(0), tzinfo=UK).astimezone(UTC)


def uk_date(moment: datetime) -> date:
    """The UK calendar date of an aware instant."""
    if moment.tzinfo is None:
        raise PeriodError("a time without a time zone can't be placed on a UK date")
    return moment.astimezone(UK).date()


def add_months(day: date, months: int) -> date:
    """`day` moved by whole months, clamped to the month's last day (31 Jan + 1 → 28/29 Feb)."""
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    month += 1
    last = (date(year + month // 12, month % 12 + 1, 1) - timedelta(days=1)).day
    return date(year, month, min(day.day, last))


@dataclass(frozen=True, slots=True)
class Period:
    """UK local dates `first` to `last`, both included."""

    first: date
    last: date

    def __post_init__(self) -> None:
        if self.last < self.first:
            raise PeriodError(f"the period ends ({self.last}) before it starts ({self.first})")

    @classmethod
    def months_from(cls, first: date, months: int) -> Period:
        """`months` whole months starting on `first` (1 Nov 2016, 12 → to 31 Oct 2017)."""
        return cls(first, add_months(first, months) - timedelta(days=1))

    @property
    def days(self) -> int:
        return (self.last - self.first).days + 1

    @property
    def window(self) -> UtcWindow:
        """The UTC instants of this period."""
        return UtcWindow(local_midnight(self.first), local_midnight(self.last + timedelta(days=1)))

    def previous(self) -> Period:
        """The period of the same length just before this one. A period of whole calendar months
        steps back by as many months (Nov-Oct → the Nov-Oct before); any other by days."""
        months = self.whole_months()
        if months is not None:
            return Period.months_from(add_months(self.first, -months), months)
        return Period(self.first - timedelta(days=self.days), self.first - timedelta(days=1))

    def whole_months(self) -> int | None:
        """How many calendar months the period spans when it starts on a 1st and ends on a month's
        last day; None otherwise."""
        if self.first.day != 1 or (self.last + timedelta(days=1)).day != 1:
            return None
        end = self.last + timedelta(days=1)
        return (end.year - self.first.year) * 12 + end.month - self.first.month

    def months(self) -> Iterator[Period]:
        """The calendar months the period touches, each cut to the period (for monthly series)."""
        start = self.first
        while start <= self.last:
            next_month = add_months(start.replace(day=1), 1)
            yield Period(start, min(self.last, next_month - timedelta(days=1)))
            start = next_month

    def label(self) -> str:
        return f"{self.first.isoformat()} to {self.last.isoformat()}"


def month_label(period: Period) -> str:
    """`2017-03` for a period inside March 2017."""
    return f"{period.first.year:04d}-{period.first.month:02d}"


def parse_date(text: str, field: str) -> date:
    """An ISO date (`2017-03-26`), or a `PeriodError` naming the field."""
    try:
        return date.fromisoformat(text.strip())
    except ValueError:
        raise PeriodError(f"{field}: not a date (YYYY-MM-DD): {text!r}") from None


def default_period(latest: date) -> Period:
    """Twelve months up to and including `latest` (the day of the latest record, or today)."""
    return Period(add_months(latest, -12) + timedelta(days=1), latest)
