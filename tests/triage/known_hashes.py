"""A small matcher for pipeline tests, made of the real matching indexes (`ExactIndex` on MD5,
`PdqIndex` for PDQ) and returning real `Match` values, so triage is tested on its own while the
list matcher of the hash-list area is exercised end to end in the CLI tests."""

from __future__ import annotations

from dataclasses import dataclass, field

from netsafe.categories import Category
from netsafe.matching.exact_index import ExactIndex
from netsafe.matching.match import Match
from netsafe.matching.pdq_index import PdqIndex
from netsafe.signals.crypto import split_digests
from netsafe.signals.fingerprint import FileFingerprint


@dataclass(frozen=True)
class Outcome:
    ignored: bool
    matches: list[Match] = field(default_factory=list)
    pdq_not_tried: str = ""


class KnownHashes:
    """MD5 entries (alert or ignore) and PDQ entries, each with a category."""

    def __init__(
        self,
        md5: dict[str, Category],
        pdq: dict[str, Category],
        ignore_md5: frozenset[str],
        max_distance: int,
    ) -> None:
        self.entries = list(md5.items())
        self.pdq_entries = list(pdq.items())
        self.ignore = ignore_md5
        self.max_distance = max_distance
        self.md5_index = ExactIndex("md5")
        if self.entries:
            self.md5_index.add(range(len(self.entries)), [h for h, _ in self.entries])
        self.pdq_index = PdqIndex(threads=1)
        if self.pdq_entries:
            self.pdq_index.add(range(len(self.pdq_entries)), [h for h, _ in self.pdq_entries])

    def match_many(
        self,
        fps: list[FileFingerprint],
        *,
        max_distance: int | None = None,
        quality_floor: int | None = None,
    ) -> list[Outcome]:
        """`match` each; `max_distance` and `quality_floor` replace the list's (thumbnails)."""
        return [self.match(fp, max_distance, quality_floor) for fp in fps]

    def known_digests(self, signal: str, digests: bytes) -> list[bool]:
        """Only MD5s are known (alert or ignore)."""
        hexes = [digest.hex() for digest in split_digests(signal, digests)]
        if signal != "md5":
            return [False] * len(hexes)
        return [h in self.ignore or bool(self.md5_index.lookup(h)) for h in hexes]

    def match(
        self, fp: FileFingerprint, max_distance: int | None = None, floor: int | None = None
    ) -> Outcome:
        if fp.md5 in self.ignore:
            return Outcome(True)
        matches = [
            Match("test-list", i, self.entries[i][1], "md5", 0)
            for i in (self.md5_index.lookup(fp.md5) if fp.md5 else ())
        ]
        matchable = (fp.pdq_quality or 0) >= (50 if floor is None else floor)
        if fp.pdq is not None and not matchable and self.pdq_entries:
            return Outcome(False, matches, f"PDQ not tried: quality {fp.pdq_quality}")
        if fp.pdq is not None and self.pdq_entries:
            reach = self.max_distance if max_distance is None else max_distance
            for entry, distance in self.pdq_index.search(fp.pdq, reach):
                category = self.pdq_entries[int(entry)][1]
                matches.append(
                    Match("test-list", 1000 + int(entry), category, "pdq", int(distance))
                )
        return Outcome(False, matches)


@dataclass(frozen=True)
class KnownHashesFactory:
    """Picklable: builds the matcher inside each worker process."""

    md5: tuple[tuple[str, Category], ...] = ()
    pdq: tuple[tuple[str, Category], ...] = ()
    ignore_md5: frozenset[str] = frozenset()
    max_distance: int = 31

    def __call__(self) -> KnownHashes:
        return KnownHashes(dict(self.md5), dict(self.pdq), self.ignore_md5, self.max_distance)
