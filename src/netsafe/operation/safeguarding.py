"""Safeguarding records: children identified, children safeguarded, and whether they were
referred to children's services. Counts only: no child is named in NetSafe."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Annotated

from annotated_types import Ge, Le, MaxLen

from netsafe.operation.dates import check_case_time
from netsafe.operation.referrals import get_referral
from netsafe.platform.access import OperationInputError
from netsafe.platform.roles import Viewer

if TYPE_CHECKING:
    from netsafe.operation.casefile import CaseRepositories

#: Far above any real case, far below any column's range (the same answer on every database).
MAX_CHILDREN = 100_000
Children = Annotated[int, Ge(0), Le(MAX_CHILDREN)]


@dataclass(frozen=True, slots=True)
class SafeguardingRecord:
    """What was done to safeguard children on a referral."""

    id: int
    referral_id: int
    recorded_at: datetime
    recorded_by: str
    children_identified: int
    children_safeguarded: int
    referred_to_childrens_services: bool
    local_authority: str = ""
    notes: str = ""
    withdrawn_at: datetime | None = None


def record_safeguarding(
    repos: CaseRepositories,
    viewer: Viewer,
    referral_id: int,
    *,
    children_identified: Children,
    children_safeguarded: Children,
    referred_to_childrens_services: bool,
    local_authority: Annotated[str, MaxLen(200)] = "",
    notes: Annotated[str, MaxLen(4000)] = "",
    recorded_at: datetime | None = None,
) -> SafeguardingRecord:
    """Record safeguarding on a referral the viewer may see; safeguarded ≤ identified. The
    record-kinds table's `add` for safeguarding: its keyword arguments are the input model of
    the API and the case page's form."""
    referral = get_referral(repos.referrals, viewer, referral_id)
    if children_identified < 0:
        raise OperationInputError("children_identified", "must not be negative")
    if not 0 <= children_safeguarded <= children_identified:
        raise OperationInputError(
            "children_safeguarded", "between 0 and the number of children identified"
        )
    if referred_to_childrens_services and not local_authority.strip():
        raise OperationInputError("local_authority", "name the children's services referred to")
    return repos.safeguarding.add(
        SafeguardingRecord(
            id=0,
            referral_id=referral.id,
            recorded_at=check_case_time(recorded_at or datetime.now(UTC), "recorded_at", referral),
            recorded_by=viewer.username,
            children_identified=children_identified,
            children_safeguarded=children_safeguarded,
            referred_to_childrens_services=referred_to_childrens_services,
            local_authority=local_authority.strip(),
            notes=notes.strip(),
        )
    )
