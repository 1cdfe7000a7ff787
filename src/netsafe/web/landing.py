"""Where a user lands after logging in without a page to go back to: the page of their day's
work, never the home page's list of agencies. Police roles land on "My work" (their cases,
actions and exhibits); the helpline on its contacts (with quick entry a click away); the
charity's analyst on the prevention dashboard; account administrators on the Admin page."""

from __future__ import annotations

from netsafe.platform.roles import POLICE_ROLES, Role

MY_WORK = "/operation/my-work"
HELPLINE_CONTACTS = "/prevention/contacts"
PREVENTION_DASHBOARD = "/prevention"
ADMIN = "/admin"

_LANDING: dict[Role, str] = {
    **dict.fromkeys(POLICE_ROLES, MY_WORK),
    Role.HELPLINE: HELPLINE_CONTACTS,
    Role.CHARITY_ANALYST: PREVENTION_DASHBOARD,
    Role.ADMIN: ADMIN,
    Role.CHARITY_ADMIN: ADMIN,
}


def landing_page(role: Role) -> str:
    """The page `role` lands on after logging in."""
    return _LANDING[role]
