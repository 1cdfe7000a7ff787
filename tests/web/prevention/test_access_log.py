"""Prevention and deterrence requests are logged without the client's address."""

from __future__ import annotations

import logging
from pathlib import Path

import httpx
import pytest
from fastapi.testclient import TestClient

from netsafe.settings import Settings, load_settings
from netsafe.web.anonymous_requests import (
    ACCESS_LOGGER,
    AnonymousAccessFilter,
    install_access_log_filter,
    is_anonymous_path,
)
from netsafe.web.app import create_app
from tests.browser_support import serve_in_thread
from tests.web.prevention.web_helpers import write_prevention_file


def access_record(client: str, path: str) -> logging.LogRecord:
    """A record as uvicorn's access logger makes it."""
    return logging.LogRecord(
        ACCESS_LOGGER, logging.INFO, __file__, 1, '%s - "%s %s HTTP/%s" %d',
        (client, "POST", path, "1.1", 204), None,
    )  # fmt: skip


@pytest.mark.parametrize(
    "path",
    [
        "/api/v1/deterrence/check",
        "/api/v1/prevention/self-help/managing-urges/started",
        "/api/v1/prevention/funnel/helpline-click",
        "/help",
        "/help/chat",
        "/help?x=1",
        "/prevention/contacts/new",
    ],
)
def test_prevention_paths_lose_the_client_address(path: str) -> None:
    record = access_record("203.0.113.7:51234", path)
    assert AnonymousAccessFilter().filter(record)
    assert "203.0.113.7" not in record.getMessage()
    assert record.getMessage().startswith('- - "POST')


@pytest.mark.parametrize("path", ["/api/v1/referrals", "/helpers", "/login", "/healthz"])
def test_other_paths_keep_it(path: str) -> None:
    record = access_record("203.0.113.7:51234", path)
    AnonymousAccessFilter().filter(record)
    assert "203.0.113.7" in record.getMessage()
    assert not is_anonymous_path(path)


def test_the_app_installs_the_filter_when_it_starts(tmp_path: Path) -> None:
    logger = logging.getLogger(ACCESS_LOGGER)
    for existing in list(logger.filters):
        logger.removeFilter(existing)
    settings = load_settings(
        env="test", home=tmp_path, database_url="sqlite://", secret_key="access-log-key-0123456789"
    )
    with TestClient(create_app(settings)):
        assert any(isinstance(f, AnonymousAccessFilter) for f in logger.filters)
    assert install_access_log_filter() is install_access_log_filter()  # installed once


class Capture(logging.Handler):
    def __init__(self) -> None:
        super().__init__()
        self.lines: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.lines.append(record.getMessage())


def test_a_real_uvicorn_server_logs_no_address_for_prevention(settings: Settings) -> None:
    write_prevention_file(settings)
    capture = Capture()
    logger = logging.getLogger(ACCESS_LOGGER)
    logger.addHandler(capture)
    logger.setLevel(logging.INFO)
    try:
        app = create_app(settings)
        # httpx's 5 s default is shorter than a first request can take on a loaded CI machine
        with (
            serve_in_thread(app, log_config=None, log_level="info") as base,
            httpx.Client(base_url=base, timeout=60) as http,
        ):
            http.post("/api/v1/deterrence/check", json={"query": "zebra-test-term"})
            http.post("/api/v1/prevention/self-help/managing-urges/started")
            http.get("/help")
            http.get("/healthz")
    finally:
        logger.removeHandler(capture)
    prevention = [line for line in capture.lines if "/healthz" not in line]
    assert len(prevention) == 3, capture.lines
    assert all("127.0.0.1" not in line for line in prevention)
    assert any("127.0.0.1" in line for line in capture.lines if "/healthz" in line)
