"""The vPDQ signal's index as the matcher and the index sync use every signal's index
(`SignalIndex`): values in, `IndexHit`s with vPDQ's shares as scores out.

Values are vPDQ signal strings (canonical); the work is VpdqIndex's. A hit's distance is the
share of query frames not matched, in percent (0: every query frame matched), so the matcher's
nearest-first order puts the closest video first; its scores are `query_match` and
`compared_match` (0–1), then the thresholds it was matched under (`min_query_match`,
`min_compared_match`, `frame_max_distance`, `frame_quality_floor`), which every report shows.
Hits are the videos Meta's default thresholds accept, or, once the matcher gives them
(`use_list_thresholds`), each list's (`hashlist import --vpdq-max-distance`,
`--vpdq-quality-floor`, `--vpdq-query-match`, `--vpdq-compared-match`).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from pathlib import Path
from typing import ClassVar, Self

import numpy.typing as npt

from netsafe.matching.hash_array import as_ids
from netsafe.matching.signal_index import IndexHit
from netsafe.matching.vpdq_index import VideoMatch, VpdqIndex, search_threads
from netsafe.video.vpdq_match import DEFAULT_VPDQ_THRESHOLDS, FrameHashes, VpdqThresholds


class VpdqSignalIndex:
    """Listed videos by entry id, searched with a query video's vPDQ.

    Searches use `threads` (default: every CPU this process may run on, `search_threads`): a
    batch of query videos (`netsafe match`, triage) is spread over them, and one query video's
    frames (the lookup API) are split between them; the PDQ kernel runs without the GIL."""

    KIND: ClassVar[str] = VpdqIndex.KIND

    def __init__(
        self, thresholds: VpdqThresholds = DEFAULT_VPDQ_THRESHOLDS, *, threads: int | None = None
    ) -> None:
        self.thresholds = thresholds
        self.videos = VpdqIndex(threads=search_threads() if threads is None else threads)
        self._per_entry: Callable[[int], VpdqThresholds | None] | None = None

    def use_list_thresholds(
        self, per_entry: Callable[[int], VpdqThresholds | None], lists: Sequence[VpdqThresholds]
    ) -> None:
        """Match each listed video under its own list's thresholds (`per_entry`; None: its list
        never matches); `lists` are the thresholds of every list that may match."""
        if not lists:
            self._per_entry = lambda _entry: None
            return
        self._per_entry = per_entry
        self.thresholds = VpdqThresholds(
            distance=max(t.distance for t in lists),
            quality=min(t.quality for t in lists),
            query_match=min(t.query_match for t in lists),
            compared_match=min(t.compared_match for t in lists),
        )
        self.videos.set_uniform_quality(len({t.quality for t in lists}) == 1)

    def __len__(self) -> int:
        return len(self.videos)

    def add(self, ids: Sequence[int], values: Sequence[str]) -> None:
        if len(ids) != len(values):
            raise ValueError(f"{len(ids)} ids but {len(values)} values")
        self.videos.add_many(
            (int(entry_id), FrameHashes.parse(value))
            for entry_id, value in zip(ids, values, strict=True)
        )

    def remove(self, ids: Iterable[int] | npt.ArrayLike) -> int:
        return self.videos.remove(as_ids(ids).tolist())

    def search(self, values: Sequence[str]) -> list[list[IndexHit]]:
        """The listed videos each query video matches (one batch: spread over the threads)."""
        return self._hits(values, None)

    def search_one(self, value: str, thresholds: VpdqThresholds | None = None) -> list[IndexHit]:
        """The listed videos one query video matches, with their shares (under `thresholds`
        for every list, when given)."""
        return self._hits([value], thresholds)[0]

    def _hits(
        self, values: Sequence[str], thresholds: VpdqThresholds | None
    ) -> list[list[IndexHit]]:
        per_entry = None if thresholds is not None else self._per_entry
        loosest = thresholds or self.thresholds
        found = self.videos.search_many(
            [FrameHashes.parse(value) for value in values], loosest, per_entry=per_entry
        )
        return [
            [_hit(match, (per_entry(match.entry_id) if per_entry else None) or loosest)
             for match in matches]
            for matches in found
        ]  # fmt: skip

    def save(self, path: Path) -> None:
        self.videos.save(path)

    @classmethod
    def load(cls, path: Path, *, threads: int | None = None) -> Self:
        index = cls(threads=threads)
        index.videos = VpdqIndex.load(path, threads=index.videos.threads)
        return index


def _hit(match: VideoMatch, applied: VpdqThresholds) -> IndexHit:
    """A matched video as an index hit: its shares, then the thresholds it matched under."""
    return IndexHit(
        match.entry_id,
        round((1.0 - match.query_match) * 100),
        (
            ("query_match", round(match.query_match, 4)),
            ("compared_match", round(match.compared_match, 4)),
            ("min_query_match", applied.query_match),
            ("min_compared_match", applied.compared_match),
            ("frame_max_distance", float(applied.distance)),
            ("frame_quality_floor", float(applied.quality)),
        ),
    )
