"""`ListMatcher`: match a file's fingerprint (or bare hashes) against every imported list.

Build one with `netsafe.hashlists.index_sync.load_matcher(folder, repository)`, which first
brings the on-disk index up to date with the database. Then, per file:

    outcome = matcher.match(fingerprint)        # a netsafe.signals.fingerprint.FileFingerprint
    if outcome.ignored: ...                     # known-good (an `ignore` list, e.g. NSRL)
    for m in outcome.matches: ...               # netsafe.matching.match.Match, from `alert` lists

Rules: `ignore` lists are checked first and on cryptographic hashes only (they know files, not
pictures); when one knows the file, `ignored` is true and no alert matching is done. `alert`
lists match on MD5, SHA-1, SHA-256 (distance 0) and PDQ within each list's max distance, when
the file's PDQ quality reaches the list's quality floor (50 by default). With dihedral hashes
(rotations and flips) every one of them is searched and the nearest distance kept. Every other
registered signal is searched in the index its type declares (`SignalType.index_class`), with
the file's value of that signal, and matches `alert` lists as that index answers; a video (vPDQ)
is matched under each list's vPDQ thresholds (frame distance and quality floor, query and
compared shares: Meta's by default), and each vPDQ match reports its shares and those
thresholds.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np

from netsafe.hashlists.entry_catalog import EntryCatalog
from netsafe.hashlists.model import (
    DEFAULT_VPDQ_COMPARED_MATCH,
    DEFAULT_VPDQ_MAX_DISTANCE,
    DEFAULT_VPDQ_QUALITY_FLOOR,
    DEFAULT_VPDQ_QUERY_MATCH,
    ListAction,
)
from netsafe.matching.exact_index import ExactIndex
from netsafe.matching.match import Match
from netsafe.matching.pdq_index import PdqIndex
from netsafe.matching.signal_index import IndexHit, SignalIndex
from netsafe.signals import registry
from netsafe.signals.crypto import DIGEST_BYTES
from netsafe.signals.fingerprint import FileFingerprint
from netsafe.video.vpdq_match import VpdqThresholds

#: The signals with a column that match exactly (md5, sha1, sha256): one `ExactIndex` each.
EXACT_SIGNALS: tuple[str, ...] = tuple(
    s.name for s in registry.signal_types() if s.column and s.max_distance == 0
)


@dataclass(frozen=True, slots=True)
class IndexedList:
    """A list as the index knows it: the revision it holds and how the list matches."""

    id: int
    name: str
    revision: int
    action: ListAction
    max_distance: int
    quality_floor: int
    entries: int = 0
    vpdq_max_distance: int = DEFAULT_VPDQ_MAX_DISTANCE
    vpdq_quality_floor: int = DEFAULT_VPDQ_QUALITY_FLOOR
    vpdq_query_match: float = DEFAULT_VPDQ_QUERY_MATCH
    vpdq_compared_match: float = DEFAULT_VPDQ_COMPARED_MATCH

    def vpdq_thresholds(self) -> VpdqThresholds:
        """When a video matches one of the list's videos."""
        return VpdqThresholds(
            distance=self.vpdq_max_distance,
            quality=self.vpdq_quality_floor,
            query_match=self.vpdq_query_match,
            compared_match=self.vpdq_compared_match,
        )


@dataclass(frozen=True)
class MatchOutcome:
    """What the lists say about one file: ignored (known-good), or its alert matches."""

    ignored: bool = False
    ignored_by: tuple[str, ...] = ()
    matches: list[Match] = field(default_factory=list)
    #: Why PDQ was not tried against some or all alert lists ("" when it was, or there was no
    #: PDQ hash to try): the file's quality is under their floor (too plain or too small).
    pdq_not_tried: str = ""

    def as_json(self) -> dict[str, object]:
        return {
            "ignored": self.ignored,
            "ignored_by": list(self.ignored_by),
            "pdq_not_tried": self.pdq_not_tried or None,
            "matches": [
                {
                    "list": m.list_name,
                    "entry_id": m.entry_id,
                    "category": m.category.value,
                    "signal": m.signal,
                    "distance": m.distance,
                    **dict(m.scores),
                }
                for m in self.matches
            ],
        }


