"""`python tests/triage/slowed_triage.py triage ...`: the CLI with the triage journal slowed down.

For the SIGKILL test only. Since the journal commits once a second, a small exhibit on a fast
machine can finish before a test sees any committed result, so there is nothing to kill mid-run.
Here every batch of results waits a little (2 ms a result, 50 ms at least) before it is recorded,
so each commit is followed by a window in which the run is still going. The triage itself
(workers, hashing, matching, what the journal holds) is the real one.
"""

from __future__ import annotations

import time
from typing import Any

from netsafe.cli.app import main
from netsafe.triage.journal import Journal

_tick = Journal._tick


def _slowed_tick(self: Journal, count: int = 1, *args: Any, **kwargs: Any) -> None:
    time.sleep(max(0.05, 0.002 * count))
    _tick(self, count, *args, **kwargs)


Journal._tick = _slowed_tick  # type: ignore[method-assign]

if __name__ == "__main__":
    main()
