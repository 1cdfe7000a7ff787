"""The search index follows every way the case tables are written through a session: the unit
of work, and bulk `insert`/`update`/`delete` statements (the demo's and the repositories' own);
after each, the index equals one made afresh from the tables."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import delete, insert, select, update
from sqlalchemy.orm import Session

from netsafe.store.models.operation import (
    ExhibitRow,
    ReferralIdentifierRow,
    ReferralRow,
    SubjectRow,
)
from netsafe.store.models.search import SearchEntryRow
from netsafe.store.search_index import rebuild_search_index, search_index_batch

RECEIVED = datetime(2026, 11, 2, 9, 0, tzinfo=UTC)


def _entries(session: Session) -> list[tuple[Any, ...]]:
    columns = [c for c in SearchEntryRow.__table__.c if c.name != "id"]
    return sorted(tuple(row) for row in session.execute(select(*columns)))


def _as_rebuilt(session: Session) -> list[tuple[Any, ...]]:
    kept = _entries(session)
    rebuild_search_index(session.connection())
    assert _entries(session) == kept
    return kept


def _referral_row(force: str) -> dict[str, Any]:
    return {
        "source": "partner",
        "force": force,
        "received_at": RECEIVED,
        "summary": "Synthetic bulk referral",
        "status": "new",
        "deadline_at": RECEIVED + timedelta(days=2),
        "restricted": False,
    }


def test_bulk_statements_keep_the_index(session: Session) -> None:
    ids = list(
        session.scalars(
            insert(ReferralRow).returning(ReferralRow.id, sort_by_parameter_order=True),
            [_referral_row("gwent"), _referral_row("dyfed-powys")],
        )
    )
    session.execute(
        insert(ReferralIdentifierRow),
        [
            {"referral_id": ids[0], "kind": "email", "value": "Bulk.One@Example.org"},
            {"referral_id": ids[1], "kind": "ip-address", "value": "2001:DB8::7"},
        ],
    )
    session.execute(
        insert(SubjectRow),
        [
            {
                "referral_id": ids[1],
                "display_name": "Casey Bulk-Example",
                "created_at": RECEIVED,
                "created_by": "test",
                "identifiers": "casey@example.com",
            }
        ],
    )
    session.execute(
        insert(ExhibitRow),
        [
            {
                "referral_id": ids[0],
                "force": "gwent",
                "reference": "BK/1",
                "device_type": "phone",
                "seal_number": "S-1",
                "seized_at": RECEIVED,
                "seized_by": "test",
                "seized_from": "1 Example Street",
            }
        ],
    )
    kept = _as_rebuilt(session)
    keys = {row[5] for row in kept}  # key
    assert {"bulk.one@example.org", "2001:db8::7", "casey bulk-example", "bk/1", "s-1"} <= keys
    assert f"ns-2026-{ids[0]:06d}" in keys

    session.execute(
        update(SubjectRow).where(SubjectRow.referral_id == ids[1]).values(display_name="Renamed")
    )
    session.execute(
        delete(ReferralIdentifierRow).where(ReferralIdentifierRow.referral_id == ids[0])
    )
    keys = {row[5] for row in _as_rebuilt(session)}
    assert "renamed" in keys
    assert "casey bulk-example" not in keys
    assert "bulk.one@example.org" not in keys


def test_the_unit_of_work_keeps_the_index(session: Session) -> None:
    referral = ReferralRow(**_referral_row("gwent"))
    session.add(referral)
    session.flush()
    subject = SubjectRow(
        referral_id=referral.id,
        display_name="Ali Unit-Example",
        created_at=RECEIVED,
        created_by="test",
    )
    session.add(subject)
    session.flush()
    assert "ali unit-example" in {row[5] for row in _as_rebuilt(session)}
    referral.received_at = RECEIVED.replace(year=2025)  # corrected: the reference changes
    subject.display_name = "Ali Corrected"
    session.flush()
    keys = {row[5] for row in _as_rebuilt(session)}
    assert f"ns-2025-{referral.id:06d}" in keys
    assert f"ns-2026-{referral.id:06d}" not in keys
    assert "ali corrected" in keys
    session.delete(subject)
    session.flush()
    assert "ali corrected" not in {row[5] for row in _as_rebuilt(session)}


def test_a_batch_reindexes_its_cases_once_at_its_end(session: Session) -> None:
    before = _as_rebuilt(session)
    with search_index_batch(session):
        ids = list(
            session.scalars(
                insert(ReferralRow).returning(ReferralRow.id, sort_by_parameter_order=True),
                [_referral_row("gwent"), _referral_row("north-wales")],
            )
        )
        session.execute(
            insert(ReferralIdentifierRow),
            [{"referral_id": ids[1], "kind": "email", "value": "Batch.Two@Example.org"}],
        )
        session.add(
            SubjectRow(
                referral_id=ids[0],
                display_name="Bo Batch-Example",
                created_at=RECEIVED,
                created_by="test",
            )
        )
        session.flush()
        assert _entries(session) == before  # nothing reindexed yet
    keys = {row[5] for row in _as_rebuilt(session)}
    assert {"batch.two@example.org", "bo batch-example", f"ns-2026-{ids[1]:06d}"} <= keys
