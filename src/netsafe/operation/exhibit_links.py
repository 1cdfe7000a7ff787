"""Exhibits and the warrant they were seized under: a new exhibit names the case's executed
warrant unless told otherwise (when the case has exactly one: with several, the officer
chooses), and a warrant lists the exhibits seized under it."""

from __future__ import annotations

from collections.abc import Iterable

from netsafe.operation.exhibits import Exhibit
from netsafe.operation.warrants import Warrant, WarrantStatus


def default_warrant_id(warrants: Iterable[Warrant]) -> int | None:
    """The case's one executed warrant, or None when it has none or several."""
    executed = [w.id for w in warrants if w.status is WarrantStatus.EXECUTED]
    return executed[0] if len(executed) == 1 else None


def seized_under(warrant: Warrant, exhibits: Iterable[Exhibit]) -> list[Exhibit]:
    """The exhibits (of the warrant's case) seized under `warrant`, in the order recorded."""
    return [
        e for e in exhibits if e.warrant_id == warrant.id and e.referral_id == warrant.referral_id
    ]
