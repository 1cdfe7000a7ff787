"""The vPDQ index: listed videos' frame hashes in a PDQ index, each frame knowing its video.

A video's frames are de-duplicated by hash (as Meta's matcher does) and added to a PdqIndex
under the id `entry << FRAME_BITS | frame slot`, so one range search of the query's frames finds
every listed frame within the distance, and the id says which video and which of its frames it
is. From the hits, per candidate video: the query frames with a hit (query share) and the
distinct listed frames hit (compared share, since "within distance" is symmetric) — exactly
Meta's brute-force shares (vpdq_match.compare_vpdq), without scanning the list. Qualities are
kept per frame, so the quality threshold can differ per search (per list).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import ClassVar

import numpy as np
import numpy.typing as npt

from netsafe.matching.hash_array import read_manifest, replace_folder, write_manifest
from netsafe.matching.pdq_index import PdqIndex
from netsafe.video.vpdq import VpdqFeature
from netsafe.video.vpdq_match import (
    DEFAULT_VPDQ_THRESHOLDS,
    VpdqThresholds,
    Words,
    distances,
    frame_words,
    matchable_frames,
)

#: Frames a video may have in the index (after de-duplication): 2**20, 291 hours at one a second.
FRAME_BITS = 20
_FRAME_MASK = (1 << FRAME_BITS) - 1


@dataclass(frozen=True)
class VideoMatch:
    """Listed video `entry_id` matched: the shares of the query's and of its frames matched."""

    entry_id: int
    query_match: float
    compared_match: float


def _probes(frames: list[VpdqFeature], query_share: float) -> list[VpdqFeature]:
    """Frames enough to find every video matching at least `query_share` of `frames`: n − m + 1
    of them, m the fewest matched frames that reach the share, spread along the video."""
    count = len(frames)
    needed = max(1, math.ceil(query_share * count - 1e-9))
    while needed > 1 and (needed - 1) / count >= query_share:
        needed -= 1
    while needed < count and needed / count < query_share:
        needed += 1
    searched = count - needed + 1
    if searched >= count:
        return frames
    step = count / searched
    return [frames[int(number * step)] for number in range(searched)]


