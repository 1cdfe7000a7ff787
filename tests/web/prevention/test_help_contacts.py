"""The helpline's contacts on the help page (#17 point 7): required in production (the server
refuses to start, naming the missing keys and the file), completed from the example configuration
in development (the startup log says which were used), shown as a number, a chat and a link."""

from __future__ import annotations

import logging
import secrets

import pytest
from fastapi.testclient import TestClient

from netsafe.prevention.help_contacts import EXAMPLE_FILE, HelpContactsMissingError
from netsafe.prevention.settings_file import load_prevention_config
from netsafe.settings import Settings, load_settings
from netsafe.web.app import create_app
from tests.cli_runner import run_cli

SECRET = secrets.token_urlsafe(32)
AUDIT_KEY = secrets.token_urlsafe(32)


def _with_env(settings: Settings, env: str) -> Settings:
    keys = {"secret_key": SECRET, "audit_key": AUDIT_KEY} if env == "production" else {}
    return load_settings(
        env=env,
        home=settings.home,
        database_url=settings.sqlalchemy_url,
        **({"secret_key": settings.secret_key} | keys),
    )


def _write(settings: Settings, helpline: str) -> None:
    text = f"[helpline]\n{helpline}\n"
    (settings.ensure_home() / "prevention.toml").write_text(text, encoding="utf-8")


def test_production_refuses_to_start_without_the_helplines_number_and_site(
    settings: Settings,
) -> None:
    production = _with_env(settings, "production")
    with pytest.raises(HelpContactsMissingError) as refused:
        create_app(production)
    message = str(refused.value)
    assert "[helpline] phone and [helpline] web_url missing" in message
    assert str(settings.home / "prevention.toml") in message
    _write(settings, 'phone = "0800 000 0000"')
    with pytest.raises(HelpContactsMissingError, match=r"\[helpline\] web_url missing"):
        create_app(production)
    _write(settings, 'phone = "0800 000 0000"\nweb_url = "https://help.example.org"')
    with TestClient(create_app(production)) as client:
        page = client.get("/help").text
    assert 'href="tel:08000000000"' in page
    assert 'href="https://help.example.org"' in page
    assert 'href="/help/chat"' not in page  # no chat configured: no chat link


def test_netsafe_serve_in_production_names_the_missing_setting(
    settings: Settings, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    for name, value in {
        "NETSAFE_ENV": "production",
        "NETSAFE_HOME": str(settings.ensure_home()),
        "NETSAFE_DATABASE_URL": settings.sqlalchemy_url,
        "NETSAFE_SECRET_KEY": SECRET,
        "NETSAFE_AUDIT_KEY": AUDIT_KEY,
    }.items():
        monkeypatch.setenv(name, value)
    result = run_cli(capsys, monkeypatch, "serve", "--port", "1")
    assert result.exit_code == 2
    assert "[helpline] phone and [helpline] web_url missing" in result.stderr


def test_development_shows_the_example_contacts_and_says_so_at_startup(
    settings: Settings, caplog: pytest.LogCaptureFixture
) -> None:
    example = load_prevention_config(EXAMPLE_FILE).helpline
    assert example.phone
    assert example.chat_url
    assert example.web_url
    _write(settings, 'phone = "0800 111 1111"')  # the operator's number; the rest from the example
    with caplog.at_level(logging.INFO, logger="netsafe.web.startup"):
        app = create_app(_with_env(settings, "development"))
    startup = [r.getMessage() for r in caplog.records if "help page contacts" in r.getMessage()]
    assert len(startup) == 1
    assert f"phone='0800 111 1111' ({settings.home / 'prevention.toml'})" in startup[0]
    assert f"web_url={example.web_url!r} (example configuration" in startup[0]
    assert "development only" in startup[0]
    with TestClient(app, follow_redirects=False) as client:
        page = client.get("/help").text
        assert "0800 111 1111" in page
        assert example.web_url in page
        assert 'href="/help/chat"' in page
        assert client.get("/help/chat").headers["location"] == example.chat_url


def test_the_test_environment_shows_only_what_the_file_says(settings: Settings) -> None:
    with TestClient(create_app(settings), follow_redirects=False) as client:
        page = client.get("/help").text
        assert "tel:" not in page
        assert client.get("/help/chat").status_code == 404
