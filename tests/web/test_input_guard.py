"""What no request may do (issue 16 points 8, 9, 10): text a database cannot store (NUL, a lone
surrogate) is a 422 on both backends; bodies are capped per route and errors never repeat the
input; ids and offsets past the columns' range are 4xx, never 500; a failed handler answers JSON
and keeps the keep-alive connection; every refusal and failure is audited."""

from __future__ import annotations

import http.client
import json
from collections.abc import Iterator
from urllib.parse import urlsplit

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import Engine

from netsafe.platform.audit import AuditQuery
from netsafe.settings import Settings
from netsafe.store.engine import make_session_factory, unit_of_work
from netsafe.store.repositories.audit import SqlAuditRepository
from netsafe.web.app import create_app
from netsafe.web.input_guard import DEFAULT_BODY_LIMIT, SMALL_BODY_LIMIT
from tests.browser_support import serve_in_thread
from tests.web.trust_support import RECEIVED, Headers, new_referral, police_headers


class HandlerFailedError(RuntimeError):
    """What the test route raises."""


def _app(settings: Settings) -> FastAPI:
    """The app, with one extra route whose handler fails (as a bug would)."""
    app = create_app(settings)

    def broken() -> None:
        raise HandlerFailedError("a bug")

    app.add_api_route("/api/v1/test-broken", broken, methods=["GET"])
    return app


@pytest.fixture
def client(settings: Settings) -> Iterator[TestClient]:
    with TestClient(_app(settings), raise_server_exceptions=False) as client:
        yield client


@pytest.fixture
def headers(engine: Engine, settings: Settings) -> dict[str, Headers]:
    return police_headers(engine, settings)


def _audited(engine: Engine, action: str) -> list[str]:
    with unit_of_work(make_session_factory(engine)) as session:
        events = SqlAuditRepository(session).query(AuditQuery(action=action, limit=500))
        return [f"{e.event.resource_id} {e.event.outcome} {e.event.detail}" for e in events]


def _referral_json(summary: str) -> str:
    """A referral body as JSON text (escapes such as \\ud800 are written as they are)."""
    head = f'{{"source": "partner", "force": "gwent", "received_at": "{RECEIVED.isoformat()}"'
    return head + f', "summary": "{summary}"}}'


@pytest.mark.parametrize(
    "summary", ["zebra\\u0000test", "zebra\\ud800test", "\\udfff", "zebra\\ud83d"]
)
def test_unstorable_text_in_json_is_422(
    client: TestClient, headers: dict[str, Headers], engine: Engine, summary: str
) -> None:
    response = client.post(
        "/api/v1/referrals",
        headers={**headers["gwent"], "content-type": "application/json"},
        content=_referral_json(summary),
    )
    assert response.status_code == 422, response.text
    assert response.json()["code"] == "unstorable_text"
    assert "body.summary" in response.json()["detail"]
    assert any("POST /api/v1/referrals" in e for e in _audited(engine, "request.refused"))
    assert client.get("/api/v1/referrals", headers=headers["gwent"]).json() == []


def test_a_surrogate_pair_is_text_like_any_other(
    client: TestClient, headers: dict[str, Headers]
) -> None:
    response = client.post(
        "/api/v1/referrals",
        headers={**headers["gwent"], "content-type": "application/json"},
        content=_referral_json("zebra \\ud83d\\ude00 test"),
    )
    assert response.status_code == 201, response.text
    assert response.json()["summary"] == "zebra \U0001f600 test"


@pytest.mark.parametrize(
    ("path", "form"),
    [
        ("/login", {"username": "gwent\x00.inv", "password": "x"}),
        ("/login", {"username": "gwent.inv", "password": "pass\x00word"}),
        ("/report", {"url": "https://example.org/\x00", "description": "zebra-test-term"}),
        ("/report", {"url": "https://example.org/", "description": "zebra\x00test"}),
    ],
)
def test_nul_in_a_form_is_422_and_audited(
    client: TestClient, engine: Engine, path: str, form: dict[str, str]
) -> None:
    response = client.post(path, data=form, follow_redirects=False)
    assert response.status_code == 422, response.text
    assert response.json()["code"] == "unstorable_text"
    assert any(f"POST {path}" in e for e in _audited(engine, "request.refused"))


@pytest.mark.parametrize(
    "url",
    ["/api/v1/referrals?force=gwent%00", "/api/v1/referrals/1%00", "/help?zebra=%00"],
)
def test_nul_in_path_or_query_is_422(
    client: TestClient, headers: dict[str, Headers], url: str
) -> None:
    response = client.get(url, headers=headers["gwent"])
    assert response.status_code == 422, response.text


@pytest.mark.parametrize(
    "url",
    [
        "/api/v1/referrals/9223372036854775808",
        "/api/v1/referrals/9223372036854775807",
        "/api/v1/referrals/3000000000",
        "/api/v1/subjects/18446744073709551616",
        "/api/v1/exhibits/2147483648",
        "/api/v1/referrals?offset=10000000000000000000",
        "/api/v1/referrals?offset=9223372036854775808",
        "/api/v1/warrants?offset=10000000000000000000",
        "/api/v1/referrals?limit=10000000000000000000",
    ],
)
def test_numbers_past_the_columns_are_4xx(
    client: TestClient, headers: dict[str, Headers], url: str
) -> None:
    response = client.get(url, headers=headers["gwent"])
    assert 400 <= response.status_code < 500, response.text
    assert response.json()["code"]


