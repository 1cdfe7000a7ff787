"""The header's search box: on every page a police role opens, on none a charity role (or the
police accounts' admin, who sees no records) opens. Walks every GET page of the app without a
path parameter, as each role, and looks at the pages shown as to that user (public pages such as
`/help` are shown as to anyone, with the public menu)."""

from __future__ import annotations

from fastapi.testclient import TestClient
from sqlalchemy import Engine

from netsafe.platform.roles import POLICE_ROLES, Role
from netsafe.settings import Settings
from netsafe.web.policy import declared_routes
from tests.web.trust_support import bearer

BOX = 'action="/search" role="search" class="site-search"'
#: The header's line naming the signed-in user: the page is shown as to this user.
SIGNED_IN = '<li class="who">'
AGENCY = {Role.ANALYST: "regional-unit", Role.OPERATION_LEAD: "regional-unit", Role.ADMIN: "gwent"}


def _pages(client: TestClient) -> list[str]:
    app = client.app
    assert hasattr(app, "routes")
    return sorted(
        {
            route.path
            for route in declared_routes(app)  # type: ignore[arg-type]
            if "GET" in route.methods
            and "{" not in route.path
            and not route.path.startswith(("/api/", "/static", "/docs", "/redoc", "/openapi"))
        }
    )


def test_the_search_box_is_on_every_police_page_and_no_other(
    client: TestClient, engine: Engine, settings: Settings
) -> None:
    pages = _pages(client)
    assert "/search" in pages
    assert "/operation/queue" in pages
    seen: dict[Role, int] = {}
    for role in Role:
        agency = "charity" if role.is_charity else AGENCY.get(role, "gwent")
        headers = bearer(engine, settings, f"box.{role.value}", agency, role)
        seen[role] = 0
        for path in pages:
            response = client.get(path, headers=headers)
            if response.status_code != 200 or SIGNED_IN not in response.text:
                continue  # refused, not a page, or a public page shown as to anyone
            seen[role] += 1
            assert (BOX in response.text) == (role in POLICE_ROLES), (role, path)
    assert all(seen[role] >= 3 for role in POLICE_ROLES), seen
    assert seen[Role.HELPLINE] >= 2, seen
