"""The demo's help-seeking: people contacting the charity from a year before launch (some coming
back under a code word), anonymous self-help module counts and the deterrence funnel, drawn from
the rates day by day and written in bulk.

Contacts carry only what the charity keeps (date, coded fields, a keyed code-word hash); the
daily counters are written as whole days' counts, as the counters would have reached them.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Sequence
from datetime import date, timedelta

from netsafe.demo import rates
from netsafe.demo.draws import Draws, days
from netsafe.demo.writer import DemoWriter
from netsafe.prevention.contacts import (
    Area,
    Channel,
    Concern,
    ContactDraft,
    HeardVia,
    Who,
)
from netsafe.prevention.counters import DailyCount, FunnelStep, SelfHelpEvent


def people_per_day(day: date) -> float:
    """New people seeking help a day (the latest period starting on or before `day`)."""
    rate = rates.HELP_SEEKING[0].people_per_day
    for period in rates.HELP_SEEKING:
        if period.start <= day:
            rate = period.people_per_day
    return rate


def _draft(draws: Draws, day: date, code_word_hash: str | None, follow_up: bool) -> ContactDraft:
    after_launch = day >= rates.OPERATION_START
    heard = rates.HEARD_VIA_AFTER if after_launch else rates.HEARD_VIA_BEFORE
    concerns = {Concern.ONLINE_IMAGES}
    if draws.chance(0.15):
        concerns.add(Concern.ONLINE_CONTACT)
    return ContactDraft(
        contact_date=day,
        channel=Channel(draws.pick(rates.CHANNELS)),
        who=Who(draws.pick(rates.WHO)),
        concerns=frozenset(concerns),
        area=Area(draws.pick(rates.AREAS)),
        heard_via=HeardVia(draws.pick(heard)),
        protective_actions="Synthetic demo contact: safety plan discussed.",
        notes="",
        follow_ups=1 if follow_up else 0,
        code_word_hash=code_word_hash,
    )


def seed_contacts(
    writer: DemoWriter,
    draws: Draws,
    code_word_hash: Callable[[str], str],
    last_day: date,
) -> int:
    """Every day's new people from `PREVENTION_START`, and their returns; contacts added."""
    drafts: list[ContactDraft] = []
    person = 0
    for day in days(rates.PREVENTION_START, last_day):
        for _ in range(draws.count(people_per_day(day))):
            person += 1
            if not draws.chance(rates.CODE_WORD):
                drafts.append(_draft(draws, day, None, False))
                continue
            hashed = code_word_hash(f"demo-code-word-{person:06d}")
            visit = day
            for number in range(1 + draws.count(rates.RETURN_CONTACTS_MEAN)):
                if visit > last_day:
                    break
                drafts.append(_draft(draws, visit, hashed, number > 0))
                visit += timedelta(days=draws.integer(3, 60))
    writer.add_contacts(drafts)
    return len(drafts)


def seed_counters(
    sink: DemoWriter, draws: Draws, modules: Sequence[str], last_day: date
) -> Counter[str]:
    """Self-help starts and completions every day; the deterrence funnel after launch."""
    self_help: list[DailyCount] = []
    funnel: list[DailyCount] = []
    totals: Counter[str] = Counter()
    for day in days(rates.PREVENTION_START, last_day):
        after_launch = day >= rates.OPERATION_START
        starts = draws.count(rates.SELF_HELP_STARTS_PER_DAY[after_launch])
        for _ in range(starts):
            module = modules[draws.integer(0, len(modules) - 1)]
            totals[f"{module}:{SelfHelpEvent.STARTED}"] += 1
            if draws.chance(rates.SELF_HELP_COMPLETED):
                totals[f"{module}:{SelfHelpEvent.COMPLETED}"] += 1
        for key, n in sorted(totals.items()):
            module, event = key.split(":")
            self_help.append(DailyCount(day, event, module, n))
        totals.clear()
        if not after_launch:
            continue
        warnings = draws.count(rates.WARNINGS_PER_DAY)
        views = sum(draws.chance(rates.HELP_PAGE_VIEW) for _ in range(warnings))
        steps = {
            FunnelStep.WARNING_SHOWN: warnings,
            FunnelStep.HELP_PAGE_VIEW: views,
            FunnelStep.HELPLINE_CLICK: sum(
                draws.chance(rates.HELPLINE_CLICK) for _ in range(views)
            ),
            FunnelStep.CHAT_CLICK: sum(draws.chance(rates.CHAT_CLICK) for _ in range(views)),
        }
        funnel += [DailyCount(day, step.value, "", n) for step, n in steps.items() if n]
    sink.add_daily_counts(self_help, funnel)
    added: Counter[str] = Counter()
    added.update(self_help_days=len(self_help), funnel_days=len(funnel))
    return added
