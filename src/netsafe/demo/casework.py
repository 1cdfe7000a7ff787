"""The demo operation's casework: each day's referrals drawn from the rates, and each referral's
story — assessment, warrant, arrest, seized devices with custody and triage, safeguarding and
outcomes — drawn case by case, then written in bulk (`casework_records.py`).

Stories follow the operation's rules: the deadline comes from the band, the first police action
stops the response clock, final outcomes close the case, nothing happens after the last day.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta

from netsafe.demo import rates
from netsafe.demo.draws import Draws, days
from netsafe.demo.triage_results import draw_triage
from netsafe.operation.outcomes import OutcomeKind
from netsafe.operation.referrals import (
    IdentifierKind,
    IncidentDetails,
    Referral,
    ReferralSource,
    ReferralStatus,
    ReportedFile,
    ReportedIdentifier,
)
from netsafe.operation.warrants import WarrantResult
from netsafe.stats.periods import UK
from netsafe.triage.result import Finding
from netsafe.triage.stored import TriageRun

DEMO_USER = "demo.generator"


@dataclass
class Device:
    """A seized device: its type, when it went to the forensic unit, and its triage (if any)."""

    device_type: str
    handed_over: datetime
    triage: tuple[TriageRun, list[Finding]] | None


@dataclass
class WarrantStory:
    applied: datetime
    granted: datetime
    executed: datetime | None
    result: WarrantResult | None


@dataclass
class CaseStory:
    """What happens to one referral, drawn before anything is stored."""

    number: int
    force: str
    received: datetime
    band: str
    assessed: datetime
    deadline: datetime
    referral: Referral | None = None
    warrant: WarrantStory | None = None
    arrest: datetime | None = None
    helpline_details_at: datetime | None = None
    devices: list[Device] = field(default_factory=list)
    safeguarding: tuple[datetime, int, int] | None = None
    outcomes: list[tuple[OutcomeKind, datetime]] = field(default_factory=list)


def end_of(day: date) -> datetime:
    """The first instant after `day` (UK)."""
    return datetime.combine(day + timedelta(days=1), time(0), tzinfo=UK).astimezone(UTC)


def referrals_per_day(day: date) -> float:
    """The rate of referrals on `day`: a ramp over the first weeks, then yearly growth."""
    since = (day - rates.OPERATION_START).days
    ramp = min(1.0, (since + 1) / rates.RAMP_DAYS)
    return rates.REFERRALS_PER_DAY * ramp * (1 + rates.YEARLY_GROWTH) ** (since // 365)


def _execution(draws: Draws, story: CaseStory, executed: datetime, end: datetime) -> None:
    """What executing the warrant led to: devices, safeguarding, an arrest and its outcomes."""
    assert story.warrant is not None
    result = WarrantResult(draws.pick(rates.WARRANT_RESULTS))
    story.warrant.result = result
    if result is WarrantResult.DEVICES_SEIZED:
        for _ in range(1 + draws.count(rates.EXTRA_DEVICES_MEAN)):
            device_type = draws.pick(rates.DEVICE_TYPES)
            handed_over = draws.later(executed, 0.1, 1.0)
            triage = None
            if draws.chance(rates.TRIAGED):
                finished = draws.later(executed, *rates.TRIAGE_DAYS)
                triage = draw_triage(draws, finished) if finished < end else None
            story.devices.append(Device(device_type, handed_over, triage))
    if result is not WarrantResult.NO_ACCESS and draws.chance(rates.SAFEGUARDING_GIVEN_EXECUTED):
        identified = draws.integer(1, 3)
        safeguarded = identified if draws.chance(0.8) else identified - 1
        story.safeguarding = (draws.later(executed, 0.0, 3.0), identified, safeguarded)
    arrested = result is not WarrantResult.SUBJECT_NOT_PRESENT and draws.chance(
        rates.ARREST_GIVEN_EXECUTED
    )
    if not arrested:
        if draws.chance(0.7):
            story.outcomes.append((OutcomeKind.NO_FURTHER_ACTION, draws.later(executed, 20, 120)))
        return
    story.arrest = executed + timedelta(minutes=draws.integer(5, 120))
    if draws.chance(rates.HELPLINE_DETAILS_GIVEN):
        story.helpline_details_at = story.arrest + timedelta(hours=2)
    kind = OutcomeKind(draws.pick(rates.ARREST_OUTCOMES))
    decided = draws.later(story.arrest, 30, 240)
    story.outcomes.append((kind, decided))
    if kind is OutcomeKind.CHARGE and draws.chance(rates.CONVICTION_GIVEN_CHARGE):
        convicted = draws.later(decided, 60, 300)
        story.outcomes.append((OutcomeKind.CONVICTION, convicted))
        story.outcomes.append((OutcomeKind.SEX_OFFENDER_NOTIFICATION, convicted))


def draw_story(draws: Draws, day: date, number: int, end: datetime) -> CaseStory:
    """One referral's story; events at or after `end` (after the demo's last day) don't happen."""
    force = draws.pick(rates.FORCE_SHARES)
    received = draws.moment(day)
    band = draws.pick({name: b.share for name, b in rates.BANDS.items()})
    profile = rates.BANDS[band]
    assessed = draws.later(received, 0.02, min(1.5, 0.5 * profile.deadline_days))
    deadline = received + timedelta(days=profile.deadline_days)
    story = CaseStory(number, force, received, band, assessed, deadline)
    respond = max(
        assessed + timedelta(hours=1),
        draws.later(
            received,
            profile.response_low * profile.deadline_days,
            profile.response_high * profile.deadline_days,
        ),
    )
    if not draws.chance(profile.warrant):
        story.outcomes.append((OutcomeKind.NO_FURTHER_ACTION, respond))
    else:
        applied = assessed + (respond - assessed) * 0.3
        granted = applied + (respond - applied) * 0.4
        if applied < end:
            story.warrant = WarrantStory(applied, granted, respond if respond < end else None, None)
            if respond < end:
                _execution(draws, story, respond, end)
    story.outcomes = [(kind, at) for kind, at in story.outcomes if at < end]
    story.referral = _referral(draws, story)
    return story


