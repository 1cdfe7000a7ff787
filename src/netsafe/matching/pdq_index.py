"""The PDQ index: all entries within a Hamming distance of a query, for millions of hashes."""

from __future__ import annotations

from netsafe.matching.pdq_brute_force import BruteForcePdqIndex


class PdqIndex(BruteForcePdqIndex):
    """Placeholder with the final API: multi-index hashing replaces the brute-force search."""

    KIND = "netsafe-pdq-index"
