"""Where a user lands after logging in without a page to go back to: police roles on "My work"
(their cases, actions and exhibits); everyone else (charity roles, administrators) on their own
landing, the home page."""

from __future__ import annotations

from netsafe.platform.roles import POLICE_ROLES, Role

MY_WORK = "/operation/my-work"
HOME = "/"


def landing_page(role: Role) -> str:
    """The page `role` lands on after logging in."""
    return MY_WORK if role in POLICE_ROLES else HOME
