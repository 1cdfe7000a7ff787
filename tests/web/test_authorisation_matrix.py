"""The authorisation matrix, generated from the router: every route of `create_app()` × anonymous
and every role from its own and another agency, against the policy the route declares.

Expected: public routes never 401/403; otherwise anonymous → 401 (pages: 303 to /login); a role the
policy leaves out → 403/404; a role it admits → neither 401 nor 403 nor 5xx — except, on a
`force_scoped` route whose path names a seeded record of another force, 403/404 for a role that
does not see all forces. A route without a declared policy fails. See docs/ARCHITECTURE.md.

Users of another agency call every route that names a record (a path parameter) or is declared
`force_scoped`; on the other routes nothing in the request depends on the caller's force, so each
role calls them from its own agency (this halves the run time). What routes without a record in
their path show or change across agencies is test_cross_agency_matrix.py's.
"""

from __future__ import annotations

import asyncio
import functools
import re
import secrets
from dataclasses import dataclass, field

import httpx
import pytest
from fastapi import FastAPI
from sqlalchemy import Engine

from netsafe.platform.roles import Role
from netsafe.settings import Settings, load_settings
from netsafe.store.engine import make_session_factory, unit_of_work
from netsafe.web.app import create_app
from netsafe.web.csrf import CSRF_COOKIE, CSRF_FIELD, CSRF_HEADER, token_for
from netsafe.web.policy import (
    FRAMEWORK_PUBLIC_PATHS,
    DeclaredRoute,
    Policy,
    declared_routes,
)
from tests.web.matrix_seeds import SEEDS
from tests.web.support import mint_token

OWN_FORCE = "south-wales"
OTHER_FORCE = "gwent"
PLACEHOLDER_ID = "999999"
_PARAM = re.compile(r"{([^}:]+)(?::[^}]+)?}")


@dataclass(frozen=True)
class Caller:
    """Who calls: a role and agency, or anonymous (role None)."""

    role: Role | None
    agency: str | None

    @property
    def name(self) -> str:
        return "anonymous" if self.role is None else f"{self.role.value}@{self.agency}"


def callers() -> list[Caller]:
    result = [Caller(None, None)]
    for role in Role:
        if role.is_charity:
            result.append(Caller(role, "charity"))
        else:
            result += [Caller(role, OWN_FORCE), Caller(role, OTHER_FORCE)]
    return result


@functools.cache
def _app_for_listing() -> FastAPI:
    settings = load_settings(
        env="test", database_url="sqlite://", secret_key="matrix-listing-key-0123456789"
    )
    return create_app(settings)


def api_routes(app: FastAPI) -> list[DeclaredRoute]:
    """The FastAPI routes (the ones with dependencies), framework routes left out."""
    return [
        r
        for r in declared_routes(app)
        if r.dependant is not None and r.path not in FRAMEWORK_PUBLIC_PATHS
    ]


@functools.cache
def _listed_routes() -> list[DeclaredRoute]:
    return api_routes(_app_for_listing())


ROUTES = [
    (method, route.path)
    for route in _listed_routes()
    for method in sorted(route.methods - {"HEAD", "OPTIONS"})
]


def test_the_app_has_routes_to_check() -> None:
    paths = {path for _, path in ROUTES}
    assert {"/healthz", "/api/v1/auth/token", "/login"} <= paths


@pytest.mark.parametrize(("method", "path"), ROUTES, ids=[f"{m} {p}" for m, p in ROUTES])
def test_every_route_declares_a_policy(method: str, path: str) -> None:
    route = next(
        r for r in api_routes(_app_for_listing()) if r.path == path and method in r.methods
    )
    policies = route.policies
    assert policies, f"{method} {path} declares no access policy (allow(...) or public())"
    assert len({p.is_public for p in policies}) == 1, f"{method} {path} is both public and not"


def test_every_other_route_is_a_known_public_one() -> None:
    others = {r.path for r in declared_routes(_app_for_listing()) if r.dependant is None}
    unknown = others - FRAMEWORK_PUBLIC_PATHS - {"/static"}
    assert not unknown, f"routes outside FastAPI's dependency system (no policy): {unknown}"


def _admits(policies: list[Policy], role: Role | None, method: str = "GET") -> bool:
    return all(p.admits(role, method=method) for p in policies)


def _expected(
    policies: list[Policy], caller: Caller, is_page: bool, other_force_record: bool, method: str
) -> str:
    if all(p.is_public for p in policies):
        return "allowed"
    if caller.role is None:
        return "login" if is_page else "401"
    if not _admits(policies, caller.role, method):
        return "forbidden"
    force_scoped = any(p.force_scoped for p in policies)
    if force_scoped and other_force_record and not caller.role.sees_all_forces:
        return "forbidden"
    return "allowed"


def _check(expected: str, status: int, location: str) -> bool:
    if expected == "401":
        return status == 401
    if expected == "login":
        return status == 303 and location.startswith("/login")
    if expected == "forbidden":
        return status in (403, 404)
    return status not in (401, 403) and status < 500


def _uses_form(route: DeclaredRoute) -> bool:
    assert route.dependant is not None
    return any(type(f.field_info).__name__ in ("Form", "File") for f in route.dependant.body_params)


