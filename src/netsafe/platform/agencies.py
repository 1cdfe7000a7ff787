"""Agencies of the operation and the service that makes sure they exist."""

from __future__ import annotations

import enum
from dataclasses import dataclass
from typing import Protocol


class AgencyKind(enum.StrEnum):
    """What kind of body an agency is."""

    POLICE_FORCE = "police-force"
    REGIONAL_UNIT = "regional-unit"
    CHARITY = "charity"


@dataclass(frozen=True, slots=True)
class Agency:
    """An agency: a force, the regional unit or the charity."""

    slug: str
    name: str
    kind: AgencyKind


#: The agencies of Operation NetSafe; the four force slugs are the force areas used everywhere.
OPERATION_AGENCIES: tuple[Agency, ...] = (
    Agency("south-wales", "South Wales Police", AgencyKind.POLICE_FORCE),
    Agency("gwent", "Gwent Police", AgencyKind.POLICE_FORCE),
    Agency("dyfed-powys", "Dyfed-Powys Police", AgencyKind.POLICE_FORCE),
    Agency("north-wales", "North Wales Police", AgencyKind.POLICE_FORCE),
    Agency("regional-unit", "Regional Organised Crime Unit", AgencyKind.REGIONAL_UNIT),
    Agency("charity", "Prevention charity (Stop It Now helpline)", AgencyKind.CHARITY),
)

FORCE_SLUGS: tuple[str, ...] = tuple(
    a.slug for a in OPERATION_AGENCIES if a.kind is AgencyKind.POLICE_FORCE
)


class AgencyRepository(Protocol):
    """Where agencies are kept."""

    def get(self, slug: str) -> Agency | None: ...

    def all(self) -> list[Agency]: ...

    def add(self, agency: Agency) -> None: ...


def ensure_agencies(repository: AgencyRepository) -> list[Agency]:
    """Add any of the operation's agencies that are missing; return the ones added."""
    added = [a for a in OPERATION_AGENCIES if repository.get(a.slug) is None]
    for agency in added:
        repository.add(agency)
    return added
