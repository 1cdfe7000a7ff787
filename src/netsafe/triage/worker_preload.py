"""Imported by the process pool's fork server beside `triage.worker`, never by the CLI.

What every worker would otherwise load on its first batch (the registry's content openers with
their modules and libraries, the vPDQ index the list matcher imports when it loads) is loaded
here once, before the workers fork from the server, instead of once in each worker while its
first batch waits: ~45 ms of CPU a worker, on the path of a triage's first results.
"""

from __future__ import annotations

import netsafe.matching.vpdq_signal_index  # noqa: F401 (imported by the matcher on load)
from netsafe.triage.openers.registry import REGISTRY

REGISTRY.content_openers()
