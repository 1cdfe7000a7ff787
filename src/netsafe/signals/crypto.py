"""MD5, SHA-1 and SHA-256 in one read pass, and which of them a run needs to compute.

Every file gets all three by default. A triage only needs the hashes its lists can match: when
every entry of every list carries a SHA-1, SHA-1 alone finds every exact match, and MD5 (the
slowest of the three by far) need not be computed for files that match nothing.
`cheapest_cover` picks that set; the caller computes the rest for the files that do match.
"""

from __future__ import annotations

import functools
import hashlib
import itertools
from collections.abc import Callable, Collection, Iterable
from dataclasses import dataclass
from typing import BinaryIO

from netsafe.signals.md5 import Md5Signal
from netsafe.signals.sha1 import Sha1Signal
from netsafe.signals.sha256 import Sha256Signal

#: Read size: large enough that hashlib releases the GIL and the per-call overhead vanishes.
CHUNK_SIZE = 1 << 20

#: The cryptographic signals, in the order they are reported.
CRYPTO_SIGNALS: tuple[str, ...] = ("md5", "sha1", "sha256")
#: Each hash's digest size in bytes.
DIGEST_BYTES: dict[str, int] = {"md5": 16, "sha1": 20, "sha256": 32}
_NEW = {"md5": Md5Signal.new, "sha1": Sha1Signal.new, "sha256": Sha256Signal.new}

#: CPU cost per byte relative to SHA-1, measured with OpenSSL on x86-64 with the SHA extensions
#: (MD5 ~620 MB/s, SHA-1 ~1,500 MB/s, SHA-256 ~1,400 MB/s per core). Fixed, not measured at run
#: time, so the same lists always give the same choice on every machine.
RELATIVE_COST: dict[str, float] = {"md5": 2.4, "sha1": 1.0, "sha256": 1.1}


def new_hash(name: str) -> Callable[[bytes | memoryview], hashlib._Hash]:
    """A constructor of hash `name` that takes the first bytes to hash (one call where a small
    file needs no more; hashlib's named constructors cost a third of `hashlib.new`)."""
    if name not in CRYPTO_SIGNALS:
        raise ValueError(f"unknown cryptographic hash {name!r}: use md5, sha1, sha256")
    constructor: Callable[..., hashlib._Hash] = getattr(hashlib, name)
    return functools.partial(constructor, usedforsecurity=False)


def split_digests(name: str, packed: bytes) -> list[bytes]:
    """Raw digests of hash `name` packed back to back, one by one."""
    width = DIGEST_BYTES[name]
    return [packed[i : i + width] for i in range(0, len(packed), width)]


@dataclass(frozen=True)
class CryptoDigests:
    """The cryptographic hashes (lowercase hex) of some bytes, and how many there were.

    A hash that was not asked for is the empty string."""

    size: int
    md5: str
    sha1: str
    sha256: str


class CryptoHasher:
    """Feeds the same bytes to each chosen hash (all three by default); `update` as they arrive."""

    def __init__(self, signals: Collection[str] = CRYPTO_SIGNALS) -> None:
        unknown = set(signals) - set(CRYPTO_SIGNALS)
        if unknown:
            raise ValueError(f"unknown cryptographic hash {sorted(unknown)}: use md5, sha1, sha256")
        self._hashes = tuple((name, _NEW[name]()) for name in CRYPTO_SIGNALS if name in signals)
        self._updates: tuple[Callable[[bytes | memoryview], object], ...] = tuple(
            hash_.update for _, hash_ in self._hashes
        )
        self.size = 0

    def also_update(self, updates: tuple[Callable[[bytes | memoryview], object], ...]) -> None:
        """Feed the same bytes to `updates` too (other signals computed from bytes)."""
        self._updates = (*self._updates, *updates)

    def update(self, data: bytes | memoryview) -> None:
        for update in self._updates:
            update(data)
        self.size += len(data)

    def digests(self) -> CryptoDigests:
        values = dict.fromkeys(CRYPTO_SIGNALS, "")
        for name, hash_ in self._hashes:
            values[name] = hash_.hexdigest()
        return CryptoDigests(self.size, values["md5"], values["sha1"], values["sha256"])


def digest_chunks(chunks: Iterable[bytes]) -> CryptoDigests:
    """The three hashes of the concatenated chunks."""
    hasher = CryptoHasher()
    for chunk in chunks:
        hasher.update(chunk)
    return hasher.digests()


def digest_stream(
    stream: BinaryIO, chunk_size: int = CHUNK_SIZE, signals: Collection[str] = CRYPTO_SIGNALS
) -> CryptoDigests:
    """The hashes (all three by default) of everything left in `stream`, read once."""
    hasher = CryptoHasher(signals)
    buffer = bytearray(chunk_size)
    view = memoryview(buffer)
    while True:
        count = stream.readinto(view)  # type: ignore[attr-defined]
        if not count:
            break
        hasher.update(view[:count])
    return hasher.digests()


def cheapest_cover(patterns: Iterable[Collection[str]]) -> tuple[str, ...]:
    """The cheapest set of cryptographic hashes that meets every pattern.

    Each pattern is the set of cryptographic hashes one list entry carries (entries with none,
    PDQ only, give an empty pattern and are ignored). A file matches an entry exactly when it
    shares one of the entry's hashes, so computing one hash of every pattern finds every exact
    match. With no pattern at all, SHA-1 alone (each file keeps one identifying hash).
    """
    wanted = {frozenset(p) & frozenset(CRYPTO_SIGNALS) for p in patterns} - {frozenset()}
    best: tuple[str, ...] = ("sha1",)
    best_cost = float("inf")
    for size in range(1, len(CRYPTO_SIGNALS) + 1):
        for chosen in itertools.combinations(CRYPTO_SIGNALS, size):
            if all(pattern & set(chosen) for pattern in wanted):
                cost = sum(RELATIVE_COST[name] for name in chosen)
                if cost < best_cost:
                    best, best_cost = chosen, cost
    return best


def choose_hashes(choice: str, patterns: Iterable[Collection[str]]) -> tuple[str, ...]:
    """The hashes to compute for `choice`: "auto" (`cheapest_cover` of the lists' `patterns`),
    "all", or a comma list such as "md5,sha1". ValueError when a list misses a pattern: those
    entries could never match, and a triage must never miss a known file silently."""
    text = choice.strip().lower()
    if text == "auto":
        return cheapest_cover(patterns)
    if text == "all":
        return CRYPTO_SIGNALS
    chosen = parse_signals(text)
    for pattern in patterns:
        if pattern and not set(pattern) & set(chosen):
            raise ValueError(
                f"--hashes {','.join(chosen)} would miss list entries that carry only "
                f"{' and '.join(ordered(pattern))}: add one of them, or use auto"
            )
    return chosen


def parse_signals(text: str) -> tuple[str, ...]:
    """`md5,sha256` → ("md5", "sha256") in report order; ValueError naming what is wrong."""
    names = [part.strip().lower() for part in text.split(",") if part.strip()]
    unknown = [name for name in names if name not in CRYPTO_SIGNALS]
    if unknown or not names:
        raise ValueError(
            f"unknown hash {', '.join(unknown)!r}: choose from md5, sha1, sha256"
            if unknown
            else "no hash named: choose from md5, sha1, sha256"
        )
    return ordered(names)


def ordered(names: Iterable[str]) -> tuple[str, ...]:
    """`names` in report order (md5, sha1, sha256), each once."""
    chosen = set(names)
    return tuple(name for name in CRYPTO_SIGNALS if name in chosen)
