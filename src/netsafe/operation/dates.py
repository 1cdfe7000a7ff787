"""The date rules of casework, in one place: every time written on a case record (arrest,
warrant, exhibit, custody step, safeguarding, outcome) goes through `check_case_time`; a time
at which something reported was seen (a hand-typed IP address's `seen_at`) through
`check_seen_time`.

A time is refused (an `OperationInputError` naming the field and the rule, answered 422) when it
has no time zone, is in the future (beyond `CLOCK_SKEW`), before the referral was received, or
before the earlier event it follows (a warrant's grant, the warrant an arrest or seizure names,
the previous custody step). A time something reported was seen may be before the referral was
received (what is reported happened first), never in the future.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING

from netsafe.platform.access import OperationInputError

if TYPE_CHECKING:  # the referrals module checks its own times here
    from netsafe.operation.referrals import Referral

#: How far ahead of the server's clock a time may be (a device clock running slightly fast).
CLOCK_SKEW = timedelta(minutes=5)


def utc(value: datetime, field_name: str = "time") -> datetime:
    """`value` as an aware UTC time; a naive time is refused (ambiguous)."""
    if value.tzinfo is None:
        raise OperationInputError(field_name, "give a time zone (e.g. 2026-11-23T09:00:00Z)")
    return value.astimezone(UTC)


def _not_in_future(at: datetime, field: str, now: datetime | None) -> None:
    now = now or datetime.now(UTC)
    if at > now + CLOCK_SKEW:
        raise OperationInputError(field, f"in the future (after {now:%Y-%m-%d %H:%M} UTC)")


def check_seen_time(value: datetime, field: str, *, now: datetime | None = None) -> datetime:
    """When something reported was seen (an IP address's capture time), as UTC: it needs a
    time zone and is not in the future; it may be before the referral was received."""
    at = utc(value, field)
    _not_in_future(at, field, now)
    return at


def check_case_time(
    value: datetime,
    field: str,
    referral: Referral,
    *,
    after: datetime | None = None,
    after_rule: str = "",
    now: datetime | None = None,
) -> datetime:
    """`value` as UTC, when it is not in the future, not before `referral` was received and not
    before `after` (described by `after_rule`, e.g. "before the warrant was granted")."""
    at = utc(value, field)
    _not_in_future(at, field, now)
    received = referral.received_at
    if at < received:
        raise OperationInputError(
            field, f"before the referral was received ({received:%Y-%m-%d %H:%M} UTC)"
        )
    if after is not None and at < after:
        raise OperationInputError(field, f"{after_rule} ({after:%Y-%m-%d %H:%M} UTC)")
    return at
