"""`netsafe serve --pin-workers`: each worker claims a slot of its own, and with it one CPU; a
slot its worker gave up (or died holding) is taken by the next worker."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from netsafe.web.cpu_affinity import pin_to_own_cpu

pytestmark = pytest.mark.skipif(
    not hasattr(os, "sched_setaffinity"), reason="CPU affinity is a Linux feature"
)


def test_workers_claim_a_slot_each_and_keep_to_its_cpu(tmp_path: Path) -> None:
    allowed = os.sched_getaffinity(0)
    cpus = sorted(allowed)
    try:
        first = pin_to_own_cpu(tmp_path)
        second = pin_to_own_cpu(tmp_path)  # a second worker: the first slot is held
        assert first is not None
        assert second is not None
        assert (first.slot, second.slot) == (0, 1)
        assert (first.cpu, second.cpu) == (cpus[0], cpus[1 % len(cpus)])
        assert os.sched_getaffinity(0) == {second.cpu}
        first.release()  # the first worker stops: its slot is free again
        third = pin_to_own_cpu(tmp_path)
        assert third is not None
        assert third.slot == 0
        second.release()
        third.release()
    finally:
        os.sched_setaffinity(0, allowed)
