"""A triage run's exhibit (`triage_runs.exhibit_id`) follows every write that can change it,
through the unit of work and through bulk statements: after each, every run's id equals the
exhibit the exhibit page's rule gives (`run_exhibits.runs_of_exhibit`, evaluated afresh), and
`link_runs` from scratch changes nothing.

The writes: a run stored before its exhibit exists, then the exhibit added; another force
using the same reference (shared: a run naming no case belongs to neither); a run naming its
case; an exhibit's reference corrected; a referral's received date corrected into another year
(its case reference changes); bulk updates and deletes of exhibits."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import delete, insert, select, update
from sqlalchemy.orm import Session

from netsafe.operation.referrals import referral_reference
from netsafe.store.models.operation import ExhibitRow, ReferralRow
from netsafe.store.models.triage import TriageRunRow
from netsafe.store.run_exhibits import link_runs, runs_of_exhibit
from netsafe.timestamps import as_utc
from tests.operation.operation_triage import store_triage_run

RECEIVED = datetime(2026, 11, 2, 9, 0, tzinfo=UTC)


def _by_rule(session: Session) -> dict[int, int | None]:
    """Every run's exhibit by the rule, evaluated now."""
    dialect = session.get_bind().dialect.name
    query = (
        select(TriageRunRow.id, ExhibitRow.id)
        .select_from(ExhibitRow)
        .join(ReferralRow, ReferralRow.id == ExhibitRow.referral_id)
        .join(TriageRunRow, runs_of_exhibit(dialect))
    )
    linked = dict(session.execute(query).all())
    return {run: linked.get(run) for run in session.scalars(select(TriageRunRow.id))}


def _links(session: Session) -> dict[int, int | None]:
    """Every run's stored exhibit id, checked against the rule and against a relink."""
    session.flush()
    stored = dict(session.execute(select(TriageRunRow.id, TriageRunRow.exhibit_id)).all())
    assert stored == _by_rule(session)
    link_runs(session.connection())
    again = dict(session.execute(select(TriageRunRow.id, TriageRunRow.exhibit_id)).all())
    assert again == stored
    return stored


def _referral(session: Session, force: str) -> ReferralRow:
    row = ReferralRow(
        source="partner",
        force=force,
        received_at=RECEIVED,
        summary="Synthetic referral",
        status="new",
        deadline_at=RECEIVED + timedelta(days=2),
        restricted=False,
    )
    session.add(row)
    session.flush()
    return row


def _exhibit(referral: ReferralRow, reference: str) -> ExhibitRow:
    return ExhibitRow(
        referral_id=referral.id,
        force=referral.force,
        reference=reference,
        device_type="phone",
        seal_number=f"SEAL-{reference}",
        seized_at=RECEIVED + timedelta(hours=1),
        seized_by="test",
        seized_from="1 Example Street",
    )


def _run(session: Session, reference: str, case: str | None = None) -> int:
    run = store_triage_run(session, reference, matched=1)
    assert run.id is not None
    if case is not None:
        session.execute(
            update(TriageRunRow).where(TriageRunRow.id == run.id).values(case_reference=case)
        )
    return run.id


def test_a_run_follows_its_exhibit_through_the_unit_of_work(session: Session) -> None:
    gwent = _referral(session, "gwent")
    early = _run(session, "SH/1")  # stored before the exhibit is recorded
    assert _links(session)[early] is None
    exhibit = _exhibit(gwent, "SH/1")
    session.add(exhibit)
    assert _links(session)[early] == exhibit.id

    south = _referral(session, "south-wales")
    other = _exhibit(south, "SH/1")  # another force uses the reference: shared
    session.add(other)
    gwent_case = referral_reference(gwent.id, as_utc(gwent.received_at))
    named = _run(session, "SH/1", case=gwent_case)
    links = _links(session)
    assert links[early] is None  # names no case: belongs to neither
    assert links[named] == exhibit.id

    gwent.received_at = RECEIVED.replace(year=2025)  # corrected: its case reference changes
    assert _links(session)[named] is None
    gwent.received_at = RECEIVED
    assert _links(session)[named] == exhibit.id

    other.reference = "SH/2"  # corrected: the reference is no longer shared
    links = _links(session)
    assert links[early] == exhibit.id
    moved = _run(session, "SH/2")
    assert _links(session)[moved] == other.id
    session.delete(other)
    assert _links(session)[moved] is None


def test_bulk_statements_keep_runs_linked(session: Session) -> None:
    gwent = _referral(session, "gwent")
    run = _run(session, "BL/1")
    row: dict[str, Any] = {
        "referral_id": gwent.id,
        "force": "gwent",
        "reference": "BL/1",
        "device_type": "phone",
        "seal_number": "SEAL-BL-1",
        "seized_at": RECEIVED,
        "seized_by": "test",
        "seized_from": "1 Example Street",
    }
    session.execute(insert(ExhibitRow), [row])
    exhibit_id = session.scalar(select(ExhibitRow.id).where(ExhibitRow.reference == "BL/1"))
    assert _links(session)[run] == exhibit_id
    session.execute(update(ExhibitRow).where(ExhibitRow.id == exhibit_id).values(reference="BL/9"))
    assert _links(session)[run] is None
    session.execute(
        update(TriageRunRow).where(TriageRunRow.id == run).values(exhibit_reference="BL/9")
    )
    assert _links(session)[run] == exhibit_id
    session.execute(delete(ExhibitRow).where(ExhibitRow.id == exhibit_id))
    assert _links(session)[run] is None
