"""`/docs`: Swagger UI from the installed package under the app's strict policy, nothing from a
CDN (#17 point 7); off in production unless NETSAFE_API_DOCS=1. In Chromium it renders the API
with no console error (a CSP violation would be one) and no request leaves the server."""

from __future__ import annotations

import secrets
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from netsafe.settings import Settings, load_settings
from netsafe.web.app import create_app
from netsafe.web.middleware import CONTENT_SECURITY_POLICY
from tests.browser_support import CHROMIUM, launch_chromium, serve_in_thread


def _production(settings: Settings, **extra: object) -> Settings:
    contacts = '[helpline]\nphone = "0800 000 0000"\nweb_url = "https://help.example.org"\n'
    (settings.ensure_home() / "prevention.toml").write_text(contacts, encoding="utf-8")
    return load_settings(
        env="production",
        home=settings.home,
        database_url=settings.sqlalchemy_url,
        secret_key=secrets.token_urlsafe(32),
        audit_key=secrets.token_urlsafe(32),
        **extra,
    )


def test_docs_are_served_from_the_package_under_the_strict_policy(client: TestClient) -> None:
    page = client.get("/docs")
    assert page.status_code == 200
    assert page.headers["content-security-policy"] == CONTENT_SECURITY_POLICY
    assert "'unsafe-inline'" not in CONTENT_SECURITY_POLICY
    assert "http" not in page.text.replace('"/', "")  # no address of another host
    assert "<script>" not in page.text  # no inline start-up
    for asset in ("/docs/assets/swagger-ui-bundle.js", "/docs/assets/swagger-ui.css"):
        answer = client.get(asset)
        assert answer.status_code == 200, asset
        assert len(answer.content) > 10_000
    assert client.get("/redoc").status_code == 404  # ReDoc (a CDN page) is gone


def test_production_serves_no_docs_unless_asked(settings: Settings) -> None:
    with TestClient(create_app(_production(settings))) as client:
        assert client.get("/docs").status_code == 404
        assert client.get("/docs/assets/swagger-ui.css").status_code == 404
        assert client.get("/openapi.json").status_code == 200
    with TestClient(create_app(_production(settings, api_docs=True))) as client:
        assert client.get("/docs").status_code == 200


@pytest.mark.browser
@pytest.mark.skipif(not CHROMIUM.exists(), reason="Debian's chromium is not installed")
def test_swagger_ui_renders_in_chromium_without_leaving_the_server(
    settings: Settings, tmp_path: Path
) -> None:
    from playwright.sync_api import expect, sync_playwright

    problems: list[str] = []
    elsewhere: list[str] = []
    with serve_in_thread(create_app(settings)) as base, sync_playwright() as playwright:
        browser = launch_chromium(playwright)
        page = browser.new_page()
        page.on(
            "console", lambda m: problems.append(m.text) if m.type in ("error", "warning") else None
        )
        page.on("pageerror", lambda e: problems.append(str(e)))
        page.on(
            "request",
            lambda r: None if r.url.startswith((base, "data:")) else elsewhere.append(r.url),
        )
        page.goto(f"{base}/docs")
        expect(page.get_by_role("heading", name="NetSafe")).to_be_visible(timeout=30_000)
        expect(page.get_by_text("/api/v1/referrals").first).to_be_visible()
        page.screenshot(path=str(tmp_path / "docs.png"))
        browser.close()
    assert problems == []
    assert elsewhere == []
