"""The date rules of casework, in one place: every time written on a case record (arrest,
warrant, exhibit, custody step, safeguarding, outcome) goes through `check_case_time`.

A time is refused (an `OperationInputError` naming the field and the rule, answered 422) when it
is in the future (beyond `CLOCK_SKEW`), before the referral was received, or before the earlier
event it follows (a warrant's grant, the warrant an arrest or seizure names, the previous custody
step).
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from netsafe.operation.referrals import Referral, utc
from netsafe.platform.access import OperationInputError

#: How far ahead of the server's clock a time may be (a device clock running slightly fast).
CLOCK_SKEW = timedelta(minutes=5)


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
    now = now or datetime.now(UTC)
    if at > now + CLOCK_SKEW:
        raise OperationInputError(field, f"in the future (after {now:%Y-%m-%d %H:%M} UTC)")
    received = referral.received_at
    if at < received:
        raise OperationInputError(
            field, f"before the referral was received ({received:%Y-%m-%d %H:%M} UTC)"
        )
    if after is not None and at < after:
        raise OperationInputError(field, f"{after_rule} ({after:%Y-%m-%d %H:%M} UTC)")
    return at
