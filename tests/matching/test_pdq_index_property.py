"""Property: for any hashes, sizes and distances, PdqIndex answers exactly as brute force."""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from netsafe.matching.pdq_brute_force import BruteForcePdqIndex
from netsafe.matching.pdq_index import PdqIndex


class TinyTables(PdqIndex):
    """Tables from 500 hashes on, so small examples exercise the multi-index path."""

    TABLES_FROM = 500


@settings(max_examples=25, deadline=None)
@given(
    seed=st.integers(0, 2**32 - 1),
    count=st.integers(500, 2500),
    distance=st.integers(0, 64),
    spread=st.integers(0, 80),
)
def test_multi_index_equals_brute_force(seed: int, count: int, distance: int, spread: int) -> None:
    rng = np.random.default_rng(seed)
    hashes = rng.integers(0, 256, (count, 32), dtype=np.uint8)
    # near-duplicates of the first hashes, `spread` bits apart at most
    bits = np.unpackbits(hashes[: count // 4], axis=1)
    for row in bits:
        row[rng.choice(256, int(rng.integers(0, spread + 1)), replace=False)] ^= 1
    hashes[count - count // 4 :] = np.packbits(bits, axis=1)
    queries = np.concatenate([hashes[:: max(1, count // 40)], hashes[:20] ^ np.uint8(1)])
    fast, reference = TinyTables(), BruteForcePdqIndex()
    for index in (fast, reference):
        index.add(np.arange(count) * 2, hashes)
    assert fast.search_many(queries, distance) == reference.search_many(queries, distance)
