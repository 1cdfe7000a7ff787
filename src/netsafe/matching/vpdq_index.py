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
import os
from collections.abc import Callable, Iterable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import ClassVar, TypeVar

import numpy as np
import numpy.typing as npt

from netsafe.matching.hash_array import read_manifest, replace_folder, write_manifest
from netsafe.matching.pdq_index import Pairs, PdqIndex
from netsafe.matching.vpdq_kernels import frame_matches
from netsafe.matching.work_sharing import share_work
from netsafe.video.vpdq import VpdqFeature
from netsafe.video.vpdq_match import (
    DEFAULT_VPDQ_THRESHOLDS,
    FrameHashes,
    VpdqThresholds,
    Words,
)

#: A video as the index takes it: its features, or its frames already parsed (FrameHashes).
Video = Sequence[VpdqFeature] | FrameHashes

Piece = TypeVar("Piece", list["FrameHashes"], npt.NDArray[np.uint8])

#: Frames a video may have in the index (after de-duplication): 2**20, 291 hours at one a second.
FRAME_BITS = 20
_FRAME_MASK = (1 << FRAME_BITS) - 1
#: The most threads a search uses by default (each holds its own candidates while comparing).
MAX_SEARCH_THREADS = 8
#: A batch of query videos is cut into this many groups a thread, taken in turn by the calling
#: thread and the pool's (work_sharing.py): a thread the machine runs late holds up one group at
#: most. One query video's frames are cut into one piece a thread: a piece costs ~0.1 ms of
#: Python and kernel set-up, a tenth of the piece's search at 10M frames.
PIECES_PER_THREAD = 2


def search_threads() -> int:
    """Threads a vPDQ search uses by default: the CPUs this process may run on (a web worker
    pinned to one CPU: 1), at most MAX_SEARCH_THREADS."""
    try:
        usable = len(os.sched_getaffinity(0))
    except AttributeError:  # no affinity on this platform
        usable = os.cpu_count() or 1
    return max(1, min(MAX_SEARCH_THREADS, usable))


@dataclass(frozen=True)
class VideoMatch:
    """Listed video `entry_id` matched: the shares of the query's and of its frames matched."""

    entry_id: int
    query_match: float
    compared_match: float


def as_frames(video: Video) -> FrameHashes:
    """A video's distinct frames (first of each hash, Meta's `dedupe`)."""
    return video if isinstance(video, FrameHashes) else FrameHashes.of(video)


