"""Helper processes end with the command that started them, even when it is killed with `kill -9`.

A killed command runs no clean-up, so its helpers must notice by themselves:

* `die_with_parent()` asks Linux to send this process SIGKILL when its parent dies
  (`prctl(PR_SET_PDEATHSIG)`, through ctypes), then checks the parent is still the one expected
  (it may have died just before);
* with `watch=PID`, a daemon thread also waits on that process (a pidfd, or polling where pidfds
  are missing) and ends this one when it ends: for pool workers whose direct parent is a fork
  server rather than the command itself.

Used by the list reader's helper (`hashlists/reading.py`) and triage's worker pool
(`triage/runners.py`, as the pool's initializer). Elsewhere than Linux only the watch applies.
"""

from __future__ import annotations

import ctypes
import os
import select
import signal
import sys
import threading
import time

PR_SET_PDEATHSIG = 1
_POLL_SECONDS = 0.5


def die_with_parent(parent_pid: int | None = None, *, watch: int | None = None) -> None:
    """End this process when its parent (expected to be `parent_pid`, if given) or the process
    `watch` ends."""
    if sys.platform.startswith("linux"):
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
    if parent_pid is not None and os.getppid() != parent_pid:
        os._exit(1)  # the parent died before the request took effect
    if watch is not None:
        threading.Thread(target=_exit_when_gone, args=(watch,), daemon=True).start()


def _exit_when_gone(pid: int) -> None:
    """Block until process `pid` has ended, then end this process at once."""
    try:
        descriptor = os.pidfd_open(pid)
    except ProcessLookupError:
        os._exit(1)
    except (AttributeError, OSError):  # no pidfd (old kernel, not Linux): poll
        while _alive(pid):
            time.sleep(_POLL_SECONDS)
        os._exit(1)
    select.select([descriptor], [], [])  # readable once the process has ended
    os._exit(1)


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True
