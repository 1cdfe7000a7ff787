"""Each area's routes, analysed once per process and shared by every app `create_app` makes.

FastAPI (>= 0.137) keeps included routers as a tree and analyses every route's dependencies
(signatures, pydantic adapters) again for each app that includes it, on the first request that
walks past the route: a signed-in page's menu walks them all. That is 0.4–0.5 s of CPU per app
for NetSafe's ~180 routes: once per worker process in a deployment, but once per test in the
test suite, which makes an app per test (75 s of the web tests' 136 s of CPU, measured).

NetSafe's area routers include their modules' routers with no option (no prefix, dependency,
tag or limit), so each route as its own router defined it — path with that router's prefix,
dependencies with that router's — is the route as served. `add_area` adds those route objects
to the app's router (the route table is the one `include_router` would serve: `area_routes`
checks each route against the inclusion's, and tests/web/test_area_routes.py compares the two
apps' routes, policies and OpenAPI), and runs the area's lifespan with the app's.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from fastapi import APIRouter, FastAPI
from fastapi.dependencies.models import Dependant
from fastapi.routing import iter_route_contexts
from starlette.routing import BaseRoute


def _calls(dependant: Dependant | None) -> list[Any]:
    return [] if dependant is None else [sub.call for sub in dependant.dependencies]


#: id(router) → (router, its routes): routers are not hashable; the router is kept alive with
#: its id. Area routers are complete once their modules are imported.
_ANALYSED: dict[int, tuple[APIRouter, tuple[BaseRoute, ...]]] = {}


def area_routes(router: APIRouter) -> tuple[BaseRoute, ...]:
    """The routes `router` serves, its included routers' with them, each the object its own
    router defined (analysed on the first call for `router`). Raises ValueError when an
    inclusion changes a route (a prefix, a dependency): such a router needs `include_router`."""
    if id(router) not in _ANALYSED:
        _ANALYSED[id(router)] = (router, _defined_routes(router))
    return _ANALYSED[id(router)][1]


def _defined_routes(router: APIRouter) -> tuple[BaseRoute, ...]:
    routes = []
    for context in iter_route_contexts(router.routes):
        route = context.original_route
        served = (context.path, context.methods, _calls(getattr(context, "dependant", None)))
        defined = (
            getattr(route, "path", None),
            getattr(route, "methods", None),
            _calls(getattr(route, "dependant", None)),
        )
        if served != defined:
            raise ValueError(f"{context.path}: its inclusion changes it ({served} != {defined})")
        routes.append(route)
    return tuple(routes)


def add_area(app: FastAPI, router: APIRouter) -> None:
    """Serve `router`'s routes (`area_routes`) on `app`, and its lifespan inside the app's."""
    app.router.routes.extend(area_routes(router))
    outer, inner = app.router.lifespan_context, router.lifespan_context

    @asynccontextmanager
    async def lifespan(served: Any) -> AsyncIterator[Any]:
        async with outer(served) as state, inner(served):
            yield state

    app.router.lifespan_context = lifespan
