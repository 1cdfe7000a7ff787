"""The referral queue, filtered: by force, risk band, status, source, when received and whether
the deadline was breached, a page at a time with the number found in all. The dashboard's
counters are such filters too (`DashboardFilters`), so each links to the list it counts.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

from netsafe.operation.referrals import Referral, ReferralSource, ReferralStatus
from netsafe.operation.risk import RiskBand
from netsafe.platform.access import OperationInputError, Scope, require_area, scope_for
from netsafe.platform.roles import Viewer

PAGE_MAX = 500
#: The band of a referral not yet risk-assessed, as a filter value.
UNASSESSED = "unassessed"
OPEN_STATUSES = (ReferralStatus.NEW, ReferralStatus.ASSESSED, ReferralStatus.ACTIONED)


class Breach(enum.StrEnum):
    """The deadline filter: breached (answered late, or still awaited past it), or not."""

    YES = "yes"
    NO = "no"


@dataclass(frozen=True, slots=True)
class QueueFilter:
    """Which referrals to list; empty tuples and None mean any. By default the open ones."""

    statuses: tuple[ReferralStatus, ...] = OPEN_STATUSES
    forces: tuple[str, ...] = ()
    #: Risk bands (`RiskBand` values) and/or `unassessed`.
    bands: tuple[str, ...] = ()
    sources: tuple[ReferralSource, ...] = ()
    #: Received at or after this time.
    received_from: datetime | None = None
    #: Received before this time (a day's filter: the start of the next day).
    received_before: datetime | None = None
    breached: Breach | None = None
    #: No police response yet (the deadline clock still runs).
    awaiting_only: bool = False
    #: Awaiting, and due before this time (the dashboard's "due within 24 hours").
    due_before: datetime | None = None


@dataclass(frozen=True, slots=True)
class QueuePage:
    """A page of the filtered queue and how many referrals the filter finds in all."""

    referrals: list[Referral]
    total: int


class FilteredQueueRepository(Protocol):
    """The filtered queue, as storage reads it."""

    def filtered(
        self, scope: Scope, wanted: QueueFilter, now: datetime, *, limit: int, offset: int
    ) -> list[Referral]:
        """Referrals within `scope` matching `wanted`, earliest deadline first."""
        ...

    def count(self, scope: Scope, wanted: QueueFilter, now: datetime) -> int: ...


def _choices(values: tuple[str, ...], field: str, allowed: list[str]) -> None:
    for value in values:
        if value not in allowed:
            raise OperationInputError(
                field, f"unknown {field} {value!r}; one of {', '.join(allowed)}"
            )


def check_filter(wanted: QueueFilter) -> QueueFilter:
    """`wanted` with each value checked; an unknown one is an input error naming its field."""
    for force in wanted.forces:
        require_area(force)
    _choices(wanted.bands, "band", [b.value for b in RiskBand] + [UNASSESSED])
    if (
        wanted.received_from is not None
        and wanted.received_before is not None
        and wanted.received_from >= wanted.received_before
    ):
        raise OperationInputError("received_from", "after received_to")
    return wanted


def filtered_queue(
    queue: FilteredQueueRepository,
    viewer: Viewer,
    wanted: QueueFilter,
    now: datetime,
    *,
    limit: int = 50,
    offset: int = 0,
) -> QueuePage:
    """A page of the referrals the viewer may see that match `wanted`, with the total."""
    scope = scope_for(viewer)
    wanted = check_filter(wanted)
    limit = max(1, min(limit, PAGE_MAX))
    return QueuePage(
        queue.filtered(scope, wanted, now, limit=limit, offset=max(0, offset)),
        queue.count(scope, wanted, now),
    )


def parse_statuses(values: list[str]) -> tuple[ReferralStatus, ...]:
    """Status filter values: `open` (new, assessed, actioned), `all`, or statuses."""
    statuses: list[ReferralStatus] = []
    allowed = [s.value for s in ReferralStatus]
    for value in values:
        if value == "open":
            statuses.extend(OPEN_STATUSES)
        elif value == "all":
            statuses.extend(ReferralStatus)
        elif value in allowed:
            statuses.append(ReferralStatus(value))
        else:
            choices = ", ".join(["open", "all", *allowed])
            raise OperationInputError("status", f"unknown status {value!r}; one of {choices}")
    return tuple(dict.fromkeys(statuses)) or OPEN_STATUSES


def parse_sources(values: list[str]) -> tuple[ReferralSource, ...]:
    allowed = [s.value for s in ReferralSource]
    _choices(tuple(values), "source", allowed)
    return tuple(dict.fromkeys(ReferralSource(v) for v in values))
