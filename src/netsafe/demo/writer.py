"""Where the demo writes: many records at once (the store inserts each kind in one statement).

The demo builds the same dataclasses the operation, triage and prevention services build, and
hands them over in bulk; ids come back in the order given.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any, Protocol

from netsafe.operation.referrals import Referral
from netsafe.prevention.contacts import ContactDraft
from netsafe.prevention.counters import DailyCount
from netsafe.triage.result import Finding
from netsafe.triage.stored import TriageRun


class DemoWriter(Protocol):
    """Bulk writes for the demo, in the caller's transaction."""

    def add_referrals(self, referrals: Sequence[Referral]) -> list[int]:
        """Store referrals (with their incident identifiers and files); their new ids."""
        ...

    def add_records(self, records: Sequence[Any]) -> list[int]:
        """Store case records of one kind (`Subject`, `Warrant`, `Exhibit`, ...); their ids."""
        ...

    def add_triage_runs(self, runs: Sequence[tuple[TriageRun, Sequence[Finding]]]) -> None: ...

    def add_contacts(self, contacts: Sequence[ContactDraft]) -> None: ...

    def add_daily_counts(
        self, self_help: Sequence[DailyCount], funnel: Sequence[DailyCount]
    ) -> None: ...


class DemoLedger(Protocol):
    """Which demo data sets are already seeded."""

    def seeded(self, name: str) -> bool: ...

    def record(self, name: str, seed: int, seeded_at: datetime, added: dict[str, int]) -> None: ...