def _referral(draws: Draws, story: CaseStory) -> Referral:
    executed = story.warrant.executed if story.warrant else None
    actions = [at for at in (executed, story.arrest) if at is not None]
    actions += [at for _, at in story.outcomes]
    status = ReferralStatus.ACTIONED if actions else ReferralStatus.ASSESSED
    if any(kind.closes_case for kind, _ in story.outcomes):
        status = ReferralStatus.CLOSED
    files = tuple(
        ReportedFile(file_name=f"file-{n + 1}.jpg", sha1=draws.token(40))
        for n in range(draws.integer(0, 2))
    )
    identifiers = (
        ReportedIdentifier(IdentifierKind.ACCOUNT, f"demo-account-{story.number:06d}"),
        ReportedIdentifier(IdentifierKind.IP_ADDRESS, f"198.51.100.{draws.integer(1, 254)}"),
    )
    return Referral(
        id=0,
        source=ReferralSource(draws.pick(rates.REFERRAL_SOURCES)),
        force=story.force,
        received_at=story.received,
        summary=f"Synthetic demo referral {story.number:06d} (no real person or case).",
        status=status,
        deadline_at=story.deadline,
        incident=IncidentDetails(
            incident_type="synthetic-demo",
            incident_at=story.received - timedelta(days=draws.integer(1, 60)),
            identifiers=identifiers,
            files=files,
        ),
        risk_band=story.band,
        responded_at=min(actions) if actions else None,
        created_by=DEMO_USER,
        created_at=story.received,
    )


def draw_casework(draws: Draws, last_day: date) -> list[CaseStory]:
    """Every day's referrals from launch to `last_day`, and their stories."""
    end = end_of(last_day)
    stories: list[CaseStory] = []
    for day in days(rates.OPERATION_START, last_day):
        for _ in range(draws.count(referrals_per_day(day))):
            stories.append(draw_story(draws, day, len(stories) + 1, end))
    return stories
