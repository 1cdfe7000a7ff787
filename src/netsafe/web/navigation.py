"""The main navigation: the links a viewer sees, derived from the routes' declared policies.

A link is shown when its page exists and its policy admits the viewer's role, so the menu and
the access rules can never disagree. Areas add a page here with one `NavLink` line.
"""

from __future__ import annotations

from dataclasses import dataclass

from fastapi import FastAPI, Request

from netsafe.platform.roles import CASEWORK_WRITERS, Role
from netsafe.web.policy import Policy, declared_routes


@dataclass(frozen=True, slots=True)
class NavLink:
    label: str
    path: str


#: The pages in the menu, in order (shown only to roles their policy admits).
MAIN_NAVIGATION: tuple[NavLink, ...] = (
    NavLink("My work", "/operation/my-work"),
    NavLink("Dashboard", "/operation"),
    NavLink("Queue", "/operation/queue"),
    NavLink("Exhibits", "/operation/exhibits"),
    NavLink("Intake", "/intake"),
    NavLink("Prevention", "/prevention"),
    NavLink("Statistics", "/stats"),
    NavLink("Audit", "/audit"),
    NavLink("Admin", "/admin"),
    NavLink("Account", "/account"),
)


def _page_policies(app: FastAPI) -> dict[str, list[Policy]]:
    cached: dict[str, list[Policy]] | None = getattr(app.state, "nav_policies", None)
    if cached is None:
        cached = {
            route.path: route.policies
            for route in declared_routes(app)
            if route.dependant is not None and "GET" in route.methods
        }
        app.state.nav_policies = cached
    return cached


def may_visit(request: Request, path: str) -> bool:
    """Whether this request's viewer may open the page at `path` (its policy admits the role):
    the header's search box shows only where `/search` may be opened."""
    viewer = getattr(request.state, "viewer", None)
    policies = _page_policies(request.app).get(path)
    if viewer is None or not policies:
        return False
    return all(p.admits(viewer.role, viewer.agency) for p in policies)


def writes_casework(request: Request) -> bool:
    """Whether this request's viewer may write casework: the pages show the forms to record and
    correct only then (an analyst reads the cases and writes none; its writes answer 403)."""
    viewer = getattr(request.state, "viewer", None)
    return viewer is not None and viewer.role in CASEWORK_WRITERS


def nav_links(request: Request) -> list[NavLink]:
    """The menu for this request's viewer (empty when nobody is logged in)."""
    viewer = getattr(request.state, "viewer", None)
    role: Role | None = None if viewer is None else viewer.role
    if role is None or viewer is None:
        return []
    policies = _page_policies(request.app)
    return [
        link
        for link in MAIN_NAVIGATION
        if link.path in policies and all(p.admits(role, viewer.agency) for p in policies[link.path])
    ]
