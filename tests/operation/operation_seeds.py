"""Matrix seeders for the operation's path parameters: one record of a force per parameter,
made through the services (see matrix_seeds.py)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy.orm import Session

from netsafe.operation.arrests import record_arrest
from netsafe.operation.exhibits import hand_over, record_exhibit
from netsafe.operation.outcomes import record_outcome
from netsafe.operation.referrals import NewReferral, create_referral
from netsafe.operation.risk import assess_risk, load_question_set
from netsafe.operation.safeguarding import record_safeguarding
from netsafe.operation.subjects import add_subject
from netsafe.operation.warrants import apply_for_warrant
from netsafe.platform.roles import Role, Viewer
from netsafe.store.repositories.operation import case_repositories

SEEDER = Viewer(0, "matrix.seeder", "regional-unit", Role.OPERATION_LEAD)


def _referral(session: Session, force: str) -> int:
    repos = case_repositories(session)
    now = datetime.now(UTC)
    new = NewReferral("partner", force, now - timedelta(hours=1), "Matrix seed referral")
    return create_referral(repos.referrals, new, by=SEEDER, now=now).id


def seed_referral(session: Session, force: str) -> str:
    return str(_referral(session, force))


def seed_subject(session: Session, force: str) -> str:
    repos = case_repositories(session)
    subject = add_subject(repos, SEEDER, _referral(session, force), display_name="Seed A")
    return str(subject.id)


def seed_assessment(session: Session, force: str) -> str:
    repos = case_repositories(session)
    assessment = assess_risk(
        repos, SEEDER, _referral(session, force), questions=load_question_set(), answers={}
    )
    return str(assessment.id)


def seed_warrant(session: Session, force: str) -> str:
    repos = case_repositories(session)
    warrant = apply_for_warrant(
        repos,
        SEEDER,
        _referral(session, force),
        premises="1 Seed St",
    )
    return str(warrant.id)


def seed_arrest(session: Session, force: str) -> str:
    repos = case_repositories(session)
    subject_id = int(seed_subject(session, force))
    arrest = record_arrest(
        repos,
        SEEDER,
        subject_id,
        arrested_at=datetime.now(UTC),
        location="Seed St",
        grounds="Seed grounds",
    )
    return str(arrest.id)


def seed_exhibit(session: Session, force: str) -> str:
    repos = case_repositories(session)
    referral_id = _referral(session, force)
    exhibit = record_exhibit(
        repos,
        SEEDER,
        referral_id,
        reference=f"SEED/{referral_id}",
        device_type="phone",
        seal_number=f"S{referral_id}",
        seized_at=datetime.now(UTC),
        seized_from="Seed St",
    )
    return str(exhibit.id)


def seed_custody(session: Session, force: str) -> str:
    repos = case_repositories(session)
    exhibit = repos.exhibits.get(int(seed_exhibit(session, force)))
    assert exhibit is not None
    event = hand_over(
        repos,
        SEEDER,
        exhibit.id,
        handed_to="seed.store",
        at=datetime.now(UTC),
        location="Seed store",
    )
    return str(event.id)


def seed_safeguarding(session: Session, force: str) -> str:
    repos = case_repositories(session)
    record = record_safeguarding(
        repos,
        SEEDER,
        _referral(session, force),
        children_identified=0,
        children_safeguarded=0,
        referred_to_childrens_services=False,
    )
    return str(record.id)


def seed_outcome(session: Session, force: str) -> str:
    repos = case_repositories(session)
    outcome = record_outcome(
        repos,
        SEEDER,
        _referral(session, force),
        kind="charge",
        decided_at=datetime.now(UTC),
    )
    return str(outcome.id)


OPERATION_SEEDS = {
    "referral_id": seed_referral,
    "subject_id": seed_subject,
    "assessment_id": seed_assessment,
    "risk_id": seed_assessment,
    "warrant_id": seed_warrant,
    "arrest_id": seed_arrest,
    "exhibit_id": seed_exhibit,
    "custody_id": seed_custody,
    "safeguarding_id": seed_safeguarding,
    "outcome_id": seed_outcome,
}
