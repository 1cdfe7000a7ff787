"""One CPU per server worker process (`netsafe serve --pin-workers`, `NETSAFE_PIN_WORKERS=1`).

A worker process is an event loop plus the worker threads that run the synchronous parts of a
request (its queries and commit): every request hands work from one to the other and back
several times, and the threads take turns holding Python's GIL. Left to the scheduler, those
threads run on every CPU, so each hand-over and each turn of the GIL wakes a thread on another
CPU, which costs far more than on the same one (most of all in a virtual machine). Measured on
the 2-CPU development machine, 2 workers, 100 clients: 10–25 % less CPU per request and 30–70 %
more requests per second with each worker kept to a CPU of its own (`benchmarks/
bench_platform_load.py`; docs/ARCHITECTURE.md).

Workers do not know their number (uvicorn starts them alike), so each one claims the first free
slot among lock files in `NETSAFE_HOME/run/`: slot *i* means the *i*-th CPU the process may run
on (wrapping round when there are more workers than CPUs). A worker holds its slot's lock for
as long as it lives, so a restarted worker takes the slot its predecessor left.
"""

from __future__ import annotations

import fcntl
import functools
import logging
import os
from pathlib import Path
from typing import IO

log = logging.getLogger(__name__)

#: The slot files a worker tries: more than any sensible number of workers per machine.
MAX_SLOTS = 256


class CpuClaim:
    """A worker's slot: the CPU it keeps to, and the open lock file that holds the slot."""

    def __init__(self, cpu: int, slot: int, lock: IO[bytes]) -> None:
        self.cpu = cpu
        self.slot = slot
        self._lock = lock

    def release(self) -> None:
        self._lock.close()  # closing the file drops its lock


def pin_to_own_cpu(run_dir: Path) -> CpuClaim | None:
    """Claim the first free slot in `run_dir` and keep this process (all its threads) to that
    slot's CPU; None where CPU affinity is not available (not Linux) or every slot is taken."""
    if not hasattr(os, "sched_setaffinity"):
        return None
    cpus = _allowed_cpus()
    run_dir.mkdir(parents=True, exist_ok=True)
    for slot in range(MAX_SLOTS):
        lock = (run_dir / f"worker-slot-{slot}.lock").open("ab")
        try:
            fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            lock.close()
            continue
        cpu = cpus[slot % len(cpus)]
        for thread in Path("/proc/self/task").iterdir():  # threads made later inherit it
            os.sched_setaffinity(int(thread.name), {cpu})
        log.info("worker process %d keeps to CPU %d (slot %d)", os.getpid(), cpu, slot)
        return CpuClaim(cpu, slot, lock)
    return None


@functools.cache
def _allowed_cpus() -> list[int]:
    """The CPUs this process could run on before it kept to one (e.g. `taskset` or a container's
    share: the slots are numbered over those)."""
    return sorted(os.sched_getaffinity(0))