def _make_users(engine: Engine, settings: Settings) -> dict[Caller, str]:
    tokens: dict[Caller, str] = {}
    for caller in callers():
        if caller.role is not None and caller.agency is not None:
            username = f"{caller.role.value}.{caller.agency}"
            tokens[caller] = mint_token(
                engine, settings, caller.role, caller.agency, username=username
            )
    return tokens


def _path_values(engine: Engine, path: str, cache: dict[str, str] | None) -> tuple[str, bool]:
    """The path with parameters filled: seeded records of OWN_FORCE (new ones unless `cache`
    is given, for safe methods), or a placeholder id."""
    names = _PARAM.findall(path)
    seeded = any(name in SEEDS for name in names)
    values = {name: PLACEHOLDER_ID for name in names if name not in SEEDS}
    if seeded:
        if cache is not None and path in cache:
            return cache[path], True
        with unit_of_work(make_session_factory(engine)) as session:
            for name in names:
                if name in SEEDS:
                    values[name] = SEEDS[name](session, OWN_FORCE)
    url = _PARAM.sub(lambda m: values[m.group(1)], path)
    if seeded and cache is not None:
        cache[path] = url
    return url, seeded


@dataclass
class MatrixRun:
    """The state of one run: users' tokens, the CSRF pair, failures and a count."""

    tokens: dict[Caller, str]
    csrf_cookie: str
    csrf: str
    failures: list[str]
    checked: int = 0
    seeded: dict[str, str] = field(default_factory=dict)


async def _call_every_route(app: FastAPI, engine: Engine, run: MatrixRun) -> None:
    transport = httpx.ASGITransport(app=app)
    cookies = {CSRF_COOKIE: run.csrf_cookie}
    async with httpx.AsyncClient(
        transport=transport, base_url="http://testserver", cookies=cookies
    ) as client:
        for route in api_routes(app):
            policies = route.policies
            if not policies:
                run.failures.append(f"{route.path}: no policy declared")
                continue
            is_page = not route.path.startswith("/api/") and route.path != "/healthz"
            for method in sorted(route.methods - {"HEAD", "OPTIONS"}):
                agency_matters = "{" in route.path or any(p.force_scoped for p in policies)
                for caller in callers():
                    if caller.agency == OTHER_FORCE and not agency_matters:
                        continue  # no record named, not force-scoped: same answer as own force
                    safe = method in ("GET", "HEAD")
                    url, seeded = _path_values(engine, route.path, run.seeded if safe else None)
                    other = seeded and caller.agency != OWN_FORCE
                    headers = {CSRF_HEADER: run.csrf}
                    if caller.role is not None:
                        headers["Authorization"] = f"Bearer {run.tokens[caller]}"
                    body: dict[str, object] = {}
                    if method in ("POST", "PUT", "PATCH"):
                        if _uses_form(route):
                            body["data"] = {CSRF_FIELD: run.csrf}
                        else:
                            body["json"] = {}
                    response = await client.request(method, url, headers=headers, **body)  # type: ignore[arg-type]
                    expected = _expected(policies, caller, is_page, other, method)
                    location = response.headers.get("location", "")
                    run.checked += 1
                    if not _check(expected, response.status_code, location):
                        run.failures.append(
                            f"{method} {route.path} as {caller.name}: expected {expected}, "
                            f"got {response.status_code} {response.text[:160]!r}"
                        )


@pytest.mark.slow
def test_authorisation_matrix(settings: Settings, engine: Engine) -> None:
    app = create_app(settings)
    cookie = secrets.token_urlsafe(24)
    run = MatrixRun(
        tokens=_make_users(engine, settings),
        csrf_cookie=cookie,
        csrf=token_for(settings.secret_key, cookie),
        failures=[],
    )
    asyncio.run(_call_every_route(app, engine, run))
    assert run.checked > 0
    assert not run.failures, (
        f"{len(run.failures)} of {run.checked} calls broke the matrix:\n" + "\n".join(run.failures)
    )


def test_the_charity_wall_no_police_role_or_admin_passes_a_prevention_policy() -> None:
    prevention = [
        r
        for r in _listed_routes()
        if r.path.startswith(("/prevention", "/api/v1/prevention")) and r.policies
    ]
    assert prevention, "the prevention area's routes are missing from the app"
    for route in prevention:
        if all(p.is_public for p in route.policies):
            continue  # anonymous counters: no record is read or written
        admitted = {role for role in Role if _admits(route.policies, role)}
        assert admitted <= {Role.HELPLINE, Role.CHARITY_ANALYST}, (
            f"{route.path} admits {sorted(r.value for r in admitted)}"
        )


def test_charity_roles_pass_no_operation_policy() -> None:
    operation = [
        r for r in _listed_routes() if r.path.startswith(("/operation", "/api/v1/referrals"))
    ]
    assert operation, "the operation area's routes are missing from the app"
    for route in operation:
        for role in (Role.HELPLINE, Role.CHARITY_ANALYST):
            assert not _admits(route.policies, role), f"{route.path} admits {role.value}"
