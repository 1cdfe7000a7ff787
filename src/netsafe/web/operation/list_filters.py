"""The queue's and the exhibit list's filters as the API and the pages take them: days (UTC) for
the received range, ages in days for exhibits, hours for "due within"; each bad value is an
input error naming its parameter."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

from netsafe.operation.exhibit_list import ExhibitFilter, TriageState
from netsafe.operation.queue_filters import Breach, QueueFilter, parse_sources, parse_statuses
from netsafe.platform.access import OperationInputError

MAX_AGE_DAYS = 36_500
MAX_DUE_HOURS = 24 * 366


def day_start(day: date) -> datetime:
    return datetime.combine(day, time(), tzinfo=UTC)


@dataclass(frozen=True, slots=True)
class QueueQuery:
    """The queue's filter parameters, as given (lists may repeat a parameter)."""

    status: list[str]
    force: list[str]
    band: list[str]
    source: list[str]
    received_from: date | None = None
    received_to: date | None = None
    breached: Breach | None = None
    awaiting_only: bool = False
    due_within_hours: int | None = None

    def to_filter(self, now: datetime) -> QueueFilter:
        due_before = None
        if self.due_within_hours is not None:
            if not 0 < self.due_within_hours <= MAX_DUE_HOURS:
                raise OperationInputError("due_within_hours", f"1 to {MAX_DUE_HOURS}")
            due_before = now + timedelta(hours=self.due_within_hours)
        return QueueFilter(
            statuses=parse_statuses(self.status),
            forces=tuple(dict.fromkeys(self.force)),
            bands=tuple(dict.fromkeys(self.band)),
            sources=parse_sources(self.source),
            received_from=None if self.received_from is None else day_start(self.received_from),
            received_before=(
                None
                if self.received_to is None
                else day_start(self.received_to + timedelta(days=1))
            ),
            breached=self.breached,
            awaiting_only=self.awaiting_only,
            due_before=due_before,
        )


def exhibit_filter(
    *,
    triage: TriageState | None,
    force: list[str],
    min_age_days: int | None,
    max_age_days: int | None,
    now: datetime,
    held_by: str | None = None,
) -> ExhibitFilter:
    """Exhibits seized at least `min_age_days` and at most `max_age_days` days ago."""
    for name, value in (("min_age_days", min_age_days), ("max_age_days", max_age_days)):
        if value is not None and not 0 <= value <= MAX_AGE_DAYS:
            raise OperationInputError(name, f"0 to {MAX_AGE_DAYS}")
    return ExhibitFilter(
        triage=triage,
        forces=tuple(dict.fromkeys(force)),
        seized_before=None if min_age_days is None else now - timedelta(days=min_age_days),
        seized_after=None if max_age_days is None else now - timedelta(days=max_age_days),
        held_by=held_by,
    )


#: The highest page number a list page takes (far past any real page).
MAX_PAGE = 100_000


def page_number(raw: str) -> tuple[int, str | None]:
    """A list page's `page` from its address: the number, or page 1 and what was wrong (said on
    the page beside its form, not a bare 422: the address may have been edited by hand)."""
    if raw.isdigit() and 0 < int(raw) <= MAX_PAGE:
        return int(raw), None
    return 1, f"page: a whole number from 1 to {MAX_PAGE:,}, not {raw!r}"


def shown_value(raw: str | None, kind: str) -> str:
    """A filter's value as its input shows it again: a `date` or a `number` input takes only a
    well-formed one (a browser shows anything else empty and logs a warning); the refusal is said
    beside the form."""
    if not raw:
        return ""
    if kind == "number":
        return raw if raw.isdigit() else ""
    try:
        date.fromisoformat(raw)
    except ValueError:
        return ""
    return raw
