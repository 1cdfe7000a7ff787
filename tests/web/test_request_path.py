"""The request path's shortcuts keep their promises: coalesced audit seals leave no event behind,
a request's audit events are committed before its answer, the dashboard's kept counts expire and
are dropped when a referral is written, and the Python table-row filters write the same markup as
the macros they replace."""

from __future__ import annotations

import re
import threading
from datetime import UTC, datetime, timedelta
from types import SimpleNamespace

import pytest
from fastapi.testclient import TestClient
from jinja2 import Environment
from sqlalchemy import Engine, func, select

from netsafe.operation.referrals import QueueSummary, Referral, ReferralSource, ReferralStatus
from netsafe.platform.access import Scope
from netsafe.platform.audit import AuditEvent, verify
from netsafe.platform.roles import Role
from netsafe.settings import Settings
from netsafe.store import audit_seal as audit_store
from netsafe.store.engine import make_session_factory, unit_of_work
from netsafe.store.models.platform import AuditPendingRow, AuditRow
from netsafe.store.repositories.audit import SqlAuditRepository
from netsafe.web.app import create_app
from netsafe.web.operation.summary_cache import SummaryCache
from netsafe.web.template_filters import install_template_filters
from tests.platform.platform_helpers import add_user, append_concurrently
from tests.web.support import user_headers

T0 = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)


def event(n: int) -> AuditEvent:
    return AuditEvent(
        at=T0 + timedelta(seconds=n),
        action="referral.read",
        resource_type="referral",
        resource_id=str(n),
        actor_user_id=7,
        actor="gwent.investigator",
        actor_agency="gwent",
        request_id=f"req-{n:08d}",
        client="192.0.2.10",
    )


def _slow_seal(
    monkeypatch: pytest.MonkeyPatch,
) -> tuple[threading.Event, threading.Event, list[str]]:
    """Replace the seal by one that records its thread and holds the first call until released:
    (first call started, release it, the threads that sealed)."""
    started, release = threading.Event(), threading.Event()
    calls: list[str] = []

    def slow_seal(_engine: object, *, wait: bool = True) -> int:
        calls.append(threading.current_thread().name)
        if len(calls) == 1:
            started.set()
            release.wait(10)
        return 0

    monkeypatch.setattr(audit_store, "seal_pending", slow_seal)
    return started, release, calls