class VpdqIndex:
    """Listed videos by entry id; `search` finds those a query video matches."""

    KIND: ClassVar[str] = "netsafe-vpdq-index"

    def __init__(self, *, threads: int = 1) -> None:
        self.frames = PdqIndex(threads=threads)
        self._qualities: dict[int, npt.NDArray[np.uint8]] = {}
        self._words: dict[int, Words] = {}
        #: Set by whoever gives `per_entry` thresholds: True when every entry's list has the
        #: same quality floor (the pigeonhole pruning then holds for every list).
        self._uniform_quality = False

    def set_uniform_quality(self, uniform: bool) -> None:
        """Say whether every list searched with `per_entry` thresholds has one quality floor."""
        self._uniform_quality = uniform

    def __len__(self) -> int:
        """How many videos the index holds."""
        return len(self._qualities)

    def add(self, entry_id: int, features: Sequence[VpdqFeature]) -> None:
        """Add (or replace) the video `entry_id` with its frames."""
        self.add_many([(entry_id, features)])

    def add_many(self, videos: Iterable[tuple[int, Sequence[VpdqFeature]]]) -> None:
        """Add many videos in one index update (a list import adds them all at once)."""
        ids: list[int] = []
        hashes: list[str] = []
        replaced: list[int] = []
        for entry_id, features in videos:
            if entry_id < 0 or entry_id >= 1 << (63 - FRAME_BITS):
                raise ValueError(f"vpdq entry id out of range: {entry_id}")
            if entry_id in self._qualities:
                replaced.append(entry_id)
            frames = matchable_frames(features, 0)[: 1 << FRAME_BITS]
            base = entry_id << FRAME_BITS
            ids.extend(base | slot for slot in range(len(frames)))
            hashes.extend(frame.hex for frame in frames)
            self._qualities[entry_id] = np.fromiter(
                (frame.quality for frame in frames), dtype=np.uint8, count=len(frames)
            )
            self._words[entry_id] = frame_words(frames)
        if replaced:
            self._remove_frames(replaced)
        self.frames.add(ids, hashes)

    def remove(self, entry_ids: Iterable[int]) -> int:
        """Remove videos; how many were in the index."""
        gone = [entry for entry in entry_ids if entry in self._qualities]
        self._remove_frames(gone)
        for entry in gone:
            del self._qualities[entry]
            del self._words[entry]
        return len(gone)

    def _remove_frames(self, entry_ids: list[int]) -> None:
        ids = [
            (entry << FRAME_BITS) | slot
            for entry in entry_ids
            for slot in range(len(self._qualities[entry]))
        ]
        if ids:
            self.frames.remove(ids)

    def search(
        self,
        query: Sequence[VpdqFeature],
        thresholds: VpdqThresholds = DEFAULT_VPDQ_THRESHOLDS,
        *,
        all_shares: bool = False,
        per_entry: Callable[[int], VpdqThresholds | None] | None = None,
    ) -> list[VideoMatch]:
        """Listed videos the query matches under `thresholds`, best query share first (with
        `all_shares`, every video sharing a frame, whatever its shares).

        `per_entry`: each listed video's own thresholds (its list's; None: never matched); then
        `thresholds` must be the loosest of them (largest distance, lowest quality and shares),
        and every query frame is searched unless all entries share one quality floor."""
        mine = matchable_frames(query, thresholds.quality)
        if not mine or not len(self.frames):
            return []
        pigeonhole = not all_shares and (per_entry is None or self._uniform_quality)
        probes = _probes(mine, thresholds.query_match) if pigeonhole else mine
        found = self.frames.search_many([frame.hex for frame in probes], thresholds.distance)
        candidates: set[int] = set()
        for pairs in found:
            for frame_id, _distance in pairs:
                entry = frame_id >> FRAME_BITS
                qualities = self._qualities.get(entry)
                if (
                    qualities is not None
                    and qualities[frame_id & _FRAME_MASK] >= thresholds.quality
                ):
                    candidates.add(entry)
        words_by_quality: dict[int, tuple[int, Words]] = {}
        matches = []
        for entry in candidates:
            own = thresholds if per_entry is None else per_entry(entry)
            if own is None:
                continue
            if own.quality not in words_by_quality:
                frames = matchable_frames(query, own.quality)
                words_by_quality[own.quality] = (len(frames), frame_words(frames))
            count, query_words = words_by_quality[own.quality]
            usable = self._qualities[entry] >= own.quality
            if not count or not usable.any():
                continue
            close = distances(query_words, self._words[entry][usable]) <= own.distance
            query_share = float(close.any(axis=1).sum()) / count
            compared_share = float(close.any(axis=0).sum()) / int(usable.sum())
            if all_shares or own.accepts(query_share, compared_share):
                matches.append(VideoMatch(entry, query_share, compared_share))
        matches.sort(key=lambda match: (-match.query_match, -match.compared_match, match.entry_id))
        return matches

    # -- persistence -----------------------------------------------------------------------

    def save(self, path: Path) -> None:
        """Write the index to the folder `path` (its frames' PDQ index in `frames/`)."""
        entries = np.fromiter(self._qualities, dtype=np.int64, count=len(self._qualities))
        counts = np.fromiter(
            (len(q) for q in self._qualities.values()), dtype=np.int64, count=len(entries)
        )
        qualities = (
            np.concatenate(list(self._qualities.values()))
            if self._qualities
            else np.empty(0, dtype=np.uint8)
        )
        words = (
            np.concatenate(list(self._words.values()))
            if self._words
            else np.empty((0, 4), dtype=np.uint64)
        )

        def write(folder: Path) -> None:
            self.frames.save(folder / "frames")
            np.save(folder / "entries.npy", entries)
            np.save(folder / "counts.npy", counts)
            np.save(folder / "qualities.npy", qualities)
            np.save(folder / "words.npy", words)
            write_manifest(folder, {"kind": self.KIND, "videos": len(entries)})

        replace_folder(Path(path), write)

    @classmethod
    def load(cls, path: Path, *, mmap: bool = True, threads: int = 1) -> VpdqIndex:
        folder = Path(path)
        read_manifest(folder, cls.KIND)
        index = cls(threads=threads)
        index.frames = PdqIndex.load(folder / "frames", mmap=mmap, threads=threads)
        entries = np.load(folder / "entries.npy")
        counts = np.load(folder / "counts.npy")
        qualities = np.load(folder / "qualities.npy")
        words = np.load(folder / "words.npy", mmap_mode="r" if mmap else None)
        total = int(counts.sum())
        if len(entries) != len(counts) or total != len(qualities) or total != len(words):
            raise ValueError(f"{folder}: damaged vPDQ index")
        bounds = np.concatenate([[0], np.cumsum(counts)])
        for number, entry in enumerate(entries.tolist()):
            index._qualities[entry] = qualities[bounds[number] : bounds[number + 1]]
            index._words[entry] = words[bounds[number] : bounds[number + 1]]
        return index
