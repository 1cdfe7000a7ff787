"""The web app: factory, home page and /healthz."""

from __future__ import annotations

from fastapi.testclient import TestClient
from sqlalchemy import Engine

from netsafe.platform.agencies import ensure_agencies
from netsafe.settings import load_settings
from netsafe.store.engine import make_session_factory, unit_of_work
from netsafe.store.repositories.agencies import SqlAgencyRepository
from netsafe.web.app import create_app


def test_healthz_ok(client: TestClient) -> None:
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}


def test_healthz_reports_unreachable_database(tmp_path: object) -> None:
    settings = load_settings(
        env="test",
        database_url=f"sqlite:///{tmp_path}/missing-dir/nested/x.db",
        secret_key="test-secret-key-0123456789abcdef",
    )
    with TestClient(create_app(settings)) as client:
        response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["status"] == "error"


def test_home_page_lists_agencies(client: TestClient, engine: Engine) -> None:
    with unit_of_work(make_session_factory(engine)) as session:
        ensure_agencies(SqlAgencyRepository(session))
    response = client.get("/")
    assert response.status_code == 200
    assert "Gwent Police" in response.text


def test_openapi_is_served(client: TestClient) -> None:
    assert client.get("/openapi.json").json()["info"]["title"] == "NetSafe"
