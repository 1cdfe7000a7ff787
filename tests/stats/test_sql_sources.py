"""The SQL behind the statistics, on hand-counted records (both backends): each enforcement
figure, UK-date period edges, force split and breakdowns; prevention through its aggregate API."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from sqlalchemy.orm import Session

from netsafe.prevention.contacts import Area, Channel, Concern, ContactDraft, HeardVia, Who
from netsafe.prevention.counters import FunnelStep, SelfHelpEvent
from netsafe.stats.periods import Period
from netsafe.stats.service import StatsRequest, compute_statistics
from netsafe.store.models.operation import (
    ArrestRow,
    ExhibitRow,
    OutcomeRow,
    ReferralRow,
    RiskAssessmentRow,
    SafeguardingRow,
    SubjectRow,
    WarrantRow,
)
from netsafe.store.repositories.prevention import SqlContactRepository, SqlCounterRepository
from netsafe.store.repositories.stats import SqlEnforcementSource
from netsafe.store.repositories.stats_prevention import sql_prevention_source

NOW = datetime(2017, 6, 1, tzinfo=UTC)
MARCH = Period(date(2017, 3, 1), date(2017, 3, 31))


def at(month: int, day: int, hour: int = 12, minute: int = 0) -> datetime:
    return datetime(2017, month, day, hour, minute, tzinfo=UTC)


def referral(session: Session, force: str, received: datetime, **fields: object) -> ReferralRow:
    row = ReferralRow(
        source=fields.pop("source", "national-referral"),
        force=force,
        received_at=received,
        summary="synthetic",
        status=fields.pop("status", "new"),
        deadline_at=fields.pop("deadline_at", received),
        **fields,
    )
    session.add(row)
    session.flush()
    return row


def subject(session: Session, ref: ReferralRow) -> SubjectRow:
    row = SubjectRow(
        referral_id=ref.id, display_name="Subject", created_at=ref.received_at, created_by="t"
    )
    session.add(row)
    session.flush()
    return row


@pytest.fixture
def casework(session: Session) -> Session:
    """March 2017 in four forces, with records either side of the period's UK-date edges."""
    g1 = referral(session, "gwent", at(3, 26, 0, 30), source="national-referral")
    g2 = referral(session, "gwent", at(3, 31, 22, 59), source="public-report")  # 23:59 BST
    nw = referral(session, "north-wales", at(3, 31, 23, 0))  # 00:00 BST on 1 April: not March
    sw = referral(session, "south-wales", at(2, 28, 23, 59))  # February
    # Deadlines: g1 missed (answered late), g2 met, sw missed and still open (deadline in March).
    g1.deadline_at, g1.responded_at = at(3, 27), at(3, 28)
    g2.deadline_at, g2.responded_at = at(3, 30), at(3, 29)
    sw.deadline_at = at(3, 2)
    s1, s2 = subject(session, g1), subject(session, g2)
    session.add_all(
        [
            # s1 assessed twice in March: counted once, with its latest band.
            RiskAssessmentRow(
                referral_id=g1.id,
                subject_id=s1.id,
                question_set="q",
                answers={},
                score=1,
                band="medium",
                deadline_at=at(4, 1),
                assessed_at=at(3, 26),
                assessed_by="t",
            ),
            RiskAssessmentRow(
                referral_id=g1.id,
                subject_id=s1.id,
                question_set="q",
                answers={},
                score=9,
                band="very-high",
                deadline_at=at(3, 28),
                assessed_at=at(3, 27),
                assessed_by="t",
            ),
            RiskAssessmentRow(
                referral_id=g2.id,
                subject_id=s2.id,
                question_set="q",
                answers={},
                score=1,
                band="low",
                deadline_at=at(4, 30),
                assessed_at=at(4, 1),
                assessed_by="t",
            ),
            WarrantRow(
                referral_id=g1.id,
                status="executed",
                premises="x",
                applied_at=at(3, 1),
                applied_by="t",
                executed_at=at(3, 28),
            ),
            WarrantRow(
                referral_id=g2.id,
                status="granted",
                premises="x",
                applied_at=at(3, 1),
                applied_by="t",
            ),  # never executed: not counted
            WarrantRow(
                referral_id=nw.id,
                status="executed",
                premises="x",
                applied_at=at(3, 1),
                applied_by="t",
                executed_at=at(4, 2),
            ),
            ArrestRow(
                referral_id=g1.id,
                subject_id=s1.id,
                arrested_at=at(3, 28),
                location="x",
                arresting_officer="t",
                grounds="g",
            ),
            SafeguardingRow(
                referral_id=g1.id,
                recorded_at=at(3, 29),
                recorded_by="t",
                children_identified=3,
                children_safeguarded=2,
                referred_to_childrens_services=False,
            ),
            SafeguardingRow(
                referral_id=sw.id,
                recorded_at=at(3, 1, 0, 1),
                recorded_by="t",
                children_identified=1,
                children_safeguarded=1,
                referred_to_childrens_services=False,
            ),
            OutcomeRow(referral_id=g1.id, kind="charge", decided_at=at(3, 30), recorded_by="t"),
            OutcomeRow(
                referral_id=g2.id, kind="no-further-action", decided_at=at(3, 31), recorded_by="t"
            ),
        ]
    )
    for n in range(3):
        session.add(
            ExhibitRow(
                referral_id=g1.id,
                force=g1.force,
                reference=f"EX-{n}",
                device_type="phone",
                seal_number=f"S{n}",
                seized_at=at(3, 28),
                seized_by="t",
                seized_from="x",
            )
        )
    session.add(
        ExhibitRow(
            referral_id=nw.id,
            force=nw.force,
            reference="EX-9",
            device_type="laptop",
            seal_number="S9",
            seized_at=at(4, 2),
            seized_by="t",
            seized_from="x",
        )
    )
    session.flush()
    return session


