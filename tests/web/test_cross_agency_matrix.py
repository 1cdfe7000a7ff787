"""The authorisation matrix across agencies, for the routes that name no record in their path:
every route a force-bound role may call (investigator, examiner, supervisor) either names a seeded
record of another force in its path (checked by test_authorisation_matrix.py) or has a rule in
matrix_cross_agency.py, and each rule is checked here for every role from both agencies. The
list of routes comes from the router, so a new route without a rule fails."""

from __future__ import annotations

import functools

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine

from netsafe.platform.roles import POLICE_ROLES, Role
from netsafe.settings import Settings
from netsafe.store.engine import make_session_factory, unit_of_work
from netsafe.web.app import create_app
from netsafe.web.policy import DeclaredRoute
from tests.web.matrix_cross_agency import (
    CROSS_AGENCY_RULES,
    NamesInBody,
    NoForceData,
    Rule,
    Shows,
)
from tests.web.matrix_seeds import SEEDS
from tests.web.test_authorisation_matrix import (
    _PARAM,
    OWN_FORCE,
    Caller,
    _admits,
    _listed_routes,
    _make_users,
    callers,
)

FORCE_BOUND = frozenset(role for role in POLICE_ROLES if not role.sees_all_forces)


def _names_a_seeded_record(route: DeclaredRoute) -> bool:
    """Checked by the main matrix: force-scoped, with a path parameter that has a seeder."""
    scoped = any(p.force_scoped for p in route.policies)
    return scoped and any(name in SEEDS for name in _PARAM.findall(route.path))


def _needs_rule(route: DeclaredRoute) -> bool:
    policies = route.policies
    if not policies or all(p.is_public for p in policies):
        return False
    force_bound = any(_admits(policies, role) for role in FORCE_BOUND)
    return force_bound and not _names_a_seeded_record(route)


@functools.cache
def _checked() -> list[tuple[str, str, DeclaredRoute]]:
    return [
        (method, route.path, route)
        for route in _listed_routes()
        if _needs_rule(route)
        for method in sorted(route.methods - {"HEAD", "OPTIONS"})
    ]


def test_every_route_with_force_data_has_a_cross_agency_rule() -> None:
    missing = [f"{m} {p}" for m, p, _ in _checked() if (m, p) not in CROSS_AGENCY_RULES]
    assert not missing, (
        "routes a force-bound role may call, naming no seeded record, without a cross-agency "
        f"rule in tests/web/matrix_cross_agency.py: {missing}"
    )


def test_every_cross_agency_rule_names_a_route() -> None:
    stale = set(CROSS_AGENCY_RULES) - {(m, p) for m, p, _ in _checked()}
    assert not stale, f"rules for routes that are gone or need none: {sorted(stale)}"


def _sees(caller: Caller, rule: Shows | None = None) -> bool:
    assert caller.role is not None
    sees_all = (
        rule.sees_all if rule is not None else frozenset(r for r in Role if r.sees_all_forces)
    )
    return caller.agency == OWN_FORCE or caller.role in sees_all


def _check_rule(
    client: TestClient,
    engine: Engine,
    method: str,
    route: DeclaredRoute,
    rule: Rule,
    tokens: dict[Caller, str],
) -> tuple[list[str], int]:
    """Call the route as every admitted role from both agencies; the failures and the count."""
    if isinstance(rule, NoForceData):
        return [], 0
    failures: list[str] = []
    seeded = ""
    with unit_of_work(make_session_factory(engine)) as session:
        if isinstance(rule, Shows):
            seeded = rule.seed(session, OWN_FORCE)
        elif isinstance(rule, NamesInBody):
            seeded = SEEDS[rule.seed](session, OWN_FORCE)
    checked = 0
    for caller in callers():
        if caller.role is None or not _admits(route.policies, caller.role, method):
            continue
        headers = {"Authorization": f"Bearer {tokens[caller]}"}
        name = f"{method} {route.path} as {caller.name}"
        checked += 1
        if isinstance(rule, Shows):
            response = client.request(method, route.path + rule.query, headers=headers)
            shown = seeded in response.text
            if response.status_code != 200 or shown != _sees(caller, rule):
                failures.append(
                    f"{name}: {response.status_code}, {OWN_FORCE}'s record "
                    f"{'shown' if shown else 'hidden'} (expected "
                    f"{'shown' if _sees(caller, rule) else 'hidden'})"
                )
        elif isinstance(rule, NamesInBody):
            response = client.request(method, route.path, headers=headers, json=rule.body(seeded))
            status = response.status_code
            ok = (
                status not in (401, 403, 404) and status < 500
                if _sees(caller)
                else status in (403, 404)
            )
            if not ok:
                failures.append(
                    f"{name} naming {OWN_FORCE}'s record: {status} {response.text[:120]}"
                )
        else:
            body = rule.body(OWN_FORCE)
            if rule.form:
                form = {key: str(value) for key, value in body.items()}
                response = client.request(method, route.path, headers=headers, data=form)
            else:
                response = client.request(method, route.path, headers=headers, json=body)
            status = response.status_code
            location = response.headers.get("location", "")
            if rule.form:
                done = status == 303 and "error=" not in location
                refused = status in (403, 404) or (status == 303 and "error=" in location)
            else:
                done = status in (200, 201)
                refused = status in (403, 404, 422)
            if not (done if _sees(caller) else refused):
                failures.append(f"{name} creating for {OWN_FORCE}: {status} {location}")
    return failures, checked


@pytest.mark.slow
def test_cross_agency_matrix(settings: Settings, engine: Engine) -> None:
    tokens = _make_users(engine, settings)
    failures: list[str] = []
    checked = 0
    with TestClient(create_app(settings), follow_redirects=False) as client:
        for method, path, route in _checked():
            rule = CROSS_AGENCY_RULES.get((method, path))
            if rule is None:
                pytest.fail(f"{method} {path} has no cross-agency rule")
            found, count = _check_rule(client, engine, method, route, rule, tokens)
            failures += found
            checked += count
    assert checked > 0
    assert not failures, f"{len(failures)} of {checked} cross-agency calls failed:\n" + "\n".join(
        failures
    )
