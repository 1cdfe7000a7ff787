"""The demo generator without a database: the same seed draws the same operation, every story
follows the operation's rules, and times land on the drawn UK day."""

from __future__ import annotations

from datetime import date, timedelta

from netsafe.demo import rates
from netsafe.demo.casework import draw_casework, end_of, referrals_per_day
from netsafe.demo.draws import Draws
from netsafe.operation.outcomes import OutcomeKind
from netsafe.operation.referrals import ReferralStatus
from netsafe.stats.periods import uk_date

LAST_DAY = date(2017, 1, 31)


def test_the_same_seed_draws_the_same_stories_and_another_seed_does_not() -> None:
    first = draw_casework(Draws(7), LAST_DAY)
    assert first == draw_casework(Draws(7), LAST_DAY)
    assert first != draw_casework(Draws(8), LAST_DAY)


def test_stories_follow_the_rules() -> None:
    stories = draw_casework(Draws(7), LAST_DAY)
    end = end_of(LAST_DAY)
    assert stories
    for story in stories:
        referral = story.referral
        assert referral is not None
        assert rates.OPERATION_START <= uk_date(story.received) <= LAST_DAY
        assert story.deadline - story.received == timedelta(
            days=rates.BANDS[story.band].deadline_days
        )
        assert story.assessed >= story.received
        actions = [at for _, at in story.outcomes]
        if story.warrant is not None:
            assert story.warrant.applied <= story.warrant.granted
            if story.warrant.executed is not None:
                assert story.warrant.granted <= story.warrant.executed < end
                actions.append(story.warrant.executed)
        if story.arrest is not None:
            assert story.warrant is not None
            assert story.warrant.executed is not None
            assert story.arrest > story.warrant.executed
        assert all(at < end for at in actions)
        assert referral.responded_at == (min(actions) if actions else None)
        closed = any(kind is not OutcomeKind.CHARGE for kind, _ in story.outcomes)
        assert (referral.status is ReferralStatus.CLOSED) == closed
        if story.devices:
            assert story.warrant is not None
            assert story.warrant.executed is not None
            for device in story.devices:
                if device.triage is not None:
                    run, findings = device.triage
                    assert run.finished_at < end
                    assert run.files_matched == len(findings) == sum(run.category_counts.values())


def test_referrals_ramp_up_after_launch() -> None:
    assert referrals_per_day(rates.OPERATION_START) < referrals_per_day(date(2016, 12, 1))
    assert referrals_per_day(date(2016, 12, 1)) == rates.REFERRALS_PER_DAY
