"""Roles and who a request or command acts as (`Viewer`). Visibility rules build on these."""

from __future__ import annotations

import enum
from dataclasses import dataclass


class Role(enum.StrEnum):
    """What a user does in the operation (docs/ARCHITECTURE.md, Agencies and roles)."""

    INVESTIGATOR = "investigator"
    EXAMINER = "examiner"
    SUPERVISOR = "supervisor"
    ANALYST = "analyst"
    OPERATION_LEAD = "operation-lead"
    HELPLINE = "helpline"
    CHARITY_ANALYST = "charity-analyst"
    #: Manages the charity's accounts (and only theirs); sees no records.
    CHARITY_ADMIN = "charity-admin"
    #: Manages the police side's accounts (never the charity's).
    ADMIN = "admin"

    @property
    def is_charity(self) -> bool:
        """Charity roles see prevention records and, of police records, aggregates only."""
        return self in CHARITY_ROLES

    @property
    def sees_all_forces(self) -> bool:
        """`operation-lead` and `analyst` see every force's records; others their own force's."""
        return self in (Role.OPERATION_LEAD, Role.ANALYST)


CHARITY_ROLES = frozenset({Role.HELPLINE, Role.CHARITY_ANALYST, Role.CHARITY_ADMIN})
POLICE_ROLES = frozenset(set(Role) - CHARITY_ROLES - {Role.ADMIN})
#: Police roles that read casework but write none: the analyst counts and evaluates (statistics,
#: exports, charts) over every force's records; investigators, examiners, supervisors and the
#: operation lead record and correct the cases.
READ_ONLY_POLICE_ROLES = frozenset({Role.ANALYST})
CASEWORK_WRITERS = POLICE_ROLES - READ_ONLY_POLICE_ROLES
#: The roles that administer accounts: each only the accounts of its own side of the wall.
ACCOUNT_ADMIN_ROLES = (Role.ADMIN, Role.CHARITY_ADMIN)


@dataclass(frozen=True, slots=True)
class Viewer:
    """The user a service call acts for: who they are, their agency (slug) and role."""

    user_id: int
    username: str
    agency: str
    role: Role

    @property
    def is_charity(self) -> bool:
        return self.role.is_charity

    def may_see_force(self, force: str) -> bool:
        """Whether this viewer may see police records of `force` (an agency slug)."""
        if self.role.is_charity:
            return False
        return self.role.sees_all_forces or self.agency == force