def test_each_enforcement_figure_on_hand_counted_records(casework: Session) -> None:
    source = SqlEnforcementSource(casework, now=NOW)
    prevention = sql_prevention_source(casework)
    stats = compute_statistics(source, prevention, StatsRequest(MARCH.first, MARCH.last))
    figures = {name: figure.to_json() for name, figure in stats.figures.items()}
    assert figures["referrals_received"]["value"] == 2
    assert figures["referrals_received"]["previous"] == 1  # south-wales, 28 Feb
    assert figures["referrals_received"]["by_source"]["public-report"]["value"] == 1
    assert figures["referrals_received"]["by_force"]["gwent"]["value"] == 2
    assert figures["referrals_received"]["by_force"]["north-wales"]["value"] == 0
    assert figures["subjects_assessed"]["value"] == 1
    assert figures["subjects_assessed"]["by_band"]["very-high"]["value"] == 1
    assert "medium" not in figures["subjects_assessed"]["by_band"]
    assert figures["deadline_breaches"]["value"] == 2
    assert figures["deadline_breaches"]["by_force"]["south-wales"]["value"] == 1
    assert figures["warrants_executed"]["value"] == 1
    assert figures["arrests"]["value"] == 1
    assert figures["devices_seized"]["value"] == 3
    assert figures["children_identified"]["value"] == 4
    assert figures["children_safeguarded"]["value"] == 3
    assert figures["outcomes"]["value"] == 2
    assert figures["outcomes"]["by_kind"]["charge"]["value"] == 1


def test_force_filter_and_april(casework: Session) -> None:
    source = SqlEnforcementSource(casework, now=NOW)
    prevention = sql_prevention_source(casework)
    april = StatsRequest(date(2017, 4, 1), date(2017, 4, 30), force="north-wales")
    figures = compute_statistics(source, prevention, april).figures
    assert figures["referrals_received"].value == 1
    assert figures["warrants_executed"].value == 1
    assert figures["devices_seized"].value == 1
    assert figures["arrests"].value == 0
    assert source.latest_record() == at(4, 2)


