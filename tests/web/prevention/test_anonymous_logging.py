"""#16.3: no request the help, report or deterrence pages cause — their static files included —
logs a client address or a time finer than the day, in NetSafe's own log (JSON lines, as
`netsafe serve` writes them) or in its audit log. Other requests keep both."""

from __future__ import annotations

import asyncio
import json
import logging
import re
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine, select
from starlette.types import Receive, Scope, Send

from netsafe.log_config import JsonFormatter
from netsafe.settings import Settings
from netsafe.store.audit_seal import seal_pending
from netsafe.store.engine import make_session_factory, unit_of_work
from netsafe.store.models.platform import AuditRow
from netsafe.web.anonymous_requests import (
    ACCESS_LOGGER,
    AnonymousAccessFilter,
    AnonymousRequestMiddleware,
    install_day_only_records,
)
from netsafe.web.app import create_app
from tests.browser_support import CHROMIUM, serve_in_thread
from tests.web.prevention.web_helpers import write_prevention_file

DAY = re.compile(r"^\d{4}-\d{2}-\d{2}$")
ASSET = re.compile(r'(?:href|src)="(?:https?://[^/"]+)?(/static/[^"]+)"')
HIDDEN_CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')


class JsonLines(logging.Handler):
    """NetSafe's log as `netsafe serve` writes it: one JSON object per record."""

    def __init__(self) -> None:
        super().__init__()
        self.setFormatter(JsonFormatter())
        self.entries: list[dict[str, object]] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.entries.append(json.loads(self.format(record)))


@pytest.fixture
def log_lines() -> Iterator[JsonLines]:
    handler = JsonLines()
    root, access = logging.getLogger(), logging.getLogger(ACCESS_LOGGER)
    # whatever earlier tests left on the access logger (uvicorn's own config stops propagation)
    saved = (access.level, access.propagate, access.disabled)
    root.addHandler(handler)
    access.addHandler(handler)
    access.setLevel(logging.INFO)
    access.propagate, access.disabled = False, False
    try:
        yield handler
    finally:
        root.removeHandler(handler)
        access.removeHandler(handler)
        access.level, access.propagate, access.disabled = saved


def served_by_netsafe(entry: dict[str, object]) -> bool:
    """A line of the server's log about requests (not the server starting or stopping, not the
    test's own HTTP client, which logs too once a test has set the root level to INFO)."""
    logger = str(entry["logger"])
    if logger == "netsafe.web.startup":  # what the app starts with, before any request
        return False
    return logger == ACCESS_LOGGER or logger.startswith("netsafe")


def access_record(path: str) -> logging.LogRecord:
    return logging.LogRecord(
        ACCESS_LOGGER, logging.INFO, __file__, 1, '%s - "%s %s HTTP/%s" %d',
        ("203.0.113.7:51234", "GET", path, "1.1", 200), None,
    )  # fmt: skip


@pytest.mark.parametrize(
    "path",
    [
        "/static/prevention-help.js",
        "/static/prevention.css",
        "/static/netsafe.css",
        "/report",
        "/help",
        "/api/v1/deterrence/check",
        "/api/v1/prevention/funnel/helpline-click",
    ],
)
def test_help_report_deterrence_and_static_lines_keep_neither_address_nor_time(path: str) -> None:
    record = access_record(path)
    AnonymousAccessFilter().filter(record)
    entry = json.loads(JsonFormatter().format(record))
    assert "203.0.113.7" not in json.dumps(entry)
    assert DAY.match(str(entry["time"])), entry["time"]


@pytest.mark.parametrize("path", ["/login", "/api/v1/referrals", "/healthz"])
def test_other_lines_keep_both(path: str) -> None:
    record = access_record(path)
    AnonymousAccessFilter().filter(record)
    entry = json.loads(JsonFormatter().format(record))
    assert "203.0.113.7" in str(entry["message"])
    assert "T" in str(entry["time"])


def test_any_record_made_during_an_anonymous_request_keeps_the_day_only() -> None:
    install_day_only_records()
    made: list[logging.LogRecord] = []

    class Keep(logging.Handler):
        def emit(self, record: logging.LogRecord) -> None:
            made.append(record)

    logger = logging.getLogger("netsafe.test.anonymous")
    logger.addHandler(keep := Keep())
    logger.setLevel(logging.INFO)

    async def app(scope: Scope, receive: Receive, send: Send) -> None:
        logger.warning("handling %s", scope["path"])

    async def nothing() -> dict[str, object]:
        return {"type": "http.disconnect"}

    async def ignore(message: object) -> None:
        return None

    try:
        wrapped = AnonymousRequestMiddleware(app)
        for path in ("/help", "/login"):
            asyncio.run(wrapped({"type": "http", "path": path}, nothing, ignore))  # type: ignore[arg-type]
    finally:
        logger.removeHandler(keep)
    entries = [json.loads(JsonFormatter().format(record)) for record in made]
    assert DAY.match(entries[0]["time"])
    assert not DAY.match(entries[1]["time"])


