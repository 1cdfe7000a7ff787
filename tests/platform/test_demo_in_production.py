"""Demo data under production (#16.2): `netsafe demo` refuses, demo accounts cannot log in, and a
production server refuses a database holding demo data unless `--allow-demo-data` (then a
banner on every page)."""

from __future__ import annotations

import os
import secrets
import subprocess
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

import httpx
import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine, func, select

from netsafe.platform.agencies import ensure_agencies
from netsafe.platform.demo_users import DEMO_PASSWORD, ensure_demo_users
from netsafe.platform.roles import Role
from netsafe.settings import Settings, load_settings
from netsafe.store.engine import make_session_factory, unit_of_work
from netsafe.store.models.demo import DemoDatasetRow
from netsafe.store.repositories.agencies import SqlAgencyRepository
from netsafe.store.repositories.users import SqlUserRepository
from netsafe.web.app import create_app
from netsafe.web.demo_guard import DEMO_BANNER, DemoDataRefusedError
from tests.browser_support import free_port
from tests.cli_runner import run_cli
from tests.platform.platform_helpers import PASSWORD, add_user

SECRET = secrets.token_urlsafe(32)
AUDIT_KEY = secrets.token_urlsafe(32)


#: A production server needs the helpline's contacts (`netsafe.prevention.help_contacts`).
HELP_CONTACTS = '[helpline]\nphone = "0800 000 0000"\nweb_url = "https://help.example.org"\n'


def write_help_contacts(settings: Settings) -> None:
    (settings.ensure_home() / "prevention.toml").write_text(HELP_CONTACTS, encoding="utf-8")


def production(settings: Settings, **extra: object) -> Settings:
    write_help_contacts(settings)
    return load_settings(
        env="production",
        home=settings.home,
        database_url=settings.sqlalchemy_url,
        secret_key=SECRET,
        audit_key=AUDIT_KEY,
        **extra,
    )


def production_env(settings: Settings) -> dict[str, str]:
    write_help_contacts(settings)
    return {
        "NETSAFE_ENV": "production",
        "NETSAFE_HOME": str(settings.home),
        "NETSAFE_DATABASE_URL": settings.sqlalchemy_url,
        "NETSAFE_SECRET_KEY": SECRET,
        "NETSAFE_AUDIT_KEY": AUDIT_KEY,
    }


def seed_demo_accounts(engine: Engine) -> None:
    """Demo accounts made in development, on the database production then serves."""
    with unit_of_work(make_session_factory(engine)) as session:
        ensure_agencies(SqlAgencyRepository(session))
        ensure_demo_users(
            SqlUserRepository(session),
            SqlAgencyRepository(session),
            environment="development",
            now=datetime.now(UTC),
        )


def test_netsafe_demo_refuses_in_production(
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    settings: Settings,
    engine: Engine,
) -> None:
    for name, value in production_env(settings).items():
        monkeypatch.setenv(name, value)
    result = run_cli(capsys, monkeypatch, "demo", "--json")
    assert result.exit_code == 2
    assert "refuses to run when NETSAFE_ENV=production" in result.stderr
    with unit_of_work(make_session_factory(engine)) as session:
        assert session.scalar(select(func.count()).select_from(DemoDatasetRow)) == 0
        assert SqlUserRepository(session).all() == []


def test_demo_accounts_cannot_log_in_under_production(settings: Settings, engine: Engine) -> None:
    seed_demo_accounts(engine)
    add_user(engine, "real.admin", agency="regional-unit", role=Role.ADMIN)
    add_user(engine, "lazy.admin", agency="regional-unit", role=Role.ADMIN, password=DEMO_PASSWORD)
    with TestClient(create_app(production(settings, allow_demo_data=True))) as client:
        for username in ("admin.regional-unit", "helpline.charity", "lazy.admin"):
            refused = client.post(
                "/api/v1/auth/token", data={"username": username, "password": DEMO_PASSWORD}
            )
            assert refused.status_code == 401, username
            assert "demo accounts cannot log in" in refused.json()["detail"]
        real = client.post(
            "/api/v1/auth/token", data={"username": "real.admin", "password": PASSWORD}
        )
        assert real.status_code == 200
    # the same database in development: the demo accounts work (nothing else changed)
    with TestClient(create_app(settings)) as client:
        demo = client.post(
            "/api/v1/auth/token",
            data={"username": "admin.regional-unit", "password": DEMO_PASSWORD},
        )
        assert demo.status_code == 200


def test_production_app_refuses_demo_data_unless_allowed_then_says_so_on_every_page(
    settings: Settings, engine: Engine
) -> None:
    with TestClient(create_app(production(settings))) as client:  # no demo data: no banner
        assert DEMO_BANNER not in client.get("/login").text
    seed_demo_accounts(engine)
    with pytest.raises(DemoDataRefusedError, match="--allow-demo-data"):
        create_app(production(settings))
    with TestClient(create_app(production(settings, allow_demo_data=True))) as client:
        for path in ("/login", "/help", "/report"):
            assert DEMO_BANNER in client.get(path).text, path
    with TestClient(create_app(settings)) as client:  # development: no banner
        assert DEMO_BANNER not in client.get("/login").text


def _serve(settings: Settings, *options: str) -> subprocess.Popen[str]:
    port = free_port()
    env = {**os.environ, **production_env(settings)}
    command = [sys.executable, "-m", "netsafe", "serve", "--port", str(port), *options]
    process = subprocess.Popen(
        command, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    )
    process.port = port  # type: ignore[attr-defined]
    return process


@pytest.mark.slow
def test_netsafe_serve_refuses_demo_data_in_production(settings: Settings, engine: Engine) -> None:
    seed_demo_accounts(engine)
    refused = _serve(settings)
    try:
        _, stderr = refused.communicate(timeout=60)
    finally:
        refused.kill()
    assert refused.returncode == 2
    assert "holds demo data" in stderr
    assert "--allow-demo-data" in stderr

    allowed = _serve(settings, "--allow-demo-data")
    try:
        base = f"http://127.0.0.1:{allowed.port}"  # type: ignore[attr-defined]
        deadline = time.monotonic() + 60
        page = None
        while time.monotonic() < deadline and allowed.poll() is None:
            try:
                page = httpx.get(f"{base}/login", timeout=2)
                break
            except httpx.HTTPError:
                time.sleep(0.2)
        assert page is not None, allowed.stderr.read() if allowed.stderr else ""
        assert page.status_code == 200
        assert DEMO_BANNER in page.text
    finally:
        allowed.terminate()
        allowed.wait(timeout=30)


@pytest.mark.browser
def test_demo_banner_in_a_browser(tmp_path: Path, settings: Settings, engine: Engine) -> None:
    from tests.browser_support import CHROMIUM, launch_chromium, serve_in_thread

    if not CHROMIUM.exists():
        pytest.skip("Debian's chromium is not installed")
    from playwright.sync_api import expect, sync_playwright

    seed_demo_accounts(engine)
    app = create_app(production(settings, allow_demo_data=True))
    with serve_in_thread(app) as base, sync_playwright() as playwright:
        browser = launch_chromium(playwright)
        page = browser.new_page()
        for path in ("/login", "/help"):
            page.goto(f"{base}{path}")
            expect(page.get_by_role("alert")).to_contain_text("synthetic DEMO data")
        browser.close()
