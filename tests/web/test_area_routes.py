"""The app serves each area's routes as `include_router` would — same paths in the same order,
same access policies, same OpenAPI document, the area's lifespan run — with route objects
analysed once per process and shared by every app (web/area_routes.py)."""

from __future__ import annotations

import logging

import pytest
from fastapi import APIRouter, FastAPI
from fastapi.testclient import TestClient

from netsafe.settings import Settings
from netsafe.web import health, home, intake, lookup, operation, platform, prevention, search, stats
from netsafe.web.anonymous_requests import AnonymousAccessFilter
from netsafe.web.app import create_app
from netsafe.web.area_routes import add_area, area_routes
from netsafe.web.openapi_doc import true_openapi
from netsafe.web.policy import declared_routes

#: The areas `create_app` serves, in its order.
AREAS = (platform, health, home, intake, operation, prevention, stats, lookup, search)


def _included(app: FastAPI) -> FastAPI:
    """The reference: an app with `app`'s title and the areas included by `include_router`."""
    reference = FastAPI(title=app.title, version=app.version, description=app.description)
    for area in AREAS:
        reference.include_router(area.router)
    return reference


def _table(app: FastAPI) -> list[tuple[str, frozenset[str], list[object]]]:
    return [(r.path, r.methods, r.policies) for r in declared_routes(app) if r.dependant]


def test_the_served_routes_are_those_include_router_would_serve(settings: Settings) -> None:
    app = create_app(settings)
    reference = _included(app)
    served = [row for row in _table(app) if row[0] in {path for path, *_ in _table(reference)}]
    assert served == _table(reference)
    assert len(served) > 150
    assert true_openapi(app) == true_openapi(reference)


def test_apps_share_the_analysed_routes(settings: Settings) -> None:
    first, second = create_app(settings), create_app(settings)
    for area in AREAS:
        for route in area_routes(area.router):
            assert route in first.routes
            assert any(route is served for served in second.routes)


def test_an_areas_lifespan_runs_with_the_app(settings: Settings) -> None:
    logger = logging.getLogger("uvicorn.access")
    before = [f for f in logger.filters if isinstance(f, AnonymousAccessFilter)]
    for existing in before:
        logger.removeFilter(existing)
    try:
        with TestClient(create_app(settings)) as client:
            assert client.get("/healthz").status_code == 200
            assert any(isinstance(f, AnonymousAccessFilter) for f in logger.filters)
    finally:
        for existing in before:
            logger.addFilter(existing)


def test_a_router_whose_inclusion_changes_its_routes_is_refused() -> None:
    leaf = APIRouter()

    @leaf.get("/things")
    def things() -> list[str]:
        return []

    area = APIRouter()
    area.include_router(leaf, prefix="/api/v1")
    with pytest.raises(ValueError, match="/api/v1/things"):
        add_area(FastAPI(), area)
