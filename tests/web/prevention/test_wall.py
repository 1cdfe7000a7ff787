"""The charity wall: no police role (nor admin) reads a prevention record by any route.

Every prevention record route and page answers 403/404 to police roles and admin; and a seeded
record's text and code word show up in no answer of any GET route of the whole app — API, pages,
audit, search — for any police role or admin. Only suppressed aggregates leave (CLI export).
"""

from __future__ import annotations

import re

import pytest
from fastapi.testclient import TestClient

from netsafe.platform.roles import POLICE_ROLES, Role
from netsafe.settings import Settings
from netsafe.web.policy import FRAMEWORK_PUBLIC_PATHS, declared_routes
from tests.web.prevention.web_helpers import agency_of, write_prevention_file
from tests.web.support import Bearer

MARKER_NOTES = "marker-okapi-notes-4417"
MARKER_ACTIONS = "marker-okapi-actions-9923"
CODE_WORD = "okapi lantern"
BEYOND_THE_WALL = sorted([*POLICE_ROLES, Role.ADMIN], key=lambda r: r.value)
_PARAM = re.compile(r"{([^}:]+)(?::[^}]+)?}")
#: Public routes under the prevention paths: anonymous counters and the check, no records.
PUBLIC_PREVENTION = {
    "/api/v1/prevention/self-help/{module}/{event}",
    "/api/v1/prevention/funnel/{step}",
}


@pytest.fixture
def seeded(settings: Settings, client: TestClient, bearer: Bearer) -> tuple[TestClient, int]:
    write_prevention_file(settings)
    helpline = bearer(Role.HELPLINE)
    answer = client.post(
        "/api/v1/prevention/contacts",
        json={
            "channel": "call",
            "who": "own-behaviour",
            "concerns": ["online-images"],
            "area": "south-wales",
            "heard_via": "police-operation",
            "protective_actions": MARKER_ACTIONS,
            "notes": MARKER_NOTES,
            "code_word": CODE_WORD,
        },
        headers=helpline,
    )
    assert answer.status_code == 201
    contact_id = answer.json()["id"]
    assert (
        MARKER_NOTES
        in client.get(f"/api/v1/prevention/contacts/{contact_id}", headers=helpline).text
    )
    return client, contact_id


def prevention_routes(client: TestClient) -> list[tuple[str, str]]:
    routes = []
    for route in declared_routes(client.app):  # type: ignore[arg-type]
        if "prevention" not in route.path or route.path in PUBLIC_PREVENTION:
            continue
        routes += [(m, route.path) for m in sorted(route.methods - {"HEAD", "OPTIONS"})]
    return routes


def all_get_routes(client: TestClient) -> list[str]:
    return sorted(
        {
            route.path
            for route in declared_routes(client.app)  # type: ignore[arg-type]
            if "GET" in route.methods
            and route.path not in FRAMEWORK_PUBLIC_PATHS
            and not route.path.startswith("/static")
        }
    )


def test_the_wall_covers_every_record_route_and_page(seeded: tuple[TestClient, int]) -> None:
    client, _ = seeded
    paths = {path for _, path in prevention_routes(client)}
    assert {
        "/api/v1/prevention/contacts",
        "/api/v1/prevention/contacts/{contact_id}",
        "/api/v1/prevention/contacts/{contact_id}/follow-ups",
        "/api/v1/prevention/aggregates",
        "/api/v1/prevention/audit",
        "/prevention",
        "/prevention/contacts",
        "/prevention/contacts/new",
        "/prevention/contacts/{contact_id}",
        "/prevention/contacts/{contact_id}/follow-ups",
    } <= paths


def test_police_and_admin_get_403_or_404_on_every_prevention_route(
    seeded: tuple[TestClient, int], bearer: Bearer
) -> None:
    client, contact_id = seeded
    for role, agency in [(r, a) for r in BEYOND_THE_WALL for a in ("south-wales", "gwent")]:
        headers = bearer(role, agency)
        for method, path in prevention_routes(client):
            url = _PARAM.sub(str(contact_id), path)
            kwargs: dict[str, object] = {"json": {"channel": "call"}} if method == "POST" else {}
            answer = client.request(method, url, headers=headers, **kwargs)  # type: ignore[arg-type]
            assert answer.status_code in (403, 404), f"{role} {method} {url}: {answer.status_code}"
            assert MARKER_NOTES not in answer.text


@pytest.mark.slow
def test_no_route_of_the_app_shows_a_record_to_police_or_admin(
    seeded: tuple[TestClient, int], settings: Settings, bearer: Bearer
) -> None:
    if not settings.sqlalchemy_url.startswith("sqlite"):
        pytest.skip("route-level crawl (~40 s): run once, on SQLite; the 403 test runs on both")
    client, contact_id = seeded
    search = {"q": "okapi", "query": "okapi", "search": "marker", "text": "okapi"}  # never whole
    checked = 0
    for role in BEYOND_THE_WALL:
        headers = bearer(role, agency_of(role))
        for path in all_get_routes(client):
            url = _PARAM.sub(str(contact_id), path)
            answer = client.get(url, headers=headers, params=search)
            checked += 1
            for secret in (MARKER_NOTES, MARKER_ACTIONS, CODE_WORD):
                assert secret not in answer.text, f"{role.value} read a record via GET {url}"
    assert checked > 10 * len(BEYOND_THE_WALL)


def test_the_audit_log_holds_no_prevention_record(
    seeded: tuple[TestClient, int], bearer: Bearer
) -> None:
    client, contact_id = seeded
    lead = bearer(Role.OPERATION_LEAD, "south-wales")
    audit = client.get("/api/v1/audit", headers=lead, params={"limit": 500})
    if audit.status_code == 404:
        pytest.skip("the platform's audit API is not there yet")
    assert audit.status_code == 200
    text = audit.text
    assert MARKER_NOTES not in text
    assert "prevention.contact" not in text
    assert f"/api/v1/prevention/contacts/{contact_id}" not in text  # the helpline's own reads


def test_charity_roles_see_no_police_routes_turned_into_prevention(
    seeded: tuple[TestClient, int], bearer: Bearer
) -> None:
    """The helpline's access is to prevention: the analyst still can't read records."""
    client, contact_id = seeded
    analyst = bearer(Role.CHARITY_ANALYST)
    assert (
        client.get(f"/api/v1/prevention/contacts/{contact_id}", headers=analyst).status_code == 403
    )
    assert client.get(f"/prevention/contacts/{contact_id}", headers=analyst).status_code == 403
    assert client.get("/prevention", headers=analyst).status_code == 200