def pdq_not_tried_reason(
    quality: int, under: Sequence[tuple[str, int]], alert: Sequence[object]
) -> str:
    """The words for a PDQ hash not searched: its quality under the floor of lists `under`
    (name, floor) out of the `alert` lists ("" when `under` is empty)."""
    if not under:
        return ""
    floors = sorted({floor for _, floor in under})
    where = (
        f"every alert list's floor ({', '.join(map(str, floors))})"
        if len(under) == len(alert)
        else "the floor of " + ", ".join(f"{name} ({floor})" for name, floor in under)
    )
    return f"PDQ not tried: quality {quality} is under {where}: too plain or too small"


class ListMatcher:
    """Matches against the lists held by an index (exact indexes, a PDQ index, a catalog)."""

    def __init__(
        self,
        lists: Mapping[int, IndexedList],
        exact: Mapping[str, ExactIndex],
        pdq: PdqIndex,
        catalog: EntryCatalog,
        signals: Mapping[str, SignalIndex] | None = None,
    ) -> None:
        self.lists = dict(lists)
        self._exact = dict(exact)
        self._pdq = pdq
        self._catalog = catalog
        self._signals = dict(signals or {})
        #: Each alert list's vPDQ thresholds, by list id.
        self._vpdq = {
            hl.id: hl.vpdq_thresholds()
            for hl in self.lists.values()
            if hl.action is ListAction.ALERT
        }
        for index in self._signals.values():
            binding = getattr(index, "use_list_thresholds", None)
            if binding is not None:  # vPDQ: each listed video under its list's thresholds
                binding(self._video_thresholds, list(self._vpdq.values()))

    def _video_thresholds(self, entry_id: int) -> VpdqThresholds | None:
        """The vPDQ thresholds of the list holding `entry_id` (None: not an alert list)."""
        found = self._catalog.find(entry_id)
        return None if found is None else self._vpdq.get(found[0])

    def __len__(self) -> int:
        """Number of indexed entries."""
        return len(self._catalog)

    def match(self, fp: FileFingerprint, *, max_distance: int | None = None) -> MatchOutcome:
        """Match a file; `max_distance` overrides every list's PDQ distance when given."""
        return self.match_many([fp], max_distance=max_distance)[0]

    def match_hashes(
        self,
        *,
        md5: str | None = None,
        sha1: str | None = None,
        sha256: str | None = None,
        pdq: str | None = None,
        pdq_quality: int | None = None,
        max_distance: int | None = None,
    ) -> MatchOutcome:
        """Match bare hashes (hex, any case; the lookup API). Raises ValueError on bad hex.

        A PDQ hash without a quality is matched as if its quality were sufficient.
        """
        given = {"md5": md5, "sha1": sha1, "sha256": sha256, "pdq": pdq}
        return self.match_values(
            {name: value for name, value in given.items() if value},
            pdq_quality=pdq_quality,
            max_distance=max_distance,
        )

    def match_values(
        self,
        values: Mapping[str, str],
        *,
        pdq_quality: int | None = None,
        max_distance: int | None = None,
    ) -> MatchOutcome:
        """Match bare values of any registered signals (name → value as lists write it).
        Raises ValueError naming the signal on an unknown signal or a bad value."""
        canonical = {name: registry.get(name).normalize(value) for name, value in values.items()}
        pdq = canonical.pop("pdq", None)
        exact = {name: canonical.pop(name) for name in EXACT_SIGNALS if name in canonical}
        return self._match_many(
            [exact], [(pdq,) if pdq else ()], [pdq_quality], max_distance, [canonical]
        )[0]

    def match_values_many(self, many: Sequence[Mapping[str, str]]) -> list[MatchOutcome]:
        """`match_values` for many files at once (the same outcomes, in order): one vectorised
        lookup per cryptographic signal and one PDQ search for them all (a referral import's
        batch of reports)."""
        exact: list[dict[str, str]] = []
        pdq: list[tuple[str, ...]] = []
        others: list[dict[str, str]] = []
        for values in many:
            canonical = {name: registry.get(name).normalize(v) for name, v in values.items()}
            found = canonical.pop("pdq", None)
            exact.append({name: canonical.pop(name) for name in EXACT_SIGNALS if name in canonical})
            pdq.append((found,) if found else ())
            others.append(canonical)
        return self._match_many(exact, pdq, [None] * len(exact), None, others)

    def match_many(
        self,
        fps: Sequence[FileFingerprint],
        *,
        max_distance: int | None = None,
        quality_floor: int | None = None,
    ) -> list[MatchOutcome]:
        """`match` for many files at once (the same outcomes, in order): one vectorised lookup
        per cryptographic signal and one PDQ search for the whole batch. `quality_floor`
        overrides every list's PDQ quality floor (thumbnails: `triage.thumbnails`)."""
        exact = [{"md5": fp.md5, "sha1": fp.sha1, "sha256": fp.sha256} for fp in fps]
        queries = [fp.dihedral or ((fp.pdq,) if fp.pdq else ()) for fp in fps]
        others = [fp.signals for fp in fps]
        qualities = [fp.pdq_quality for fp in fps]
        return self._match_many(exact, queries, qualities, max_distance, others, quality_floor)

    def known_digests(self, signal: str, digests: bytes) -> list[bool]:
        """For each raw digest of `signal` packed back to back in `digests`: whether any list
        (alert or ignore) holds it. Triage asks this for a whole batch of plain files at once
        and scans in full only those that are known."""
        index = self._exact[signal]
        rows = np.frombuffer(digests, dtype=np.uint8).reshape(-1, DIGEST_BYTES[signal])
        answers: list[bool] = index.contains_many(rows).tolist()
        return answers

    def _match_many(
        self,
        exact: Sequence[Mapping[str, str | None]],
        pdq_hashes: Sequence[Sequence[str]],
        pdq_qualities: Sequence[int | None],
        max_distance: int | None,
        others: Sequence[Mapping[str, str]],
        quality_floor: int | None = None,
    ) -> list[MatchOutcome]:
        exact_hits = self._exact_hits(exact)
        ignored = [self._ignored_by(hits) for hits in exact_hits]
        # known-good files are not searched by PDQ
        searched = [() if by else hashes for by, hashes in zip(ignored, pdq_hashes, strict=True)]
        pdq_hits = self._pdq_hits(searched, pdq_qualities, max_distance, quality_floor)
        other_hits = self._other_hits(others)
        outcomes: list[MatchOutcome] = []
        rows = zip(ignored, exact_hits, pdq_hits, searched, pdq_qualities, other_hits, strict=True)
        for by, hits, near, hashes, quality, more in rows:
            if by:
                outcomes.append(MatchOutcome(ignored=True, ignored_by=by))
                continue
            best: dict[tuple[int, str], Match] = {}
            for signal, entry_id in hits:
                self._keep(best, entry_id, signal, 0)
            for entry_id, distance in near:
                self._keep(best, entry_id, "pdq", distance)
            for signal, hit in more:
                self._keep(best, hit.entry_id, signal, hit.distance, hit.scores)
            matches = sorted(
                best.values(), key=lambda m: (m.distance, m.list_name, m.entry_id, m.signal)
            )
            not_tried = self._pdq_not_tried(quality, quality_floor) if hashes else ""
            outcomes.append(MatchOutcome(matches=matches, pdq_not_tried=not_tried))
        return outcomes

    def _pdq_not_tried(self, quality: int | None, floor: int | None = None) -> str:
        """Why a file's PDQ hash was not searched in some alert lists ("" when it was in all)."""
        if quality is None or not len(self._pdq):
            return ""
        alert = [hl for hl in self.lists.values() if hl.action is ListAction.ALERT]
        floors = {hl.id: hl.quality_floor if floor is None else floor for hl in alert}
        under = sorted((hl for hl in alert if quality < floors[hl.id]), key=lambda hl: hl.name)
        return pdq_not_tried_reason(quality, [(hl.name, floors[hl.id]) for hl in under], alert)

    def _exact_hits(self, exact: Sequence[Mapping[str, str | None]]) -> list[list[tuple[str, int]]]:
        hits: list[list[tuple[str, int]]] = [[] for _ in exact]
        for signal in EXACT_SIGNALS:
            index = self._exact[signal]
            at = [i for i, hashes in enumerate(exact) if hashes.get(signal)]
            if not at:
                continue
            found = index.lookup_many([str(exact[i][signal]) for i in at])
            for i, ids in zip(at, found, strict=True):
                hits[i].extend((signal, entry_id) for entry_id in ids)
        return hits

    def _other_hits(self, others: Sequence[Mapping[str, str]]) -> list[list[tuple[str, IndexHit]]]:
        """Per file: (signal, hit) of its values of signals without a column, in their indexes."""
        hits: list[list[tuple[str, IndexHit]]] = [[] for _ in others]
        for signal, index in self._signals.items():
            at = [i for i, values in enumerate(others) if values.get(signal)]
            if not at or not len(index):
                continue
            found = index.search([others[i][signal] for i in at])
            for i, results in zip(at, found, strict=True):
                hits[i].extend((signal, hit) for hit in results)
        return hits

    def _ignored_by(self, hits: list[tuple[str, int]]) -> tuple[str, ...]:
        ignored_by: set[str] = set()
        for _, entry_id in hits:
            known = self._entry(entry_id)
            if known is not None and known[0].action is ListAction.IGNORE:
                ignored_by.add(known[0].name)
        return tuple(sorted(ignored_by))

    def _pdq_hits(
        self,
        queries: Sequence[Sequence[str]],
        qualities: Sequence[int | None],
        max_distance: int | None,
        quality_floor: int | None = None,
    ) -> list[list[tuple[int, int]]]:
        """Per file: (entry id, nearest distance) of every PDQ entry within its list's reach."""
        hits: list[list[tuple[int, int]]] = [[] for _ in queries]
        alert = [hl for hl in self.lists.values() if hl.action is ListAction.ALERT]
        if not alert or not len(self._pdq):
            return hits
        allowed: dict[int, dict[int, int]] = {}  # file -> list id -> max distance
        flat: list[str] = []
        owner: list[int] = []
        for i, (hashes, quality) in enumerate(zip(queries, qualities, strict=True)):
            eligible = [
                hl
                for hl in alert
                if quality is None
                or quality >= (hl.quality_floor if quality_floor is None else quality_floor)
            ]
            if not hashes or not eligible:
                continue
            allowed[i] = {
                hl.id: (max_distance if max_distance is not None else hl.max_distance)
                for hl in eligible
            }
            flat.extend(hashes)
            owner.extend([i] * len(hashes))
        if not flat:
            return hits
        limit = max(max(reach.values()) for reach in allowed.values())
        nearest: dict[int, dict[int, int]] = {}
        for i, results in zip(owner, self._pdq.search_many(flat, limit), strict=True):
            mine = nearest.setdefault(i, {})
            for entry_id, distance in results:
                found = self._catalog.find(entry_id)
                if found is None or distance > allowed[i].get(found[0], -1):
                    continue
                if distance < mine.get(entry_id, 257):
                    mine[entry_id] = distance
        for i, mine in nearest.items():
            hits[i] = sorted(mine.items())
        return hits

    def _entry(self, entry_id: int) -> tuple[IndexedList, object] | None:
        found = self._catalog.find(entry_id)
        if found is None or found[0] not in self.lists:
            return None
        return self.lists[found[0]], found[1]

    def _keep(
        self,
        best: dict[tuple[int, str], Match],
        entry_id: int,
        signal: str,
        distance: int,
        scores: tuple[tuple[str, float], ...] = (),
    ) -> None:
        found = self._catalog.find(entry_id)
        if found is None or found[0] not in self.lists:
            return
        indexed = self.lists[found[0]]
        if indexed.action is not ListAction.ALERT:
            return
        best[(entry_id, signal)] = Match(indexed.name, entry_id, found[1], signal, distance, scores)
