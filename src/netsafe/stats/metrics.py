"""The operation's figures: what each one counts, from which records, by which date.

Every figure is counted from records for a UTC window (a period in UK local dates, see
`periods.py`); nothing is a stored total. Enforcement figures are counted per force, so they add
up across forces and months. Prevention figures come from the charity's side as aggregates only,
and every count under 5 is shown as "<5" (`netsafe.prevention.suppression`).
"""

from __future__ import annotations

import enum
from dataclasses import dataclass


class Group(enum.StrEnum):
    """Which side of the operation a figure belongs to."""

    ENFORCEMENT = "enforcement"
    PREVENTION = "prevention"


@dataclass(frozen=True, slots=True)
class Metric:
    """One figure: its JSON name, a label for people, what it counts, and its breakdown."""

    name: str
    label: str
    definition: str
    group: Group
    breakdown: str | None = None


ENFORCEMENT_METRICS: tuple[Metric, ...] = (
    Metric(
        "referrals_received",
        "Referrals received",
        "referrals by the UK date they were received",
        Group.ENFORCEMENT,
        "source",
    ),
    Metric(
        "subjects_assessed",
        "Subjects risk-assessed",
        "subjects with a risk assessment made in the period, by the band of their latest one",
        Group.ENFORCEMENT,
        "band",
    ),
    Metric(
        "deadline_breaches",
        "Deadline breaches",
        "referrals whose response deadline fell in the period and was missed (responded late, "
        "or still awaiting a response after it)",
        Group.ENFORCEMENT,
    ),
    Metric(
        "warrants_executed",
        "Warrants executed",
        "warrants by the UK date they were executed",
        Group.ENFORCEMENT,
    ),
    Metric("arrests", "Arrests", "arrests by the UK date of arrest", Group.ENFORCEMENT),
    Metric(
        "devices_seized",
        "Devices seized",
        "exhibits (seized devices) by the UK date of seizure",
        Group.ENFORCEMENT,
    ),
    Metric(
        "devices_triaged",
        "Devices triaged",
        "distinct exhibits with a triage run finished in the period",
        Group.ENFORCEMENT,
    ),
    Metric(
        "matched_files",
        "Matched files",
        "files matched to a known-hash list by triage runs finished in the period, by category",
        Group.ENFORCEMENT,
        "category",
    ),
    Metric(
        "children_identified",
        "Children identified",
        "children identified, from safeguarding records by the UK date they were recorded",
        Group.ENFORCEMENT,
    ),
    Metric(
        "children_safeguarded",
        "Children safeguarded",
        "children safeguarded, from safeguarding records by the UK date they were recorded",
        Group.ENFORCEMENT,
    ),
    Metric(
        "outcomes",
        "Outcomes",
        "case outcomes by the UK date decided, by kind",
        Group.ENFORCEMENT,
        "kind",
    ),
)

PREVENTION_METRICS: tuple[Metric, ...] = (
    Metric(
        "people_seeking_help",
        "People seeking help",
        "unique people contacting the charity's helpline, chat, e-mail or self-help (a returning "
        "person with a code word counts once; a contact without one counts as one person)",
        Group.PREVENTION,
    ),
    Metric(
        "contacts_by_channel",
        "Contacts by channel",
        "contact records by channel",
        Group.PREVENTION,
        "channel",
    ),
    Metric(
        "contacts_by_who",
        "Contacts by who",
        "contact records by who made contact",
        Group.PREVENTION,
        "who",
    ),
    Metric(
        "self_help_starts",
        "Self-help modules started",
        "anonymous self-help module starts",
        Group.PREVENTION,
    ),
    Metric(
        "self_help_completions",
        "Self-help modules completed",
        "anonymous self-help module completions",
        Group.PREVENTION,
    ),
    Metric(
        "deterrence_funnel",
        "Deterrence funnel",
        "warnings shown, then help page views, then helpline/chat clicks",
        Group.PREVENTION,
        "step",
    ),
)

METRICS: dict[str, Metric] = {m.name: m for m in (*ENFORCEMENT_METRICS, *PREVENTION_METRICS)}

#: The figures a briefing leads with, in order.
HEADLINE: tuple[str, ...] = (
    "warrants_executed",
    "arrests",
    "devices_seized",
    "children_safeguarded",
    "people_seeking_help",
)
