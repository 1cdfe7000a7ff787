"""The charity wall for accounts: which side each role and agency belongs to, and who may
administer whose account.

Charity roles (helpline, charity-analyst, charity-admin) belong only in a charity agency; every
other role (the police roles and the police-side `admin`) only in a police force or the regional
unit. A police `admin` creates, resets and disables police-side accounts only; a `charity-admin`
the charity's only; the server's operator may do either on the command line (audited). An
account whose role and agency disagree — made before these rules, or by editing the database —
is refused at login and on every request, and listed by `netsafe user list --problems`.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING

from netsafe.platform.agencies import OPERATION_AGENCIES, Agency, AgencyKind
from netsafe.platform.roles import Role

if TYPE_CHECKING:
    from netsafe.platform.users import User

#: The kinds of the operation's agencies, for the per-request check (no database read).
_KNOWN_KINDS: Mapping[str, AgencyKind] = {a.slug: a.kind for a in OPERATION_AGENCIES}


def side_name(role: Role) -> str:
    return "charity" if role.is_charity else "police"


def side_problem(role: Role, agency: str, kind: AgencyKind | None) -> str | None:
    """Why `role` does not belong in agency `agency` (of `kind`; None: unknown), or None."""
    if kind is None:
        return f"agency {agency!r} is not one of the operation's agencies"
    if role.is_charity and kind is not AgencyKind.CHARITY:
        return f"{role.value} is a charity role; {agency!r} is not the charity"
    if not role.is_charity and kind is AgencyKind.CHARITY:
        return f"{role.value} is a police-side role; it has no place in the charity ({agency!r})"
    return None


def known_side_problem(user: User) -> str | None:
    """`side_problem` for a user of one of the operation's agencies (no database read)."""
    return side_problem(user.role, user.agency, _KNOWN_KINDS.get(user.agency))


def administers(admin_role: Role, account_role: Role) -> bool:
    """Whether an account administrator of `admin_role` may manage an account of `account_role`."""
    if admin_role is Role.ADMIN:
        return not account_role.is_charity
    if admin_role is Role.CHARITY_ADMIN:
        return account_role.is_charity
    return False


@dataclass(frozen=True, slots=True)
class AccountProblem:
    """An account whose role does not belong to its agency."""

    username: str
    agency: str
    role: Role
    problem: str


def account_problems(users: Iterable[User], agencies: Iterable[Agency]) -> list[AccountProblem]:
    """Every account whose role and agency disagree."""
    kinds = {a.slug: a.kind for a in agencies}
    problems = []
    for user in users:
        problem = side_problem(user.role, user.agency, kinds.get(user.agency))
        if problem is not None:
            problems.append(AccountProblem(user.username, user.agency, user.role, problem))
    return problems
