"""share_work: pieces taken in turn by the caller and a pool's threads, answered in order."""

from __future__ import annotations

import threading
import time
from concurrent.futures import ThreadPoolExecutor

import pytest

from netsafe.matching.work_sharing import share_work


def test_every_piece_once_in_order_by_caller_and_helpers() -> None:
    ran: list[tuple[int, str]] = []
    lock = threading.Lock()

    def work(piece: int) -> int:
        with lock:
            ran.append((piece, threading.current_thread().name))
        time.sleep(0.001)  # lets a helper take pieces too
        return piece * piece

    with ThreadPoolExecutor(2, thread_name_prefix="helper") as pool:
        assert share_work(pool, 1, 20, work) == [n * n for n in range(20)]
        assert sorted(piece for piece, _ in ran) == list(range(20))
        assert threading.current_thread().name in {name for _, name in ran}  # the caller works
        assert share_work(pool, 1, 0, work) == []
    assert share_work(None, 3, 3, lambda n: n + 1) == [1, 2, 3]


def test_a_helper_that_never_runs_does_not_hold_the_caller_up() -> None:
    """Every helper busy elsewhere: the caller does every piece itself and returns."""
    gate = threading.Event()
    with ThreadPoolExecutor(1) as pool:
        pool.submit(gate.wait)  # the pool's only thread is taken
        names = share_work(pool, 1, 4, lambda _n: threading.current_thread().name)
        gate.set()
    assert names == [threading.current_thread().name] * 4


def test_an_error_in_a_piece_reaches_the_caller() -> None:
    def work(piece: int) -> int:
        if piece == 3:
            raise ValueError("piece 3 failed")
        return piece

    with ThreadPoolExecutor(2) as pool, pytest.raises(ValueError, match="piece 3 failed"):
        share_work(pool, 2, 8, work)
