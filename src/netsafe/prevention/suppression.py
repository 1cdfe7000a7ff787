"""Small-number suppression: what crosses the charity wall.

Only aggregates leave prevention, and any count under 5 reads "<5" so a small group can't point
at a person. `suppress_count` is the one rule; `suppress_breakdown` applies it to a breakdown with
a total and adds secondary suppression, so a hidden cell can't be worked out by subtraction.
The statistics engineer reuses both for every prevention figure.
"""

from __future__ import annotations

from collections.abc import Mapping

#: Counts below this read "<5".
SUPPRESSION_THRESHOLD = 5
SUPPRESSED = "<5"
#: A cell of 5 or more hidden only so that a "<5" cell can't be worked out from the total.
SECONDARY_SUPPRESSED = "suppressed"

#: A count as shown across the wall: the number, or "<5".
ShownCount = int | str


def suppress_count(count: int) -> ShownCount:
    """`count` when it is 5 or more, otherwise the string "<5" (zero included)."""
    if count < 0:
        raise ValueError(f"a count can't be negative: {count}")
    return count if count >= SUPPRESSION_THRESHOLD else SUPPRESSED


def suppress_breakdown(
    counts: Mapping[str, int], *, total_shown: bool = True
) -> dict[str, ShownCount]:
    """Every cell through `suppress_count`; and when the total is shown alongside and exactly one
    cell reads "<5", the smallest shown cell reads "suppressed" too (secondary suppression), so
    the hidden cell can't be worked out as the total minus the others."""
    shown: dict[str, ShownCount] = {key: suppress_count(value) for key, value in counts.items()}
    hidden = [key for key, value in shown.items() if value == SUPPRESSED]
    visible = sorted((value, key) for key, value in counts.items() if shown[key] != SUPPRESSED)
    if total_shown and len(hidden) == 1 and visible:
        shown[visible[0][1]] = SECONDARY_SUPPRESSED
    return shown