def test_a_seal_asked_for_while_one_runs_is_done_by_the_running_one(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    started, release, calls = _slow_seal(monkeypatch)
    flight = audit_store._SealFlight()
    first = threading.Thread(target=flight.seal, args=(None,), name="first")
    first.start()
    assert started.wait(10)
    flight.seal(None)  # type: ignore[arg-type]  # returns at once: "first" is sealing
    assert calls == ["first"]
    release.set()
    first.join(10)
    assert calls == ["first", "first"]  # and "first" sealed once more, for the second caller


def test_a_request_leaves_its_seal_to_a_running_one_without_a_thread(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    started, release, calls = _slow_seal(monkeypatch)
    flight = audit_store._SealFlight()
    assert not flight.leave_to_running()  # nothing running: the caller must seal
    flight._due = False
    first = threading.Thread(target=flight.seal, args=(None,), name="first")
    first.start()
    assert started.wait(10)
    assert flight.leave_to_running()  # left to "first", from the event loop's thread
    release.set()
    first.join(10)
    assert calls == ["first", "first"]  # "first" sealed once more for it


def test_concurrent_requests_leave_no_event_unsealed(engine: Engine) -> None:
    if engine.dialect.name != "postgresql":
        pytest.skip("concurrent writers are a PostgreSQL deployment concern")
    factory = make_session_factory(engine)
    assert append_concurrently(engine, event) == []
    with unit_of_work(factory) as session:  # no seal_pending here: the commits' seals did it all
        assert session.scalar(select(func.count()).select_from(AuditPendingRow)) == 0
        result = verify(SqlAuditRepository(session))
    assert result.ok
    assert result.rows == 200


def test_a_page_read_is_in_the_audit_log_when_its_answer_arrives(
    engine: Engine, settings: Settings
) -> None:
    user = add_user(engine, "lead", agency="regional-unit", role=Role.OPERATION_LEAD)
    headers = user_headers(settings, user)
    with TestClient(create_app(settings)) as client:
        for _ in range(3):
            answer = client.get("/operation/queue", headers=headers)
            assert answer.status_code == 200
    with unit_of_work(make_session_factory(engine)) as session:
        actions = session.scalars(select(AuditRow.action).order_by(AuditRow.id)).all()
        assert session.scalar(select(func.count()).select_from(AuditPendingRow)) == 0
    assert actions.count("referral.list") == 3


#: The dashboard's open-referrals counter (a link to the queue) showing a number.
OPEN_COUNT = r'id="open-count"><a href="[^"]+">{}<'
MACROS = """\
{%- macro when(t) %}{% if t %}<time datetime="{{ t.isoformat() }}">{{ t.strftime('%Y-%m-%d %H:%M') }}</time>{% else %}—{% endif %}{% endmacro %}
{%- macro deadline(r, now) %}{% if r.status.value != 'closed' and r.breached(now) %}<strong class="breach">Breached</strong> {{ when(r.deadline_at) }}{% else %}{{ when(r.deadline_at) }}{% endif %}{% endmacro %}
{%- macro band(value) %}{% if value %}<span class="band band-{{ value }}">{{ value.replace('-', ' ')|title }}</span>{% else %}<span class="band">Unassessed</span>{% endif %}{% endmacro %}
{%- for r in rows %}{{ when(r.received_at) }}|{{ band(r.risk_band) }}|{{ deadline(r, now) }}|{{ when(none) }}
{% endfor %}"""  # noqa: E501 - the macros as they were, word for word
FILTERS = """\
{%- for r in rows %}{{ r.received_at|when }}|{{ r.risk_band|band }}|{{ r|deadline(now) }}|{{ none|when }}
{% endfor %}"""  # noqa: E501


def test_row_filters_write_what_the_macros_wrote() -> None:
    now = datetime(2026, 11, 23, 12, 30, 15, tzinfo=UTC)
    rows = [
        SimpleNamespace(
            received_at=now - timedelta(days=3),
            deadline_at=now + timedelta(days=offset),
            status=SimpleNamespace(value=status),
            risk_band=band,
            breached=lambda at, d=now + timedelta(days=offset): at > d,
        )
        for offset in (-2, 3)
        for status in ("assessed", "closed")
        for band in (None, "low", "very-high")
    ]
    env = Environment(autoescape=True)
    install_template_filters(env)
    old = env.from_string(MACROS).render(rows=rows, now=now)
    new = env.from_string(FILTERS).render(rows=rows, now=now)
    assert new == old
    assert '<strong class="breach">Breached</strong> <time datetime=' in new
    assert '<span class="band band-very-high">Very High</span>' in new


ROWS_MACRO = """\
{%- macro referral_rows(referrals, now) %}
  {% for r in referrals %}
  <tr{% if r.breached(now) and not r.responded_at %} class="row-breach"{% endif %}>
    <td><a href="/operation/referrals/{{ r.id }}">{{ r.reference }}</a>{% if r.restricted_to %} <small>(restricted)</small>{% endif %}</td>
    <td>{{ r.force }}</td><td>{{ r.source.value }}</td><td>{{ r.received_at|when }}</td>
    <td>{{ r.risk_band|band }}</td><td>{{ r|deadline(now) }}</td><td>{{ r.status.value }}</td>
  </tr>
  {% else %}
  <tr><td colspan="7">No referrals.</td></tr>
  {% endfor %}
{% endmacro %}{{ referral_rows(rows, now) }}"""  # noqa: E501 - the macro as it was, word for word


def test_referral_rows_filter_writes_what_the_macro_wrote() -> None:
    now = datetime(2026, 11, 23, 12, 30, 15, tzinfo=UTC)
    rows = [
        Referral(
            id=n,
            source=ReferralSource.PARTNER,
            force="gwent" if n % 2 else "<force & co>",
            received_at=now - timedelta(days=n),
            summary="Synthetic",
            status=ReferralStatus.CLOSED if n == 3 else ReferralStatus.ASSESSED,
            deadline_at=now + timedelta(days=n - 2),
            restricted_to=("lead",) if n == 2 else (),
            risk_band=[None, "low", "very-high"][n % 3],
            responded_at=now if n == 4 else None,
        )
        for n in range(1, 6)
    ]
    env = Environment(autoescape=True)
    install_template_filters(env)
    between_tags = re.compile(r">\s+<")
    for shown in (rows, []):
        old = env.from_string(ROWS_MACRO).render(rows=shown, now=now).strip()
        new = env.from_string("{{ rows|referral_rows(now) }}").render(rows=shown, now=now)
        assert between_tags.sub("><", new) == between_tags.sub("><", old)
    page = env.from_string("{{ rows|referral_rows(now) }}").render(rows=rows, now=now)
    assert "&lt;force &amp; co&gt;" in page
    assert "<force" not in page
    assert page.count('class="row-breach"') == 1  # the open one past its deadline, unanswered


def _summary(open_count: int) -> QueueSummary:
    return QueueSummary(
        open=open_count,
        awaiting_response=0,
        breached=0,
        breached_open=0,
        due_within_24h=0,
        by_band={},
        by_force={},
    )


def test_dashboard_counts_are_kept_per_scope_for_the_configured_seconds() -> None:
    clock = [100.0]
    cache = SummaryCache(5.0, clock=lambda: clock[0])
    gwent, lead = Scope(frozenset({"gwent"}), "g.inv"), Scope(None, "lead")
    counted: list[Scope] = []

    def count(scope: Scope, n: int) -> QueueSummary:
        counted.append(scope)
        return _summary(n)

    assert cache.get(gwent, lambda: count(gwent, 1)).open == 1
    assert cache.get(gwent, lambda: count(gwent, 2)).open == 1  # kept
    assert cache.get(lead, lambda: count(lead, 9)).open == 9  # another scope: its own count
    clock[0] += 5.0
    assert cache.get(gwent, lambda: count(gwent, 3)).open == 3  # expired: counted afresh
    cache.clear()
    assert cache.get(lead, lambda: count(lead, 10)).open == 10
    assert counted == [gwent, lead, gwent, lead]
    never = SummaryCache(0)
    assert never.get(gwent, lambda: _summary(1)).open == 1
    assert never.get(gwent, lambda: _summary(2)).open == 2


def test_a_referral_written_through_the_app_is_counted_at_once(
    engine: Engine, settings: Settings
) -> None:
    user = add_user(engine, "dp.inv", agency="dyfed-powys", role=Role.INVESTIGATOR)
    headers = user_headers(settings, user)
    slow = settings.model_copy(update={"dashboard_cache_seconds": 3600.0})
    with TestClient(create_app(slow), follow_redirects=False) as client:
        assert re.search(
            r'id="open-count"><a href="[^"]+">0<', client.get("/operation", headers=headers).text
        )
        created = client.post(
            "/api/v1/referrals",
            headers=headers,
            json={
                "source": "partner",
                "force": "dyfed-powys",
                "received_at": datetime.now(UTC).isoformat(),
                "summary": "Synthetic referral",
            },
        )
        assert created.status_code == 201, created.text
        assert re.search(
            r'id="open-count"><a href="[^"]+">1<', client.get("/operation", headers=headers).text
        )


def test_while_a_scope_is_counted_others_get_the_previous_counts() -> None:
    clock = [0.0]
    cache = SummaryCache(5.0, clock=lambda: clock[0])
    scope = Scope(None, "lead")
    cache.get(scope, lambda: _summary(1))
    clock[0] = 10.0  # expired
    seen: list[int] = []

    def count_slowly() -> QueueSummary:
        seen.append(cache.get(scope, lambda: _summary(99)).open)  # asked meanwhile
        return _summary(2)

    assert cache.get(scope, count_slowly).open == 2
    assert seen == [1]
    assert cache.get(scope, lambda: _summary(3)).open == 2  # the new counts are kept


def test_counts_begun_before_a_write_are_not_kept() -> None:
    cache = SummaryCache(5.0, clock=lambda: 0.0)
    scope = Scope(None, "lead")

    def count_then_a_write_commits() -> QueueSummary:
        cache.clear()
        return _summary(1)

    assert cache.get(scope, count_then_a_write_commits).open == 1
    assert cache.get(scope, lambda: _summary(2)).open == 2
