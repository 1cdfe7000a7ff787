"""Case records: risk bands and deadlines, the question set file, warrants' lifecycle, the
custody chain, safeguarding counts, outcomes closing the case, and the case timeline."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy.orm import Session

from netsafe.operation.arrests import record_arrest
from netsafe.operation.casefile import CaseRepositories, load_case
from netsafe.operation.casework import Casework
from netsafe.operation.exhibits import check_custody, custody_events, hand_over, record_exhibit
from netsafe.operation.outcomes import record_outcome
from netsafe.operation.record_kinds import RISK
from netsafe.operation.referrals import ReferralStatus, get_referral, queue_summary, referral_queue
from netsafe.operation.risk import (
    DEFAULT_QUESTION_SET,
    QuestionSetError,
    RiskBand,
    assess_risk,
    load_question_set,
)
from netsafe.operation.safeguarding import record_safeguarding
from netsafe.operation.subjects import add_subject, note_helpline_details_given
from netsafe.operation.warrants import apply_for_warrant, decide_warrant, execute_warrant
from netsafe.platform.access import OperationInputError, RecordNotFoundError
from netsafe.store.repositories.operation import case_repositories
from tests.operation.operation_helpers import (
    GWENT_INVESTIGATOR,
    NOW,
    SOUTH_WALES_INVESTIGATOR,
    make_referral,
)

QUESTIONS = load_question_set()
V = GWENT_INVESTIGATOR


@pytest.fixture
def repos(session: Session) -> CaseRepositories:
    return case_repositories(session)


@pytest.mark.parametrize(
    ("answers", "band", "days"),
    [
        ({}, RiskBand.LOW, 30),
        ({"previous_referral": True, "large_volume": True}, RiskBand.MEDIUM, 14),
        ({"previous_sexual_offence": True, "online_contact_with_children": True}, RiskBand.HIGH, 7),
        ({"position_of_trust": True}, RiskBand.HIGH, 7),  # a minimum band lifts a low score
        ({"child_at_immediate_risk": True}, RiskBand.VERY_HIGH, 1),
        ({"access_to_children": False}, RiskBand.LOW, 30),
    ],
)
def test_risk_bands_set_the_deadline(
    repos: CaseRepositories, answers: dict[str, bool], band: RiskBand, days: int
) -> None:
    referral = make_referral(repos)
    assessment = assess_risk(
        repos,
        V,
        referral.id,
        answers=answers,
        questions=QUESTIONS,
        assessed_at=NOW,
    )
    assert assessment.band is band
    updated = get_referral(repos.referrals, V, referral.id)
    assert updated.deadline_at == referral.received_at + timedelta(days=days)
    assert get_referral(repos.referrals, V, referral.id).risk_band == band.value
    assert updated.status is ReferralStatus.ASSESSED


def test_a_very_high_risk_referral_goes_to_the_top_and_breaches(repos: CaseRepositories) -> None:
    first = make_referral(repos, received=NOW - timedelta(hours=30))
    second = make_referral(repos, received=NOW - timedelta(hours=20))
    assess_risk(
        repos,
        V,
        first.id,
        answers={},
        questions=QUESTIONS,
        assessed_at=NOW,
    )
    assess_risk(
        repos,
        V,
        second.id,
        answers={"child_at_immediate_risk": True},
        questions=QUESTIONS,
        assessed_at=NOW,
    )
    queue = referral_queue(repos.referrals, V, awaiting_only=True)
    assert [r.id for r in queue] == [second.id, first.id]
    summary = queue_summary(repos.referrals, V, now=NOW + timedelta(hours=5))
    assert summary.breached == 1  # very high: due 24 h after receipt, 20 + 5 hours > 24
    assert summary.by_band == {"very-high": 1, "low": 1}


def test_unknown_answers_are_refused(repos: CaseRepositories) -> None:
    referral = make_referral(repos)
    with pytest.raises(OperationInputError) as error:
        assess_risk(
            repos,
            V,
            referral.id,
            answers={"zebra": True},
            questions=QUESTIONS,
        )
    assert error.value.field == "answers.zebra"


def test_answers_are_corrected_only_under_the_set_they_were_given_to(
    repos: CaseRepositories,
) -> None:
    """A correction of an assessment's answers scores them with the question set it was made
    with; under another set (or version) it is refused, naming the answers: that is a new
    assessment. Without a question set, answers can't be corrected at all."""
    referral = make_referral(repos)
    assessment = assess_risk(
        repos,
        V,
        referral.id,
        answers={"large_volume": True},
        questions=QUESTIONS,
        assessed_at=NOW,
    )
    answers = {"position_of_trust": True}
    newer = replace(QUESTIONS, version=QUESTIONS.version + 1)
    for casework in (Casework(repos, V, questions=newer), Casework(repos, V)):
        with pytest.raises(OperationInputError) as error:
            casework.correct(RISK, assessment.id, {"answers": answers}, "misread")
        assert error.value.field == "answers"
    corrected = Casework(repos, V, questions=QUESTIONS).correct(
        RISK, assessment.id, {"answers": answers}, "misread"
    )
    assert (corrected.answers, corrected.band) == (("position_of_trust",), RiskBand.HIGH)
    assert corrected.deadline_at == referral.received_at + timedelta(days=7)
    assert get_referral(repos.referrals, V, referral.id).risk_band == RiskBand.HIGH.value
    (entry,) = repos.history.for_record("risk", assessment.id)
    assert entry.changes["band"].before == "low"


