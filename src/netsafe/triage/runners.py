"""Where the work runs: in this process, a local process pool (the default) or a Dask cluster.

A runner takes tasks (zero-argument picklable callables) and yields their results as they finish,
keeping at most `window` tasks in flight so memory stays bounded on any exhibit size.
"""

from __future__ import annotations

import multiprocessing
import os
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from functools import partial
from typing import Any, Protocol

from netsafe.parent_watch import die_with_parent

Task = Callable[[], Any]
#: What the workers run, and what they load on their first batch (preloaded by the pool's fork
#: server, so each worker forks with them).
WORKER_MODULES = ["netsafe.triage.worker", "netsafe.triage.worker_preload"]


class Runner(Protocol):
    """Runs tasks and yields their results in completion order."""

    description: str
    #: True when tasks run in the calling process (their CPU time is the caller's own).
    in_process: bool

    def run(self, tasks: Iterable[Task]) -> Iterator[Any]: ...

    def close(self) -> None: ...


class InlineRunner:
    """Runs every task in this process, one after the other (debugging, small tests)."""

    description = "in process"
    in_process = True

    def run(self, tasks: Iterable[Task]) -> Iterator[Any]:
        for task in tasks:
            yield task()

    def close(self) -> None:
        return None


class ProcessPoolRunner:
    """A local pool of worker processes (forkserver: safe beside the progress thread).

    The fork server imports the scanning code once and every worker forks from it; the workers
    are started at once, so they are ready by the time the sources have been listed.
    """

    in_process = False

    def __init__(self, workers: int | None = None) -> None:
        self.workers = workers or os.cpu_count() or 1
        self.description = f"process pool of {self.workers}"
        context = multiprocessing.get_context("forkserver")
        context.set_forkserver_preload(WORKER_MODULES)
        # workers are children of the fork server: each also watches this process, and dies
        # with it even after `kill -9` (the fork server itself ends when this process does)
        self._pool = ProcessPoolExecutor(
            max_workers=self.workers,
            mp_context=context,
            initializer=partial(die_with_parent, watch=os.getpid()),
        )
        for _ in range(self.workers):  # each submit while none is idle starts one worker
            self._pool.submit(os.getpid)

    def run(self, tasks: Iterable[Task]) -> Iterator[Any]:
        # eight batches a worker: plain files' batches take ~10 ms each, and the main process
        # stops submitting while it writes the journal (a commit's fsync) or holds the GIL;
        # with four a worker (~40 ms of plain files queued), a longer stall idles the workers
        window = self.workers * 8
        pending: set[Future[Any]] = set()
        for task in tasks:
            pending.add(self._pool.submit(task))
            while len(pending) >= window:
                done, pending = wait(pending, return_when=FIRST_COMPLETED)
                for future in done:
                    yield future.result()
        while pending:
            done, pending = wait(pending, return_when=FIRST_COMPLETED)
            for future in done:
                yield future.result()

    def close(self) -> None:
        self._pool.shutdown(wait=True, cancel_futures=True)


class DaskRunner:
    """Tasks on a Dask distributed cluster (the scheduler at `address`, or a `Client` given)."""

    in_process = False

    def __init__(self, address: str | None = None, client: Any = None) -> None:
        from distributed import Client as DaskClient

        make_client: Any = DaskClient

        self._own = client is None
        self.client: Any = (
            client if client is not None else make_client(address, set_as_default=False)
        )
        workers = len(self.client.scheduler_info().get("workers", {})) or 1
        self.window = max(8, workers * 4)
        address = self.client.scheduler_info().get("address", address or "")
        self.description = f"Dask cluster at {address} ({workers} workers)"

    def run(self, tasks: Iterable[Task]) -> Iterator[Any]:
        from distributed import as_completed as dask_as_completed

        as_completed: Any = dask_as_completed

        iterator = iter(tasks)
        first = [
            self.client.submit(_call, t, pure=False)
            for _, t in zip(range(self.window), iterator, strict=False)
        ]
        if not first:
            return
        completed = as_completed(first, loop=self.client.loop)
        for future in completed:
            result = future.result()
            future.release()
            following = next(iterator, None)
            if following is not None:
                completed.add(self.client.submit(_call, following, pure=False))
            yield result

    def close(self) -> None:
        if self._own:
            self.client.close()


def _call(task: Task) -> Any:
    return task()


def make_runner(*, workers: int | None, scheduler: str | None) -> Runner:
    """Dask when a scheduler address is given, otherwise a process pool (`workers=0`: inline)."""
    if scheduler:
        return DaskRunner(scheduler)
    if workers == 0:
        return InlineRunner()
    return ProcessPoolRunner(workers)
