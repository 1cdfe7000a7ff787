"""Verify the audit log: chain what is still pending, recompute the keyed chain, and check the
anchors kept outside it. `netsafe audit verify` parses its options, calls `verify_audit` and
prints the `AuditCheck`."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker

from netsafe.platform.audit import Verification, verify
from netsafe.platform.audit_anchors import Anchor, check_anchors
from netsafe.store.audit_seal import seal_pending
from netsafe.store.engine import unit_of_work
from netsafe.store.repositories.audit import SqlAuditRepository


@dataclass(frozen=True, slots=True)
class AuditCheck:
    """The verification, how many anchors it checked and how many pending events it sealed."""

    verification: Verification
    anchors_checked: int
    sealed_now: int


def verify_audit(
    engine: Engine,
    sessions: sessionmaker[Session],
    anchors: Sequence[Anchor] = (),
    *,
    on_start: Callable[[int], None] | None = None,
    on_progress: Callable[[int], None] | None = None,
) -> AuditCheck:
    """Seal the events of requests still waiting for their seal, then verify the whole chain
    (and each of `anchors`). `on_start(rows)` is told the head's sequence number before the
    walk, `on_progress(rows)` the rows verified so far."""
    sealed = seal_pending(engine)
    with unit_of_work(sessions) as session:
        repository = SqlAuditRepository(session)
        if on_start is not None:
            on_start(repository.head().seq)
        verification = verify(repository, on_progress=on_progress)
        if anchors:
            verification.problems.extend(check_anchors(repository.records(), anchors))
    return AuditCheck(verification, len(anchors), sealed)
