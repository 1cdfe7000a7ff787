"""Helpers for the prevention web tests: the prevention file, a client for another app, the agency
a test gives a police role."""

from __future__ import annotations

from fastapi.testclient import TestClient

from netsafe.platform.roles import Role
from netsafe.settings import Settings

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
    """The charity for charity roles, else a force (South Wales): whom the wall tests ask for."""
    return "charity" if role.is_charity else "south-wales"


def client_for(app: object) -> TestClient:
    return TestClient(app, follow_redirects=False)  # type: ignore[arg-type]
