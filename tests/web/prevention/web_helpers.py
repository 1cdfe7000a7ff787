"""Helpers for the prevention web tests: an app on the test database, users and bearer tokens."""

from __future__ import annotations

from fastapi.testclient import TestClient
from sqlalchemy import Engine

from netsafe.platform.roles import Role
from netsafe.settings import Settings
from tests.web.support import authorization, mint_token

PREVENTION_FILE = """
[helpline]
name = "Test helpline"
phone = "0800 000 0000"
chat_url = "https://help.example.test/chat"
web_url = "https://help.example.test"

[deterrence]
terms = ["zebra-test-term"]
url_patterns = ["*.example.test/zebra-*"]
hashes = ["69c459dd76c6198f72f0c20ddd3c9447"]

[self_help]
modules = ["managing-urges", "staying-safe-online"]
"""


def write_prevention_file(settings: Settings, text: str = PREVENTION_FILE) -> None:
    settings.ensure_home()
    (settings.home / "prevention.toml").write_text(text, encoding="utf-8")


def agency_of(role: Role) -> str:
    return "charity" if role.is_charity else "south-wales"


def make_token(engine: Engine, settings: Settings, role: Role, agency: str | None = None) -> str:
    """A user with `role` (in the charity for charity roles, else a force) and a bearer token."""
    return mint_token(engine, settings, role, agency or agency_of(role))


def bearer(token: str) -> dict[str, str]:
    return authorization(token)


def client_for(app: object) -> TestClient:
    return TestClient(app, follow_redirects=False)  # type: ignore[arg-type]
