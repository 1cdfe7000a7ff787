"""The anonymous counters' rate limit (issue 16 point 12): funnel steps and self-help events are
counted at most `COUNTER_CALLS_PER_WINDOW` times per client and window — like the report form —
and nothing stored names the client: only a keyed hash that changes with every window."""

from __future__ import annotations

from fastapi.testclient import TestClient
from sqlalchemy import Engine, select

from netsafe.settings import Settings
from netsafe.store.engine import make_session_factory, unit_of_work
from netsafe.store.models.platform import ReportRateRow
from netsafe.web.app import create_app
from netsafe.web.prevention.public import COUNTER_CALLS_PER_WINDOW
from netsafe.web.rate_limit import ReportRateLimit
from tests.web.prevention.test_api import today_totals
from tests.web.prevention.web_helpers import write_prevention_file

CLIENT = ("192.0.2.41", 50000)  # a documentation address
OTHER = ("198.51.100.7", 50000)


def _stored_keys(engine: Engine) -> list[str]:
    with unit_of_work(make_session_factory(engine)) as session:
        return [row.client_key for row in session.scalars(select(ReportRateRow))]


def test_funnel_posts_are_limited_per_client(settings: Settings, engine: Engine) -> None:
    write_prevention_file(settings)
    app = create_app(settings)
    client = TestClient(app, client=CLIENT)
    answers = [
        client.post("/api/v1/prevention/funnel/helpline-click").status_code
        for _ in range(COUNTER_CALLS_PER_WINDOW + 10)
    ]
    assert answers.count(204) == COUNTER_CALLS_PER_WINDOW
    assert answers[COUNTER_CALLS_PER_WINDOW:] == [429] * 10
    _self_help, funnel = today_totals(engine)
    assert funnel.get("helpline-click") == COUNTER_CALLS_PER_WINDOW
    # another client still counts
    other = TestClient(app, client=OTHER)
    assert other.post("/api/v1/prevention/funnel/chat-click").status_code == 204
    # nothing stored holds an address
    keys = _stored_keys(engine)
    assert len(keys) == 2
    for key in keys:
        assert CLIENT[0] not in key
        assert OTHER[0] not in key
        assert len(key) == 64


def test_the_stored_key_changes_with_the_window(settings: Settings, engine: Engine) -> None:
    write_prevention_file(settings)
    app = create_app(settings)
    now = [1_800_000_000.0]
    app.state.counter_limit = ReportRateLimit(2, 600, clock=lambda: now[0], scope="counters")
    client = TestClient(app, client=CLIENT)
    for _ in range(2):
        assert client.post("/api/v1/prevention/funnel/chat-click").status_code == 204
    first = _stored_keys(engine)
    assert client.post("/api/v1/prevention/funnel/helpline-click").status_code == 429
    assert client.post("/api/v1/prevention/self-help/zebra/started").status_code == 429
    now[0] += 600
    assert client.post("/api/v1/prevention/funnel/helpline-click").status_code == 204
    second = _stored_keys(engine)
    assert len(first) == len(second) == 1
    assert first != second  # the old window's row is gone, the new key unlinkable to it