def test_ints_past_64_bits_in_json_are_422(client: TestClient, headers: dict[str, Headers]) -> None:
    referral_id = new_referral(client, headers["gwent"], "gwent")
    body = (
        f'{{"referral_id": {referral_id}, "children_identified": 100000000000000000000,'
        ' "children_safeguarded": 0, "referred_to_childrens_services": false}'
    )
    response = client.post(
        "/api/v1/safeguarding",
        headers={**headers["gwent"], "content-type": "application/json"},
        content=body,
    )
    assert response.status_code == 422, response.text
    big_but_64 = body.replace("100000000000000000000", str(2**62))
    response = client.post(
        "/api/v1/safeguarding",
        headers={**headers["gwent"], "content-type": "application/json"},
        content=big_but_64,
    )
    assert response.status_code == 422, response.text  # the same on SQLite and PostgreSQL


def _stream(total: int, chunk: int = 1024 * 1024) -> Iterator[bytes]:
    sent = 0
    yield b'{"summary": "'
    while sent < total:
        yield b"z" * chunk
        sent += chunk


def test_a_100_mb_body_is_refused_without_being_read_or_echoed(
    client: TestClient, headers: dict[str, Headers], engine: Engine
) -> None:
    response = client.post(
        "/api/v1/referrals",
        headers={**headers["gwent"], "content-type": "application/json"},
        content=_stream(100 * 1024 * 1024),
    )
    assert response.status_code == 413
    assert len(response.content) < 1024
    assert response.json()["code"] == "body_too_large"
    declared = client.post(
        "/api/v1/referrals",
        headers={
            **headers["gwent"],
            "content-type": "application/json",
            "content-length": str(DEFAULT_BODY_LIMIT + 1),
        },
        content=b"{}" + b" " * (DEFAULT_BODY_LIMIT - 1),
    )
    assert declared.status_code == 413
    assert any("body_too_large" in e for e in _audited(engine, "request.refused"))


def test_small_routes_have_small_caps(client: TestClient) -> None:
    form = {"url": "https://example.org/", "description": "z" * (SMALL_BODY_LIMIT + 10)}
    assert client.post("/report", data=form).status_code == 413
    assert client.post("/login", data={"username": "z" * SMALL_BODY_LIMIT}).status_code == 413


def test_validation_errors_never_repeat_the_input(
    client: TestClient, headers: dict[str, Headers]
) -> None:
    marker = "zebra-test-term-" * 1000
    response = client.post(
        "/api/v1/referrals",
        headers=headers["gwent"],
        json={"source": "partner", "force": "gwent", "received_at": marker, "summary": marker},
    )
    assert response.status_code == 422
    assert "zebra-test-term" not in response.text
    assert len(response.content) < 2048
    body = response.json()
    assert body["code"] == "invalid_input"
    assert {tuple(item["loc"]) for item in body["detail"]} >= {("body", "received_at")}


def test_a_multipart_body_is_refused_off_the_upload_route(
    client: TestClient, headers: dict[str, Headers]
) -> None:
    response = client.post(
        "/api/v1/referrals", headers=headers["gwent"], files={"file": ("a.txt", b"zebra")}
    )
    assert response.status_code == 415


def test_a_failed_handler_answers_json_and_is_audited(client: TestClient, engine: Engine) -> None:
    response = client.get("/api/v1/test-broken")
    assert response.status_code == 500
    assert response.json() == {
        "detail": "the server could not complete the request",
        "code": "internal_error",
    }
    assert response.headers["x-content-type-options"] == "nosniff"
    events = _audited(engine, "request.failed")
    assert any("GET /api/v1/test-broken failed HandlerFailedError" in e for e in events), events


@pytest.mark.slow
def test_the_connection_stays_open_after_errors(settings: Settings) -> None:
    """One keep-alive connection: a 500, a 422, a 404 and a 413, then a good request."""
    with serve_in_thread(_app(settings)) as base:
        address = urlsplit(base)
        connection = http.client.HTTPConnection(address.hostname or "", address.port, timeout=10)
        calls = [
            ("GET", "/api/v1/test-broken", None, 500),
            ("GET", "/help?zebra=%00", None, 422),
            ("GET", "/api/v1/zebra-no-such-route", None, 404),
            ("POST", "/report", b"z" * (SMALL_BODY_LIMIT + 1), 413),
            ("GET", "/healthz", None, 200),
        ]
        sockets = set()
        for method, path, body, status in calls:
            extra = {"content-type": "application/x-www-form-urlencoded"} if body else {}
            connection.request(method, path, body=body, headers=extra)
            sockets.add(id(connection.sock))
            answer = connection.getresponse()
            answer.read()
            assert answer.status == status, (path, answer.status)
            assert answer.getheader("connection", "").lower() != "close", path
        assert len(sockets) == 1
        connection.close()
        json.dumps(calls[0][1])
