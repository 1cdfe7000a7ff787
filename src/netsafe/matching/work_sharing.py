"""Pieces of one search shared between the calling thread and a pool's threads.

A search split into one part per thread waits for the slowest thread: on a shared machine a pool
thread may not run for milliseconds, and the caller, idle, waits for it. Here the caller works
too: every thread (the caller and up to `helpers` pool threads) takes the next piece not yet
taken until none is left, so a helper that starts late finds less (or nothing) to do and the
caller never waits for more than the pieces already being searched. The pieces' work must
release the GIL (the compiled PDQ kernel does) for the threads to run at the same time.
"""

from __future__ import annotations

import itertools
import threading
from collections.abc import Callable
from concurrent.futures import Executor
from typing import TypeVar

Result = TypeVar("Result")


def share_work(
    pool: Executor | None, helpers: int, count: int, work: Callable[[int], Result]
) -> list[Result]:
    """`[work(0), ..., work(count - 1)]`, the pieces run by this thread and up to `helpers`
    threads of `pool`. The first exception a piece raises is raised here, once every piece
    taken has finished."""
    if count <= 0:
        return []
    if pool is None or helpers < 1 or count == 1:
        return [work(piece) for piece in range(count)]
    results: dict[int, Result] = {}
    errors: list[BaseException] = []
    taken = itertools.count()  # next() is one C call: atomic under the GIL
    finished = itertools.count(1)
    done = threading.Event()

    def take() -> None:
        while (piece := next(taken)) < count:
            try:
                results[piece] = work(piece)
            except BaseException as error:  # handed to the caller, not lost in the pool
                errors.append(error)
            if next(finished) == count:
                done.set()

    for _ in range(min(helpers, count - 1)):
        pool.submit(take)
    take()
    done.wait()
    if errors:
        raise errors[0]
    return [results[piece] for piece in range(count)]