def test_question_set_files_are_checked(tmp_path: Path) -> None:
    assert [b.deadline_days for b in QUESTIONS.bands] == [30, 14, 7, 1]
    custom = tmp_path / "q.toml"
    text = DEFAULT_QUESTION_SET.read_text().replace("deadline_days = 30", "deadline_days = 28")
    custom.write_text(text)
    assert load_question_set(custom).rule(RiskBand.LOW).deadline_days == 28
    custom.write_text(text.replace("min_score = 3", "min_score = 0"))
    with pytest.raises(QuestionSetError, match="min_score"):
        load_question_set(custom)
    custom.write_text("name = 'x'\nversion = 1\n")
    with pytest.raises(QuestionSetError, match=r"q\.toml: missing field 'bands'"):
        load_question_set(custom)


def test_warrant_lifecycle_and_response_clock(repos: CaseRepositories) -> None:
    referral = make_referral(repos, received=NOW - timedelta(days=3))
    warrant = apply_for_warrant(
        repos,
        V,
        referral.id,
        premises="1 Test Row",
        applied_at=NOW,
    )
    with pytest.raises(OperationInputError, match="not granted"):
        execute_warrant(
            repos.referrals, repos.warrants, V, warrant.id, at=NOW, result="devices-seized"
        )
    with pytest.raises(OperationInputError):
        decide_warrant(
            repos.referrals, repos.warrants, V, warrant.id, granted=True, at=NOW - timedelta(1)
        )
    decide_warrant(
        repos.referrals, repos.warrants, V, warrant.id, granted=True, at=NOW + timedelta(hours=1)
    )
    done = execute_warrant(
        repos.referrals,
        repos.warrants,
        V,
        warrant.id,
        at=NOW + timedelta(hours=5),
        result="nothing-seized",
    )
    assert done.status == "executed"
    after = get_referral(repos.referrals, V, referral.id)
    assert after.status is ReferralStatus.ACTIONED
    assert after.responded_at == NOW + timedelta(hours=5)
    assert after.breached(NOW)  # received 3 days ago, unassessed: due after 2 days
    with pytest.raises(RecordNotFoundError):
        decide_warrant(
            repos.referrals,
            repos.warrants,
            SOUTH_WALES_INVESTIGATOR,
            warrant.id,
            granted=False,
            at=NOW,
        )