def test_prevention_figures_through_the_aggregate_api(session: Session) -> None:
    contacts = SqlContactRepository(session)
    for n in range(6):
        contacts.add(
            ContactDraft(
                contact_date=date(2017, 3, 1 + n),
                channel=Channel.CALL if n < 5 else Channel.CHAT,
                who=Who.OWN_BEHAVIOUR,
                concerns=frozenset({Concern.ONLINE_IMAGES}),
                area=Area.GWENT,
                heard_via=HeardVia.POLICE_OPERATION,
                code_word_hash="a" * 64 if n < 2 else None,  # the first two: one person
            )
        )
    counters = SqlCounterRepository(session)
    for _ in range(7):
        counters.add_self_help(date(2017, 3, 9), "module-1", SelfHelpEvent.STARTED)
    counters.add_self_help(date(2017, 3, 9), "module-1", SelfHelpEvent.COMPLETED)
    for _ in range(9):
        counters.add_funnel(date(2017, 3, 10), FunnelStep.WARNING_SHOWN)
    source = SqlEnforcementSource(session, now=NOW)
    prevention = sql_prevention_source(session)
    assert prevention.latest_day() == date(2017, 3, 6)  # the latest contact, not a counter
    stats = compute_statistics(source, prevention, StatsRequest(MARCH.first, MARCH.last))
    figures = {name: figure.to_json() for name, figure in stats.figures.items()}
    assert figures["people_seeking_help"]["value"] == 5
    assert figures["people_seeking_help"]["previous"] == "<5"
    assert figures["contacts_by_channel"]["value"] == 6
    # chat (1), e-mail (0) and the rest read "<5" together: no cell needs secondary suppression
    assert figures["contacts_by_channel"]["by_channel"]["call"]["value"] == 5
    assert figures["contacts_by_channel"]["by_channel"]["chat"]["value"] == "<5"
    assert figures["self_help_starts"]["value"] == 7
    assert figures["self_help_completions"]["value"] == "<5"
    assert figures["deterrence_funnel"]["by_step"]["warning-shown"]["value"] == 9
    other_area = compute_statistics(
        source, prevention, StatsRequest(MARCH.first, MARCH.last, force="north-wales")
    )
    assert other_area.figures["people_seeking_help"].value == "<5"
    assert other_area.figures["self_help_starts"].value == 7  # no area: all Wales
    assert "all Wales" in other_area.figures["self_help_starts"].to_json()["note"]
    assert "note" not in other_area.figures["people_seeking_help"].to_json()


def test_triage_figures_count_each_exhibit_once_with_its_latest_run(casework: Session) -> None:
    from netsafe.store.repositories.triage import SqlTriageRepository
    from netsafe.triage.result import Finding
    from netsafe.triage.stored import TriageRun

    def run(exhibit: str, finished: datetime, categories: list[str]) -> None:
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
                c,
                "sha1",
                0,
                False,
            )
            for n, c in enumerate(categories)
        ]
        counts: dict[str, int] = {}
        for category in categories:
            counts[category] = counts.get(category, 0) + 1
        SqlTriageRepository(casework).add_run(
            TriageRun(
                exhibit,
                None,
                finished,
                finished,
                10,
                100,
                len(findings),
                len(findings),
                0,
                0,
                0,
                "out",
                counts,
            ),
            findings,
        )

    run("EX-0", at(3, 29), ["A", "C"])
    run("EX-0", at(3, 30), ["C"])  # a re-run: the latest counts
    run("EX-1", at(3, 31, 22, 30), ["B", "B"])  # 23:30 BST on 31 March: March
    run("EX-2", at(4, 5), ["A"])  # April
    run("EX-9", at(3, 10), ["C"])  # north-wales
    run("NOT-AN-EXHIBIT", at(3, 10), ["C"])  # triaged without a platform exhibit: no force
    source = SqlEnforcementSource(casework, now=NOW)
    stats = compute_statistics(
        source, sql_prevention_source(casework), StatsRequest(MARCH.first, MARCH.last)
    )
    triaged = stats.figures["devices_triaged"].to_json()
    assert triaged["value"] == 3
    assert triaged["by_force"]["gwent"]["value"] == 2
    matched = stats.figures["matched_files"].to_json()
    assert matched["value"] == 4
    assert matched["by_category"]["B"]["value"] == 2
    assert matched["by_category"]["C"]["value"] == 2
    assert "A" not in matched["by_category"]
