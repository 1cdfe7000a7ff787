"""Demo accounts: one user per role and agency, all with the documented demo password.

For trying NetSafe on a laptop only (`netsafe demo`, `make run`); refused in production.
Usernames are `{role}.{agency}`, e.g. `investigator.gwent`, `operation-lead.regional-unit`.
"""

from __future__ import annotations

from datetime import datetime

from netsafe.platform.agencies import FORCE_SLUGS
from netsafe.platform.roles import Role
from netsafe.platform.users import AgencyLookup, User, UserRepository, create_user

#: Documented in README.md (the demo logins) as demo-only. Never use it for a real account.
DEMO_PASSWORD = "netsafe-demo-only"  # noqa: S105 - the documented demo password

FORCE_ROLES = (Role.INVESTIGATOR, Role.EXAMINER, Role.SUPERVISOR)
#: (role, agency) of every demo account.
DEMO_ACCOUNTS: tuple[tuple[Role, str], ...] = (
    *((role, force) for force in FORCE_SLUGS for role in FORCE_ROLES),
    (Role.OPERATION_LEAD, "regional-unit"),
    (Role.ANALYST, "regional-unit"),
    (Role.ADMIN, "regional-unit"),
    (Role.HELPLINE, "charity"),
    (Role.CHARITY_ANALYST, "charity"),
    (Role.CHARITY_ADMIN, "charity"),
)


class DemoRefusedError(Exception):
    """Demo accounts are never created when NETSAFE_ENV=production."""


def demo_username(role: Role, agency: str) -> str:
    return f"{role.value}.{agency}"


#: Every demo account's username: none of them may log in when NETSAFE_ENV=production.
DEMO_USERNAMES = frozenset(demo_username(role, agency) for role, agency in DEMO_ACCOUNTS)


def is_demo_login(username: str, password: str) -> bool:
    """A demo account, or any account still on the published demo password."""
    return username in DEMO_USERNAMES or password == DEMO_PASSWORD


def ensure_demo_users(
    users: UserRepository, agencies: AgencyLookup, *, environment: str, now: datetime
) -> list[User]:
    """Create the demo accounts that are missing; return the ones created."""
    if environment == "production":
        raise DemoRefusedError("demo users are not created when NETSAFE_ENV=production")
    created = []
    for role, agency in DEMO_ACCOUNTS:
        username = demo_username(role, agency)
        if users.by_username(username) is None:
            created.append(
                create_user(
                    users,
                    agencies,
                    username=username,
                    agency=agency,
                    role=role,
                    password=DEMO_PASSWORD,
                    now=now,
                )
            )
    return created
