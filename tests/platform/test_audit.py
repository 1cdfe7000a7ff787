"""The audit log: appends chain, `verify` names edited and deleted rows, concurrent appends on
PostgreSQL never fork the chain, and the queued-at-commit path writes nothing on rollback."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import Engine, delete, insert, text, update
from sqlalchemy.orm import Session

from netsafe.platform.audit import (
    GENESIS_HASH,
    AuditEvent,
    AuditQuery,
    canonical,
    chain_hash,
    record,
    verify,
)
from netsafe.settings import DEVELOPMENT_AUDIT_KEY
from netsafe.store.audit_seal import append_at_commit, seal_pending
from netsafe.store.engine import make_session_factory, unit_of_work
from netsafe.store.models.platform import AuditPendingRow, AuditRow
from netsafe.store.repositories.audit import SqlAuditRepository
from tests.platform.platform_helpers import append_concurrently

T0 = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)
#: Engines made by `make_engine` (the tests') chain with the development key.
DEV_KEY = DEVELOPMENT_AUDIT_KEY.encode()


def event(n: int, **changes: object) -> AuditEvent:
    values: dict[str, object] = {
        "at": T0 + timedelta(seconds=n),
        "action": "referral.read",
        "resource_type": "referral",
        "resource_id": str(n),
        "actor_user_id": 7,
        "actor": "gwent.investigator",
        "actor_agency": "gwent",
        "request_id": f"req-{n:08d}",
        "client": "192.0.2.10",
    } | changes
    return AuditEvent(**values)  # type: ignore[arg-type]


def write(engine: Engine, count: int) -> None:
    with unit_of_work(make_session_factory(engine)) as session:
        record(SqlAuditRepository(session), [event(n) for n in range(1, count + 1)])


def check(engine: Engine) -> list[tuple[str, int, int]]:
    with unit_of_work(make_session_factory(engine)) as session:
        result = verify(SqlAuditRepository(session))
    return [(p.kind, p.seq, p.last_seq) for p in result.problems]


def test_records_chain_from_the_genesis_hash(session: Session) -> None:
    repository = SqlAuditRepository(session)
    first, second = record(repository, [event(1), event(2)])
    assert (first.seq, second.seq) == (1, 2)
    assert first.prev_hash == GENESIS_HASH
    assert second.prev_hash == first.hash
    assert first.hash == chain_hash(GENESIS_HASH, 1, event(1), key=DEV_KEY)
    assert repository.head().seq == 2
    assert repository.head().hash == second.hash
    result = verify(repository)
    assert result.ok
    assert result.rows == 2


def test_canonical_form_is_stable_across_time_zones() -> None:
    moment = T0.astimezone(UTC)
    from zoneinfo import ZoneInfo

    elsewhere = moment.astimezone(ZoneInfo("Europe/London"))
    assert canonical(1, event(0, at=moment)) == canonical(1, event(0, at=elsewhere))


def test_an_intact_log_verifies(engine: Engine) -> None:
    write(engine, 20)
    assert check(engine) == []


def test_an_edited_row_is_named(engine: Engine) -> None:
    write(engine, 10)
    with engine.begin() as connection:
        connection.execute(update(AuditRow).where(AuditRow.id == 4).values(actor="someone.else"))
    assert check(engine) == [("edited", 4, 4)]


def test_an_edited_row_with_a_recomputed_hash_breaks_the_next_link(engine: Engine) -> None:
    write(engine, 10)
    forged = event(4, outcome="denied")
    with engine.begin() as connection:
        prev = connection.execute(text("SELECT prev_hash FROM audit_log WHERE id = 4")).scalar()
        assert isinstance(prev, str)
        connection.execute(
            update(AuditRow)
            .where(AuditRow.id == 4)
            .values(outcome="denied", hash=chain_hash(prev, 4, forged, key=DEV_KEY))
        )
    assert check(engine) == [("edited", 4, 5)]


def test_a_deleted_row_is_named(engine: Engine) -> None:
    write(engine, 10)
    with engine.begin() as connection:
        connection.execute(delete(AuditRow).where(AuditRow.id == 6))
    assert check(engine) == [("deleted", 6, 6)]


def test_deleted_rows_at_the_start_and_the_end_are_named(engine: Engine) -> None:
    write(engine, 10)
    with engine.begin() as connection:
        connection.execute(delete(AuditRow).where(AuditRow.id.in_([1, 2, 9, 10])))
    assert check(engine) == [("deleted", 1, 2), ("deleted", 9, 10)]


def test_query_filters_and_pages_newest_first(session: Session) -> None:
    repository = SqlAuditRepository(session)
    record(repository, [event(n, actor="a" if n % 2 else "b") for n in range(1, 11)])
    page = repository.query(AuditQuery(actor="a", limit=3))
    assert [r.seq for r in page] == [9, 7, 5]
    assert [r.seq for r in repository.query(AuditQuery(actor="a", before=5))] == [3, 1]
    since = repository.query(AuditQuery(since=T0 + timedelta(seconds=9)))
    assert [r.seq for r in since] == [10, 9]
    assert repository.query(AuditQuery(resource_type="referral", resource_id="3"))[0].seq == 3


def test_pending_events_are_sealed_in_order_by_the_next_seal(engine: Engine) -> None:
    factory = make_session_factory(engine)
    with unit_of_work(factory) as session:  # as if this request's own seal found the head busy
        session.execute(insert(AuditPendingRow), [_pending(event(n)) for n in (1, 2, 3)])
    with unit_of_work(factory) as session:
        assert SqlAuditRepository(session).head().seq == 0
    assert seal_pending(engine) == 3
    assert seal_pending(engine) == 0
    with unit_of_work(factory) as session:
        records = list(SqlAuditRepository(session).records())
    assert [r.event.resource_id for r in records] == ["1", "2", "3"]
    assert check(engine) == []


def _pending(e: AuditEvent) -> dict[str, object]:
    return {
        "at": e.at,
        "action": e.action,
        "resource_type": e.resource_type,
        "resource_id": e.resource_id,
        "actor": e.actor,
        "outcome": e.outcome,
    }


def test_events_queued_at_commit_are_written_on_commit_only(engine: Engine) -> None:
    factory = make_session_factory(engine)

    def failing_request() -> None:
        with unit_of_work(factory) as session:
            append_at_commit(session, [event(1)])
            raise RuntimeError("the request failed")

    with pytest.raises(RuntimeError):
        failing_request()
    with unit_of_work(factory) as session:
        assert SqlAuditRepository(session).head().seq == 0
        append_at_commit(session, [event(1), event(2)])
    with unit_of_work(factory) as session:
        assert SqlAuditRepository(session).head().seq == 2
    assert check(engine) == []


def test_concurrent_appends_never_fork_the_chain(engine: Engine) -> None:
    if engine.dialect.name != "postgresql":
        pytest.skip("concurrent writers are a PostgreSQL deployment concern")
    factory = make_session_factory(engine)
    assert append_concurrently(engine, event) == []
    seal_pending(engine)  # any event whose own seal found the head busy
    with unit_of_work(factory) as session:
        result = verify(SqlAuditRepository(session))
    assert result.ok
    assert result.rows == 200
    assert result.head.seq == 200
