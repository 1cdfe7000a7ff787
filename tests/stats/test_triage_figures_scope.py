"""Triage figures count a run for the force of the exhibit it belongs to (`triage_runs.exhibit_id`,
by the rule of `store.run_exhibits`), never for another force's exhibit of the same reference, and
leave out runs of withdrawn exhibits and withdrawn cases (both backends)."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from sqlalchemy.orm import Session

from netsafe.operation.referrals import referral_reference
from netsafe.stats.periods import Period
from netsafe.stats.service import StatsRequest, compute_statistics
from netsafe.store.models.operation import ExhibitRow, ReferralRow
from netsafe.store.repositories.stats import SqlEnforcementSource
from netsafe.store.repositories.stats_prevention import sql_prevention_source
from netsafe.store.repositories.triage import SqlTriageRepository
from netsafe.triage.result import Finding
from netsafe.triage.stored import TriageRun

MARCH = Period(date(2017, 3, 1), date(2017, 3, 31))
NOW = datetime(2017, 6, 1, tzinfo=UTC)
RECEIVED = datetime(2017, 3, 1, 12, tzinfo=UTC)


def _case(session: Session, force: str) -> ReferralRow:
    row = ReferralRow(
        source="national-referral",
        force=force,
        received_at=RECEIVED,
        summary="synthetic",
        status="new",
        deadline_at=RECEIVED,
    )
    session.add(row)
    session.flush()
    return row


def _exhibit(session: Session, case: ReferralRow, reference: str) -> ExhibitRow:
    row = ExhibitRow(
        referral_id=case.id,
        force=case.force,
        reference=reference,
        device_type="phone",
        seal_number=f"S-{case.id}",
        seized_at=datetime(2017, 3, 2, tzinfo=UTC),
        seized_by="t",
        seized_from="x",
    )
    session.add(row)
    session.flush()
    return row


def _run(session: Session, exhibit: str, case: ReferralRow | None, matched: int, day: int) -> None:
    finished = datetime(2017, 3, day, 12, tzinfo=UTC)
    findings = [
        Finding(
            "d",
            f"/f{n}",
            1,
            "0" * 32,
            "0" * 40,
            "0" * 64,
            None,
            "list",
            str(n),
            "C",
            "sha1",
            0,
            False,
        )
        for n in range(matched)
    ]
    SqlTriageRepository(session).add_run(
        TriageRun(
            exhibit,
            None if case is None else referral_reference(case.id, RECEIVED),
            finished,
            finished,
            10,
            100,
            matched,
            matched,
            0,
            0,
            0,
            "out",
            {"C": matched},
        ),
        findings,
    )


def _figures(session: Session) -> dict[str, dict[str, object]]:
    source = SqlEnforcementSource(session, now=NOW)
    stats = compute_statistics(
        source, sql_prevention_source(session), StatsRequest(MARCH.first, MARCH.last)
    )
    return {name: stats.figures[name].to_json() for name in ("devices_triaged", "matched_files")}


def _by_force(figure: dict[str, object], force: str) -> object:
    forces = figure["by_force"]
    assert isinstance(forces, dict)
    return forces[force]["value"]


def test_a_run_counts_only_for_the_force_of_its_exhibit(session: Session) -> None:
    south_wales, gwent = _case(session, "south-wales"), _case(session, "gwent")
    _exhibit(session, gwent, "X")  # the same label on another force's bag
    _exhibit(session, south_wales, "X")
    _run(session, "X", south_wales, matched=3, day=10)
    figures = _figures(session)
    assert figures["devices_triaged"]["value"] == 1
    assert _by_force(figures["devices_triaged"], "south-wales") == 1
    assert _by_force(figures["devices_triaged"], "gwent") == 0
    assert figures["matched_files"]["value"] == 3
    assert _by_force(figures["matched_files"], "gwent") == 0


def test_runs_of_two_forces_sharing_a_reference_each_count(session: Session) -> None:
    south_wales, gwent = _case(session, "south-wales"), _case(session, "gwent")
    _exhibit(session, south_wales, "X")
    _exhibit(session, gwent, "X")
    _run(session, "X", south_wales, matched=3, day=10)
    _run(session, "X", gwent, matched=2, day=11)  # not a re-run of South Wales' device
    _run(session, "X", None, matched=7, day=12)  # names no case: neither force's exhibit
    figures = _figures(session)
    assert figures["devices_triaged"]["value"] == 2
    assert _by_force(figures["devices_triaged"], "south-wales") == 1
    assert _by_force(figures["devices_triaged"], "gwent") == 1
    assert figures["matched_files"]["value"] == 5
    assert _by_force(figures["matched_files"], "gwent") == 2


@pytest.mark.parametrize("withdrawn", ["exhibit", "case"])
def test_runs_of_withdrawn_records_leave_the_figures(session: Session, withdrawn: str) -> None:
    kept, gone = _case(session, "gwent"), _case(session, "gwent")
    _exhibit(session, kept, "KEPT")
    exhibit = _exhibit(session, gone, "GONE")
    if withdrawn == "exhibit":
        exhibit.withdrawn_at = datetime(2017, 4, 1, tzinfo=UTC)
    else:
        gone.withdrawn_at = datetime(2017, 4, 1, tzinfo=UTC)
    session.flush()
    _run(session, "KEPT", kept, matched=1, day=10)
    _run(session, "GONE", gone, matched=4, day=10)
    figures = _figures(session)
    assert figures["devices_triaged"]["value"] == 1
    assert figures["matched_files"]["value"] == 1