def _pieces(items: Piece, count: int) -> list[Piece]:
    """`items` cut into at most `count` runs of (nearly) equal length, in order."""
    size = max(1, -(-len(items) // count))
    return [items[i : i + size] for i in range(0, len(items), size)]


def _probes(count: int, query_share: float) -> npt.NDArray[np.intp]:
    """Positions of enough of `count` frames to find every video matching at least
    `query_share` of them: n − m + 1, m the fewest matched frames that reach the share, spread
    along the video (a matching video shares one of them: pigeonhole)."""
    needed = max(1, math.ceil(query_share * count - 1e-9))
    while needed > 1 and (needed - 1) / count >= query_share:
        needed -= 1
    while needed < count and needed / count < query_share:
        needed += 1
    searched = count - needed + 1
    if searched >= count:
        return np.arange(count)
    return (np.arange(searched) * (count / searched)).astype(np.intp)


class VpdqIndex:
    """Listed videos by entry id; `search` finds those a query video matches.

    With `threads` > 1 a batch of query videos (`search_many`) is cut into groups, and one
    query's frame searches into one piece a thread; the calling thread and `threads - 1` threads
    of a pool kept by the index take them in turn (work_sharing.py; the PDQ kernel runs without
    the GIL), so a pool thread the machine runs late never holds the caller up."""

    KIND: ClassVar[str] = "netsafe-vpdq-index"

    def __init__(self, *, threads: int = 1) -> None:
        self.threads = max(1, threads)
        self.frames = PdqIndex()
        self._qualities: dict[int, npt.NDArray[np.uint8]] = {}
        self._words: dict[int, Words] = {}
        self._pool: ThreadPoolExecutor | None = None
        self._pool_pid = 0  # the process the pool's threads run in (a forked child makes its own)
        #: Set by whoever gives `per_entry` thresholds: True when every entry's list has the
        #: same quality floor (the pigeonhole pruning then holds for every list).
        self._uniform_quality = False

    def set_uniform_quality(self, uniform: bool) -> None:
        """Say whether every list searched with `per_entry` thresholds has one quality floor."""
        self._uniform_quality = uniform

    def __len__(self) -> int:
        """How many videos the index holds."""
        return len(self._qualities)

    def add(self, entry_id: int, features: Video) -> None:
        """Add (or replace) the video `entry_id` with its frames."""
        self.add_many([(entry_id, features)])

    def add_many(self, videos: Iterable[tuple[int, Video]]) -> None:
        """Add many videos in one index update (a list import adds them all at once). Their
        frames' words and qualities are held once, in arrays the PDQ index shares (10M frames:
        320 MB of words, not twice that)."""
        entries: list[int] = []
        counts: list[int] = []
        words: list[Words] = []
        qualities: list[npt.NDArray[np.uint8]] = []
        for entry_id, features in videos:
            if entry_id < 0 or entry_id >= 1 << (63 - FRAME_BITS):
                raise ValueError(f"vpdq entry id out of range: {entry_id}")
            frames = as_frames(features).head(1 << FRAME_BITS)
            entries.append(entry_id)
            counts.append(len(frames))
            words.append(frames.words)
            qualities.append(frames.qualities)
        self._remove_frames([entry for entry in dict.fromkeys(entries) if entry in self._words])
        every = np.concatenate(words) if words else np.empty((0, 4), dtype=np.uint64)
        del words
        every_quality = np.concatenate(qualities) if qualities else np.empty(0, dtype=np.uint8)
        del qualities
        bounds = np.zeros(len(entries) + 1, dtype=np.int64)
        np.cumsum(counts, out=bounds[1:])
        last = {entry: number for number, entry in enumerate(entries)}
        for entry, number in last.items():
            lo, hi = int(bounds[number]), int(bounds[number + 1])
            self._words[entry] = every[lo:hi]
            self._qualities[entry] = every_quality[lo:hi]
        firsts = np.repeat(bounds[:-1], counts)
        ids = np.repeat(np.asarray(entries, dtype=np.int64) << FRAME_BITS, counts)
        ids |= np.arange(len(ids), dtype=np.int64) - firsts
        del firsts
        if len(last) < len(entries):  # a video given twice in one call: its last frames only
            kept = np.zeros(len(ids), dtype=np.bool_)
            for number in last.values():
                kept[bounds[number] : bounds[number + 1]] = True
            ids, every = ids[kept], every[kept]
        self.frames.add(ids, every.view(np.uint8).reshape(-1, 32))

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
            for slot in range(len(self._words[entry]))
        ]
        if ids:
            self.frames.remove(ids)

    def search(
        self,
        query: Video,
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
        return self.search_many([query], thresholds, all_shares=all_shares, per_entry=per_entry)[0]

    def search_many(
        self,
        queries: Sequence[Video],
        thresholds: VpdqThresholds = DEFAULT_VPDQ_THRESHOLDS,
        *,
        all_shares: bool = False,
        per_entry: Callable[[int], VpdqThresholds | None] | None = None,
    ) -> list[list[VideoMatch]]:
        """`search` for each query video, in order (spread over the index's threads)."""
        prepared = [as_frames(query) for query in queries]
        if not prepared or not len(self.frames):
            return [[] for _ in prepared]

        def answer(group: list[FrameHashes], split: bool) -> list[list[VideoMatch]]:
            return self._answer(group, thresholds, all_shares, per_entry, split=split)

        if self.threads == 1:
            return answer(prepared, False)
        if len(prepared) == 1:
            return answer(prepared, True)
        groups = _pieces(prepared, PIECES_PER_THREAD * self.threads)
        parts = share_work(
            self._thread_pool(), self.threads - 1, len(groups), lambda n: answer(groups[n], False)
        )
        return [matches for part in parts for matches in part]

    def _thread_pool(self) -> ThreadPoolExecutor:
        if self._pool is None or self._pool_pid != os.getpid():
            self._pool = ThreadPoolExecutor(self.threads, thread_name_prefix="vpdq-search")
            self._pool_pid = os.getpid()
        return self._pool

    def _answer(
        self,
        queries: list[FrameHashes],
        thresholds: VpdqThresholds,
        all_shares: bool,
        per_entry: Callable[[int], VpdqThresholds | None] | None,
        *,
        split: bool,
    ) -> list[list[VideoMatch]]:
        """The matches of each query: its probe frames searched in the PDQ index (together,
        split over the pool when `split`), then each candidate video compared frame by frame."""
        pigeonhole = not all_shares and (per_entry is None or self._uniform_quality)
        probes: list[Words] = []
        for query in queries:
            mine = query.usable(thresholds.quality)
            probes.append(mine[_probes(len(mine), thresholds.query_match)] if pigeonhole else mine)
        rows = np.concatenate(probes).view(np.uint8).reshape(-1, 32)
        found = self._search_frames(rows, thresholds.distance, split)
        answers: list[list[VideoMatch]] = []
        at = 0
        for query, searched in zip(queries, probes, strict=True):
            candidates = self._candidates(found[at : at + len(searched)], thresholds.quality)
            at += len(searched)
            answers.append(self._compare(query, candidates, thresholds, all_shares, per_entry))
        return answers

    def _search_frames(
        self, rows: npt.NDArray[np.uint8], distance: int, split: bool
    ) -> list[Pairs]:
        if not split or len(rows) < 2:
            return self.frames.search_many(rows, distance)
        chunks = _pieces(rows, self.threads)
        parts = share_work(
            self._thread_pool(),
            self.threads - 1,
            len(chunks),
            lambda n: self.frames.search_many(chunks[n], distance),
        )
        return [pairs for part in parts for pairs in part]

    def _candidates(self, found: list[Pairs], quality: int) -> set[int]:
        """The listed videos with a frame found at or over the quality floor."""
        candidates: set[int] = set()
        for pairs in found:
            for frame_id, _distance in pairs:
                entry = frame_id >> FRAME_BITS
                qualities = self._qualities.get(entry)
                if qualities is not None and qualities[frame_id & _FRAME_MASK] >= quality:
                    candidates.add(entry)
        return candidates

    def _compare(
        self,
        query: FrameHashes,
        candidates: set[int],
        thresholds: VpdqThresholds,
        all_shares: bool,
        per_entry: Callable[[int], VpdqThresholds | None] | None,
    ) -> list[VideoMatch]:
        """Meta's shares of each candidate under its own thresholds; the accepted ones."""
        usable_by_quality: dict[int, Words] = {}
        matches = []
        for entry in candidates:
            own = thresholds if per_entry is None else per_entry(entry)
            if own is None:
                continue
            if own.quality not in usable_by_quality:
                usable_by_quality[own.quality] = query.usable(own.quality)
            query_words = usable_by_quality[own.quality]
            if not len(query_words):
                continue
            query_hits, listed_hits, usable = frame_matches(
                query_words, self._words[entry], self._qualities[entry], own.quality, own.distance
            )
            if not usable:
                continue
            query_share = float(query_hits) / len(query_words)
            compared_share = float(listed_hits) / usable
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
        index.frames = PdqIndex.load(folder / "frames", mmap=mmap)
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