def test_custody_chain_must_be_unbroken(repos: CaseRepositories) -> None:
    referral = make_referral(repos)
    exhibit = record_exhibit(
        repos,
        V,
        referral.id,
        reference="GWP/T/1",
        device_type="phone",
        seal_number="SEAL-1",
        seized_at=NOW,
        seized_from="Test address",
        seized_by="officer.a",
    )
    with pytest.raises(OperationInputError, match="already an exhibit"):
        record_exhibit(
            repos,
            V,
            referral.id,
            reference="GWP/T/1",
            device_type="phone",
            seal_number="SEAL-2",
            seized_at=NOW,
            seized_from="x",
        )
    hand_over(
        repos,
        V,
        exhibit.id,
        handed_to="store.keeper",
        at=NOW + timedelta(hours=1),
        location="Property store",
    )
    with pytest.raises(OperationInputError) as error:
        hand_over(
            repos,
            V,
            exhibit.id,
            handed_from="officer.a",
            handed_to="lab",
            at=NOW + timedelta(hours=2),
            location="Lab",
        )
    assert error.value.field == "handed_from"
    with pytest.raises(OperationInputError) as error:
        hand_over(
            repos,
            V,
            exhibit.id,
            handed_to="lab",
            at=NOW,
            location="Lab",
        )
    assert error.value.field == "at"
    hand_over(
        repos,
        V,
        exhibit.id,
        handed_to="examiner.b",
        at=NOW + timedelta(days=1),
        location="Digital forensics unit",
        seal_intact=True,
    )
    events = custody_events(repos.custody, exhibit)
    check = check_custody(exhibit, events)
    assert check.unbroken
    assert check.holder == "examiner.b"
    assert [e.handed_to for e in events] == ["store.keeper", "examiner.b"]
    # a chain edited behind the service's back (a hand-over deleted) is reported
    broken = check_custody(exhibit, [events[1]])
    assert not broken.unbroken
    assert "officer.a held it" in broken.problems[0]


def test_safeguarding_outcome_and_timeline(repos: CaseRepositories) -> None:
    referral = make_referral(repos)
    subject = add_subject(repos, V, referral.id, display_name="Sam Sample")
    with pytest.raises(OperationInputError) as error:
        record_safeguarding(
            repos,
            V,
            referral.id,
            children_identified=1,
            children_safeguarded=2,
            referred_to_childrens_services=False,
        )
    assert error.value.field == "children_safeguarded"
    record_safeguarding(
        repos,
        V,
        referral.id,
        children_identified=2,
        children_safeguarded=1,
        referred_to_childrens_services=True,
        local_authority="Synthetic Borough",
        recorded_at=NOW,
    )
    record_arrest(
        repos,
        V,
        subject.id,
        arrested_at=NOW + timedelta(hours=1),
        location="Home address",
        grounds="Synthetic",
    )
    note_helpline_details_given(
        repos.referrals, repos.subjects, V, subject.id, given_to="subject", given_at=NOW
    )
    record_outcome(
        repos,
        V,
        referral.id,
        kind="charge",
        decided_at=NOW + timedelta(2),
    )
    after = get_referral(repos.referrals, V, referral.id)
    assert after.status is ReferralStatus.ACTIONED  # a charge does not close the case
    record_outcome(
        repos,
        V,
        referral.id,
        kind="conviction",
        decided_at=NOW + timedelta(days=3),  # not in the future: the real clock is past NOW
    )
    closed = repos.referrals.get(referral.id)
    assert closed is not None
    assert closed.status is ReferralStatus.CLOSED
    case = load_case(repos, V, referral.id)
    kinds = [entry.kind for entry in case.timeline()]
    assert kinds[0] == "referral"
    assert kinds.count("outcome") == 2
    assert {"subject", "safeguarding", "arrest"} <= set(kinds)
    times = [entry.at for entry in case.timeline()]
    assert times == sorted(times)
    assert case.subjects[0].helpline_details_given_to == "subject"
