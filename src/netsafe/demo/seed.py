"""`seed_demo_operation`: the synthetic Operation NetSafe, seeded and deterministic, once.

The data set is recorded in a ledger when seeded; seeding again finds it there and adds nothing.
Everything happens in the caller's transaction, so a failed run leaves nothing behind.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime

from netsafe.demo import rates
from netsafe.demo.casework import draw_casework
from netsafe.demo.casework_records import write_casework
from netsafe.demo.draws import Draws
from netsafe.demo.engine_triage import triage_generated_device
from netsafe.demo.help_seeking import seed_contacts, seed_counters
from netsafe.demo.writer import DemoLedger, DemoWriter

#: Steps reported to `progress`.
STEPS = 4
#: Devices triaged by the real engine on generated benign files.
ENGINE_DEVICES = 3
DATASET = "operation-netsafe-demo"
DEFAULT_SEED = 20161101


@dataclass(frozen=True, slots=True)
class DemoResult:
    """What a run added (nothing when the data set was already there)."""

    dataset: str
    seed: int
    already_seeded: bool
    added: dict[str, int] = field(default_factory=dict)


def seed_demo_operation(
    writer: DemoWriter,
    ledger: DemoLedger,
    *,
    code_word_hash: Callable[[str], str],
    self_help_modules: Sequence[str],
    seed: int = DEFAULT_SEED,
    last_day: date = rates.DEMO_END,
    progress: Callable[[str], None] = lambda _step: None,
    engine_devices: int = ENGINE_DEVICES,
) -> DemoResult:
    """Seed the demo operation (launched 1 Nov 2016, help-seeking from a year before) up to
    `last_day`, unless it is already seeded. `progress` hears of each of its four steps. The
    first `engine_devices` triaged devices go through the real triage engine (generated benign
    files); the others' triage results are drawn from the rates."""
    if ledger.seeded(DATASET):
        return DemoResult(DATASET, seed, already_seeded=True)
    stories = draw_casework(Draws(seed), last_day)
    engine_draws = Draws(seed + 2)
    devices = [d for story in stories for d in story.devices if d.triage is not None]
    for number, device in enumerate(devices[:engine_devices]):
        assert device.triage is not None
        device.triage = triage_generated_device(
            engine_draws,
            exhibit=f"demo-device-{number + 1}",
            case="demo",
            finished_at=device.triage[0].finished_at,
        )
    progress("casework drawn")
    added = write_casework(writer, stories)
    progress("casework stored")
    help_draws = Draws(seed + 1)
    added["prevention_contacts"] = seed_contacts(writer, help_draws, code_word_hash, last_day)
    progress("help-seeking contacts stored")
    added.update(seed_counters(writer, help_draws, self_help_modules, last_day))
    progress("self-help and deterrence counts stored")
    totals = dict(sorted(added.items()))
    ledger.record(DATASET, seed, datetime.now(UTC), totals)
    return DemoResult(DATASET, seed, already_seeded=False, added=totals)