def _browse_help_report_deterrence(base: str) -> list[str]:
    """What a visitor's browser fetches on the help and report pages; the asset paths seen."""
    # httpx's 5 s default is shorter than a first request can take on a loaded machine
    with httpx.Client(base_url=base, timeout=60) as client:
        help_page = client.get("/help")
        assert help_page.status_code == 200
        form = client.get("/report")
        assets = sorted(set(ASSET.findall(help_page.text) + ASSET.findall(form.text)))
        for asset in assets:
            assert client.get(asset).status_code == 200, asset
        token = HIDDEN_CSRF.search(form.text)
        assert token is not None
        sent = client.post(
            "/report",
            data={
                "url": "https://example.org/synthetic",
                "description": "A synthetic report sent by the logging test.",
                "csrf_token": token[1],
            },
        )
        assert sent.status_code == 201, sent.text
        client.post("/api/v1/deterrence/check", json={"query": "zebra-test-term"})
        client.post("/api/v1/prevention/funnel/helpline-click")
        client.get("/healthz")
    return assets


def test_a_real_server_logs_help_report_and_deterrence_requests_anonymously(
    settings: Settings, engine: Engine, log_lines: JsonLines
) -> None:
    write_prevention_file(settings)
    with serve_in_thread(create_app(settings), log_config=None, log_level="info") as base:
        assets = _browse_help_report_deterrence(base)
    assert "/static/prevention-help.js" in assets
    assert "/static/prevention.css" in assets
    # every line but the server's own start/stop lines and the health checks
    anonymous = [
        e for e in log_lines.entries if served_by_netsafe(e) and "/healthz" not in str(e["message"])
    ]
    requests = [e for e in anonymous if e["logger"] == ACCESS_LOGGER]
    assert len(requests) >= len(assets) + 5, [e["message"] for e in requests]
    for entry in anonymous:
        assert "127.0.0.1" not in json.dumps(entry), entry
        assert DAY.match(str(entry["time"])), entry
    health = [e for e in log_lines.entries if "/healthz" in str(e["message"])]
    assert health
    assert all("127.0.0.1" in str(e["message"]) for e in health)
    # the audit log: the public report is recorded without address or time of day
    seal_pending(engine)
    with unit_of_work(make_session_factory(engine)) as session:
        rows = session.execute(
            select(AuditRow.at, AuditRow.client).where(AuditRow.action == "referral.create")
        ).all()
    assert len(rows) == 1
    at, client = rows[0]
    assert client is None
    assert (at.hour, at.minute, at.second, at.microsecond) == (0, 0, 0, 0)


def test_logged_in_requests_keep_their_audit_address(settings: Settings, engine: Engine) -> None:
    from netsafe.platform.roles import Role
    from tests.platform.platform_helpers import PASSWORD, add_user

    add_user(engine, "lead", agency="regional-unit", role=Role.OPERATION_LEAD)
    with TestClient(create_app(settings)) as client:
        ok = client.post("/api/v1/auth/token", data={"username": "lead", "password": PASSWORD})
        assert ok.status_code == 200
    seal_pending(engine)
    with unit_of_work(make_session_factory(engine)) as session:
        client_seen = session.scalar(select(AuditRow.client).where(AuditRow.action == "auth.token"))
    assert client_seen == "testclient"


@pytest.mark.browser
def test_a_browser_on_the_help_page_leaves_no_address_or_time(
    tmp_path: Path, settings: Settings, log_lines: JsonLines
) -> None:
    if not CHROMIUM.exists():
        pytest.skip("Debian's chromium is not installed")
    from playwright.sync_api import expect, sync_playwright

    from tests.browser_support import launch_chromium

    write_prevention_file(settings)
    with (
        serve_in_thread(create_app(settings), log_config=None, log_level="info") as base,
        sync_playwright() as playwright,
    ):
        browser = launch_chromium(playwright)
        page = browser.new_page()
        page.goto(f"{base}/help")
        expect(page.locator("h1")).to_be_visible()
        page.goto(f"{base}/report")
        expect(page.locator("h1")).to_be_visible()
        browser.close()
    lines = [e for e in log_lines.entries if e["logger"] == ACCESS_LOGGER]
    paths = " ".join(str(e["message"]) for e in lines)
    assert "/static/prevention-help.js" in paths
    assert "/static/prevention.css" in paths
    for entry in log_lines.entries:
        if not served_by_netsafe(entry) or "/healthz" in str(entry["message"]):
            continue  # the test's own client, and serve_in_thread's health checks
        assert "127.0.0.1" not in json.dumps(entry), entry
        assert DAY.match(str(entry["time"])), entry
