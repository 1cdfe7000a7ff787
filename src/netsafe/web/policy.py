"""Declared access rules: every route says who may call it, and the matrix test reads it.

Each route (or its router) depends on exactly one policy object:

```python
from netsafe.web.policy import allow, public

@router.get("/api/v1/referrals")                      # police roles, own force's records
def referrals(viewer: Annotated[Viewer, Depends(allow(*POLICE_ROLES, force_scoped=True))]): ...

router = APIRouter(dependencies=[Depends(allow(Role.HELPLINE, Role.CHARITY_ANALYST))])

@router.get("/help", dependencies=[Depends(public())])   # anyone, no login
@router.post("/report", dependencies=[Depends(public(csrf=True))])   # anyone; a form
```
`allow(...)` answers 401 without valid credentials, 403 (audited as `access.denied`) for a role
not listed, checks the CSRF token when a session cookie makes a state-changing call, and returns
the `Viewer`. `force_scoped=True` documents that records of another force answer 403/404 for
roles that do not see all forces (the service enforces it with `Viewer.may_see_force`).
`read_only=(Role.ANALYST,)` admits those roles to read (GET, HEAD) and answers any other method
403, like a role not listed: an analyst reads every force's cases for the figures and writes none.
`tests/web/test_authorisation_matrix.py` walks every route of `create_app()` and fails for
a route without a policy.

(No `from __future__ import annotations` here: FastAPI reads `__call__` signatures at runtime.)
"""

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from fastapi import FastAPI, HTTPException, Request
from fastapi.dependencies.models import Dependant

from netsafe.platform.audit import Outcome
from netsafe.platform.roles import Role, Viewer
from netsafe.web.auditor import audit_event, record_now
from netsafe.web.csrf import require_csrf
from netsafe.web.viewer import SESSION, CurrentViewer

#: Methods that only read: roles admitted `read_only` may use these alone.
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})

#: The OpenAPI description and its viewer (Swagger UI, web/api_docs.py) with its assets. Public.
FRAMEWORK_PUBLIC_PATHS = frozenset({"/openapi.json", "/docs", "/docs/assets"})


@dataclass(frozen=True, slots=True)
class Policy:
    """Who may call a route: `roles` (None: anyone, no login), and what else applies."""

    roles: frozenset[Role] | None
    force_scoped: bool = False
    csrf: bool = False
    #: Roles also admitted in one agency only: (agency slug, roles), e.g. the regional unit's
    #: police roles besides the operation lead anywhere.
    agency_roles: tuple[tuple[str, frozenset[Role]], ...] = ()
    #: Roles admitted to read only: a state-changing method (POST, PATCH, ...) refuses them.
    read_only: frozenset[Role] = frozenset()

    @property
    def is_public(self) -> bool:
        return self.roles is None

    def admits(self, role: Role | None, agency: str | None = None, method: str = "GET") -> bool:
        """Whether a caller with `role` (None: anonymous) of `agency` passes the role rule for
        a request of `method`."""
        if self.roles is None:
            return True
        if role is None:
            return False
        if role in self.read_only and method.upper() not in SAFE_METHODS:
            return False
        return role in self.roles or any(
            agency == slug and role in roles for slug, roles in self.agency_roles
        )


class PolicyDependency:
    """Base of the dependency objects that carry a `Policy` (found by `route_policies`)."""

    policy: Policy


class Allow(PolicyDependency):
    """`Depends(allow(...))`: authenticated callers with one of the roles; returns the viewer."""

    def __init__(self, policy: Policy) -> None:
        self.policy = policy

    async def __call__(self, request: Request, viewer: CurrentViewer) -> Viewer:
        if not self.policy.admits(viewer.role, viewer.agency, request.method):
            record_now(
                request,
                audit_event(
                    request,
                    "access.denied",
                    "route",
                    f"{request.method} {request.url.path}",
                    outcome=Outcome.DENIED,
                    viewer=viewer,
                ),
            )
            raise HTTPException(403, detail=f"the {viewer.role.value} role may not do this")
        if request.state.authentication.method == SESSION:
            await require_csrf(request)
        return viewer


class Public(PolicyDependency):
    """`Depends(public())`: anyone, logged in or not; `csrf=True` for public forms."""

    def __init__(self, policy: Policy) -> None:
        self.policy = policy

    async def __call__(self, request: Request) -> None:
        if self.policy.csrf:
            await require_csrf(request)


def allow(
    *roles: Role,
    force_scoped: bool = False,
    in_agency: tuple[str, frozenset[Role]] | None = None,
    read_only: Iterable[Role] = (),
) -> Allow:
    """A route for callers with one of `roles` (at least one); `in_agency` (slug, roles) also
    admits those roles of that agency alone; `read_only` roles may only read (GET, HEAD)."""
    if not roles:
        raise ValueError("allow() needs at least one role; use allow_any_user() or public()")
    extra = () if in_agency is None else (in_agency,)
    return Allow(
        Policy(
            frozenset(roles),
            force_scoped=force_scoped,
            agency_roles=extra,
            read_only=frozenset(read_only),
        )
    )


def allow_any_user() -> Allow:
    """A route for every logged-in user, whatever their role."""
    return Allow(Policy(frozenset(Role)))


def public(*, csrf: bool = False) -> Public:
    """A route anyone may call without logging in (`csrf=True`: a form that must carry a token)."""
    return Public(Policy(None, csrf=csrf))


def _calls(dependant: Dependant) -> Iterable[Any]:
    for sub in dependant.dependencies:
        yield sub.call
        yield from _calls(sub)


def dependant_policies(dependant: Dependant) -> list[Policy]:
    """Every policy among a route's dependencies (its own and its routers'); empty: undeclared."""
    return [call.policy for call in _calls(dependant) if isinstance(call, PolicyDependency)]


@dataclass(frozen=True)
class DeclaredRoute:
    """A route of the app as served: path, methods, dependencies (None: not a FastAPI route)."""

    path: str
    methods: frozenset[str]
    dependant: Dependant | None

    @property
    def policies(self) -> list[Policy]:
        return [] if self.dependant is None else dependant_policies(self.dependant)


def declared_routes(app: FastAPI) -> list[DeclaredRoute]:
    """Every route `app` serves, with routers' prefixes and dependencies applied."""
    try:  # FastAPI >= 0.160 includes routers lazily; this walks them as served
        from fastapi.routing import iter_route_contexts

        routes: list[Any] = list(iter_route_contexts(app.routes))
    except ImportError:  # pragma: no cover - older FastAPI flattens routers into app.routes
        routes = list(app.routes)
    result = []
    for route in routes:
        dependant = getattr(route, "dependant", None)
        result.append(
            DeclaredRoute(
                path=str(getattr(route, "path", "")),
                methods=frozenset(getattr(route, "methods", None) or ()),
                dependant=dependant if isinstance(dependant, Dependant) else None,
            )
        )
    return result
