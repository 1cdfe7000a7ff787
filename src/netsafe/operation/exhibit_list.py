"""The exhibit list examiners work from: exhibits awaiting triage, triaged, or with matches, by
force and by age (oldest seizure first), a page at a time, within the viewer's visibility.

An exhibit's triage runs are found as on its own page: by its reference, and — when two forces
use the same reference — only the runs naming its case (`netsafe triage --case`). Its holder is
whoever received it last in the chain of custody (the officer who seized it, before any
hand-over): an examiner's "awaiting my examination" is the untriaged exhibits they hold.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

from netsafe.operation.exhibits import Exhibit
from netsafe.platform.access import OperationInputError, Scope, require_area, scope_for
from netsafe.platform.roles import Viewer

PAGE_MAX = 500


class TriageState(enum.StrEnum):
    """How far an exhibit's examination has gone."""

    AWAITING = "awaiting-triage"
    TRIAGED = "triaged"
    #: Triaged, with at least one file matching a hash list (a subset of `triaged`).
    MATCHES = "with-matches"

    @property
    def label(self) -> str:
        return self.value.replace("-", " ").capitalize()


@dataclass(frozen=True, slots=True)
class ExhibitFilter:
    """Which exhibits to list (every field optional: None or empty means any)."""

    triage: TriageState | None = None
    forces: tuple[str, ...] = ()
    #: Seized at or before this time (older than an age).
    seized_before: datetime | None = None
    #: Seized at or after this time (younger than an age).
    seized_after: datetime | None = None
    #: Held now by this user (the last hand-over's recipient, else the seizing officer).
    held_by: str | None = None


@dataclass(frozen=True, slots=True)
class ExhibitLine:
    """An exhibit as the list shows it: its case, force, holder and triage so far."""

    exhibit: Exhibit
    force: str
    case_reference: str
    holder: str
    runs: int
    #: The most files matched by any one of its runs.
    files_matched: int
    last_triaged_at: datetime | None

    @property
    def triage_state(self) -> TriageState:
        if not self.runs:
            return TriageState.AWAITING
        return TriageState.MATCHES if self.files_matched else TriageState.TRIAGED


@dataclass(frozen=True, slots=True)
class ExhibitPage:
    """A page of the list and how many exhibits the filter finds in all."""

    lines: list[ExhibitLine]
    total: int


class ExhibitListRepository(Protocol):
    """The exhibit list, as storage reads it."""

    def listed(
        self, scope: Scope, wanted: ExhibitFilter, *, limit: int, offset: int
    ) -> list[ExhibitLine]:
        """Exhibits of referrals within `scope` matching `wanted`, oldest seizure first."""
        ...

    def count(self, scope: Scope, wanted: ExhibitFilter) -> int: ...


def check_filter(wanted: ExhibitFilter) -> ExhibitFilter:
    """`wanted` with its forces checked (an unknown force is an input error on `force`)."""
    for force in wanted.forces:
        require_area(force)
    if (
        wanted.seized_before is not None
        and wanted.seized_after is not None
        and wanted.seized_after > wanted.seized_before
    ):
        raise OperationInputError("max_age_days", "less than min_age_days")
    return wanted


def exhibit_list(
    exhibits: ExhibitListRepository,
    viewer: Viewer,
    wanted: ExhibitFilter,
    *,
    limit: int = 50,
    offset: int = 0,
) -> ExhibitPage:
    """A page of the exhibits the viewer may see that match `wanted`, with the total."""
    scope = scope_for(viewer)
    wanted = check_filter(wanted)
    limit = max(1, min(limit, PAGE_MAX))
    lines = exhibits.listed(scope, wanted, limit=limit, offset=max(0, offset))
    return ExhibitPage(lines, exhibits.count(scope, wanted))
