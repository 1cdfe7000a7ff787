"""The rates behind the synthetic demo operation. The generator draws every event from these
per-day rates and per-case probabilities; nothing here is a total. Counted by the statistics
code, the first 12 months come out near the operation's published scale (about 490 warrants,
340 arrests, over 2,000 devices, about 1,350 people seeking help, about +50% on the year before).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime

from netsafe.stats.comparison import OPERATION_LAUNCH

#: Help-seeking is generated from a year before launch; casework from launch. Both end here.
PREVENTION_START = date(2015, 11, 1)
OPERATION_START = OPERATION_LAUNCH
DEMO_END = date(2018, 10, 31)
#: When the demo's CyberTipline reports arrive: on its last day, with the rest of its casework, so
#: the demo reads as one operation as of then (dated on the seed day instead, they made the
#: latest twelve months hold eight referrals and nothing else).
DEMO_INTAKE_AT = datetime(DEMO_END.year, DEMO_END.month, DEMO_END.day, 15, tzinfo=UTC)

#: How the casework divides between the forces (roughly by population).
FORCE_SHARES: dict[str, float] = {
    "south-wales": 0.42,
    "gwent": 0.19,
    "dyfed-powys": 0.17,
    "north-wales": 0.22,
}

#: Referrals a day across Wales, after a ramp-up over the first weeks; growth per year after.
REFERRALS_PER_DAY = 2.9
RAMP_DAYS = 21
YEARLY_GROWTH = 0.08

REFERRAL_SOURCES: dict[str, float] = {
    "national-referral": 0.70,
    "hash-lookup": 0.12,
    "public-report": 0.08,
    "partner": 0.08,
    "other": 0.02,
}


@dataclass(frozen=True, slots=True)
class BandProfile:
    """A risk band: how often referrals get it, its response deadline, how often a warrant follows
    and how quickly (as a fraction of the deadline: drawn between `response_low` and `_high`)."""

    share: float
    deadline_days: int
    warrant: float
    response_low: float
    response_high: float


BANDS: dict[str, BandProfile] = {
    "low": BandProfile(0.25, 30, 0.20, 0.25, 1.10),
    "medium": BandProfile(0.35, 14, 0.45, 0.25, 1.05),
    "high": BandProfile(0.28, 7, 0.72, 0.30, 1.05),
    "very-high": BandProfile(0.12, 1, 0.90, 0.30, 1.15),
}

#: What executing a warrant found.
WARRANT_RESULTS: dict[str, float] = {
    "devices-seized": 0.89,
    "nothing-seized": 0.06,
    "no-access": 0.02,
    "subject-not-present": 0.03,
}
ARREST_GIVEN_EXECUTED = 0.72
#: Devices seized per warrant that seized devices: 1 + Poisson(mean).
EXTRA_DEVICES_MEAN = 3.9
DEVICE_TYPES: dict[str, float] = {
    "phone": 0.34,
    "laptop": 0.16,
    "computer": 0.10,
    "tablet": 0.10,
    "usb-stick": 0.12,
    "external-drive": 0.07,
    "memory-card": 0.06,
    "games-console": 0.03,
    "optical-disc": 0.02,
}
#: Share of seized devices triaged, days until triage finishes, and share with any match.
TRIAGED = 0.75
TRIAGE_DAYS = (2, 75)
WITH_MATCHES = 0.35
MATCH_CATEGORIES: dict[str, float] = {"A": 0.15, "B": 0.20, "C": 0.55, "non-indecent": 0.10}
#: Safeguarding after an executed warrant: how often, and children identified (1..3).
SAFEGUARDING_GIVEN_EXECUTED = 0.09
#: Outcomes of arrests (decided 1-8 months after), and of charges (convictions months later).
ARREST_OUTCOMES: dict[str, float] = {"charge": 0.58, "caution": 0.12, "no-further-action": 0.30}
CONVICTION_GIVEN_CHARGE = 0.75
HELPLINE_DETAILS_GIVEN = 0.6


@dataclass(frozen=True, slots=True)
class HelpSeekingYear:
    """New people a day seeking help from `start` (a UK date) until the next period."""

    start: date
    people_per_day: float


#: People seeking help: the year before launch, then after the operation's publicity.
HELP_SEEKING: tuple[HelpSeekingYear, ...] = (
    HelpSeekingYear(PREVENTION_START, 2.45),
    HelpSeekingYear(OPERATION_START, 3.70),
    HelpSeekingYear(date(2017, 11, 1), 3.95),
)
#: A person gives a code word this often, and then comes back 1 + Poisson(mean) times in all.
CODE_WORD = 0.4
RETURN_CONTACTS_MEAN = 0.8
CHANNELS: dict[str, float] = {
    "call": 0.48,
    "chat": 0.22,
    "email": 0.16,
    "self-help": 0.12,
    "other": 0.02,
}
WHO: dict[str, float] = {
    "own-behaviour": 0.62,
    "family-friend": 0.26,
    "professional": 0.09,
    "other": 0.03,
}
AREAS: dict[str, float] = {
    **{f: s * 0.9 for f, s in FORCE_SHARES.items()},
    "elsewhere": 0.04,
    "unknown": 0.06,
}
HEARD_VIA_BEFORE: dict[str, float] = {"search-engine": 0.55, "other": 0.45}
HEARD_VIA_AFTER: dict[str, float] = {
    "police-operation": 0.35,
    "deterrence-message": 0.10,
    "search-engine": 0.35,
    "other": 0.20,
}
#: Self-help module starts a day (and the share completed), before and after launch.
SELF_HELP_STARTS_PER_DAY = (1.6, 2.6)
SELF_HELP_COMPLETED = 0.45
#: The deterrence funnel a day after launch: warnings shown, then help page views and clicks.
WARNINGS_PER_DAY = 9.0
HELP_PAGE_VIEW = 0.30
HELPLINE_CLICK = 0.12
CHAT_CLICK = 0.08
