"""The verify-the-audit use case: seals what is pending, verifies the chain, checks anchors."""

from __future__ import annotations

from sqlalchemy import Engine, text

from netsafe.platform.audit_anchors import Anchor
from netsafe.store.audit_seal import append_at_commit, defer_seal
from netsafe.store.engine import make_session_factory, unit_of_work
from netsafe.usecases.verify_audit import verify_audit
from tests.platform.test_audit import event, write


def test_pending_events_are_sealed_then_the_chain_verifies(engine: Engine) -> None:
    write(engine, 3)
    sessions = make_session_factory(engine)
    with unit_of_work(sessions) as session:
        defer_seal(session)  # a request whose seal has not run yet
        append_at_commit(session, [event(4), event(5)])
    started: list[int] = []
    check = verify_audit(engine, sessions, on_start=started.append)
    assert check.sealed_now == 2
    assert check.verification.ok
    assert check.verification.rows == 5
    assert started == [5]
    assert check.anchors_checked == 0


def test_an_edited_row_and_a_rewritten_anchor_are_problems(engine: Engine) -> None:
    write(engine, 3)
    sessions = make_session_factory(engine)
    head = verify_audit(engine, sessions).verification.head
    with engine.begin() as connection:
        connection.execute(text("UPDATE audit_log SET action = 'edited' WHERE id = 2"))
    anchor = Anchor(at="2026-12-03T00:00:00+00:00", seq=head.seq, hash="0" * 64)
    check = verify_audit(engine, sessions, [anchor])
    assert not check.verification.ok
    found = [(problem.kind, problem.seq) for problem in check.verification.problems]
    assert ("edited", 2) in found
    assert ("rewritten", head.seq) in found  # the anchored head no longer has its hash
    assert check.anchors_checked == 1
