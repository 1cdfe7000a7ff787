"""The vPDQ index gives exactly Meta's brute-force shares, without scanning the list."""

from __future__ import annotations

import multiprocessing
from pathlib import Path

import numpy as np
import pytest

from netsafe.matching import vpdq_index
from netsafe.matching.vpdq_index import VideoMatch, VpdqIndex
from netsafe.matching.vpdq_signal_index import VpdqSignalIndex
from netsafe.video.vpdq import VpdqFeature, to_signal
from netsafe.video.vpdq_match import VpdqThresholds, compare_vpdq


def random_video(rng: np.random.Generator, frames: int) -> list[VpdqFeature]:
    return [
        VpdqFeature(rng.bytes(32).hex(), int(rng.integers(30, 101)), number, float(number))
        for number in range(frames)
    ]


def near_copy(rng: np.random.Generator, video: list[VpdqFeature], keep: float) -> list[VpdqFeature]:
    """Some of `video`'s frames with up to 40 bits flipped each, plus new frames."""
    copy = []
    for feature in video:
        if rng.random() < keep:
            value = int(feature.hex, 16)
            for bit in rng.choice(256, int(rng.integers(0, 41)), replace=False):
                value ^= 1 << int(bit)
            copy.append(VpdqFeature(f"{value:064x}", feature.quality, 0, 0.0))
    return copy + random_video(rng, int(rng.integers(0, 5)))


def brute_force(
    listed: dict[int, list[VpdqFeature]], query: list[VpdqFeature], thresholds: VpdqThresholds
) -> list[VideoMatch]:
    found = []
    for entry, video in listed.items():
        shares = compare_vpdq(query, video, thresholds)
        if shares.query_match > 0 and thresholds.accepts(shares.query_match, shares.compared_match):
            found.append(VideoMatch(entry, shares.query_match, shares.compared_match))
    return sorted(found, key=lambda m: (-m.query_match, -m.compared_match, m.entry_id))


@pytest.fixture(scope="module")
def listed() -> dict[int, list[VpdqFeature]]:
    rng = np.random.default_rng(11)
    return {entry: random_video(rng, int(rng.integers(1, 40))) for entry in range(0, 3000, 3)}


@pytest.mark.slow
@pytest.mark.parametrize(
    "thresholds",
    [
        VpdqThresholds(),
        VpdqThresholds(query_match=0.0, compared_match=0.0),
        VpdqThresholds(distance=20, quality=70, query_match=0.3, compared_match=0.2),
    ],
)
def test_index_equals_brute_force(
    listed: dict[int, list[VpdqFeature]], thresholds: VpdqThresholds
) -> None:
    rng = np.random.default_rng(5)
    index = VpdqIndex()
    index.add_many(listed.items())
    assert len(index) == len(listed)
    entries = list(listed)
    for _ in range(60):
        query = near_copy(rng, listed[entries[int(rng.integers(len(entries)))]], rng.random())
        query += near_copy(rng, listed[entries[int(rng.integers(len(entries)))]], 0.3)
        assert index.search(query, thresholds) == brute_force(listed, query, thresholds)


def test_batches_over_threads_answer_as_one_by_one(listed: dict[int, list[VpdqFeature]]) -> None:
    """`search_many` over two threads (queries split between them; one query's frames split
    when alone) gives each query's own answer, as the brute force does."""
    rng = np.random.default_rng(23)
    entries = list(listed)
    queries = [
        near_copy(rng, listed[entries[int(rng.integers(len(entries)))]], rng.random())
        for _ in range(25)
    ]
    threaded = VpdqIndex(threads=2)
    threaded.add_many(listed.items())
    expected = [brute_force(listed, query, VpdqThresholds()) for query in queries]
    assert threaded.search_many(queries) == expected
    assert [threaded.search(query) for query in queries] == expected
    assert threaded.search_many([]) == []


def test_the_matchers_index_searches_on_every_usable_cpu(
    listed: dict[int, list[VpdqFeature]], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The index `netsafe match`, triage and the lookup API use takes as many search threads as
    the process may use CPUs (one when pinned to one), capped, also once saved and loaded; and
    answers a batch as it answers each video."""
    monkeypatch.setattr(vpdq_index.os, "sched_getaffinity", lambda _pid: {0, 1, 2}, raising=False)
    index = VpdqSignalIndex()
    assert index.videos.threads == 3
    monkeypatch.setattr(vpdq_index.os, "sched_getaffinity", lambda _pid: {1}, raising=False)
    assert VpdqSignalIndex().videos.threads == 1
    monkeypatch.setattr(vpdq_index.os, "sched_getaffinity", lambda _pid: set(range(64)))
    assert VpdqSignalIndex().videos.threads == vpdq_index.MAX_SEARCH_THREADS
    assert VpdqSignalIndex(threads=2).videos.threads == 2
    entries = list(listed)[:200]
    index.add(entries, [to_signal(listed[entry]) for entry in entries])
    queries = [to_signal(listed[entry]) for entry in entries[::7]]
    batch = index.search(queries)
    assert batch == [index.search([query])[0] for query in queries]
    assert [[hit.entry_id for hit in hits][:1] for hits in batch] == [[e] for e in entries[::7]]
    index.save(tmp_path / "vpdq")
    loaded = VpdqSignalIndex.load(tmp_path / "vpdq")
    assert loaded.videos.threads == vpdq_index.MAX_SEARCH_THREADS
    assert loaded.search(queries) == batch


def _search_in_child(
    index: VpdqIndex, query: list[VpdqFeature], out: multiprocessing.Queue[list[int]]
) -> None:
    out.put([m.entry_id for m in index.search(query)])


def test_a_forked_process_searches_with_threads_of_its_own(
    listed: dict[int, list[VpdqFeature]],
) -> None:
    """A process forked after the index's pool started (a pre-forking server) does not wait on
    threads that only its parent has."""
    index = VpdqIndex(threads=2)
    index.add_many(listed.items())
    assert [m.entry_id for m in index.search(listed[30])] == [30]  # the pool's threads start
    context = multiprocessing.get_context("fork")
    out = context.Queue()
    child = context.Process(target=_search_in_child, args=(index, listed[33], out))
    child.start()
    try:
        assert out.get(timeout=60) == [33]
    finally:
        child.join(timeout=10)
        if child.is_alive():
            child.kill()
    assert child.exitcode == 0


def test_a_video_given_twice_keeps_its_last_frames(listed: dict[int, list[VpdqFeature]]) -> None:
    index = VpdqIndex()
    index.add_many([(1, listed[3]), (2, listed[6]), (1, listed[9])])
    assert [m.entry_id for m in index.search(listed[9])] == [1]
    assert index.search(listed[3]) == []
    assert len(index.frames) == len(listed[6]) + len(listed[9])


def test_remove_replace_save_load(listed: dict[int, list[VpdqFeature]], tmp_path: Path) -> None:
    index = VpdqIndex()
    index.add_many(listed.items())
    some = listed[30]
    assert [m.entry_id for m in index.search(some)] == [30]
    assert index.remove([30, 999_999]) == 1
    assert index.search(some) == []
    index.add(30, listed[33])
    assert {m.entry_id for m in index.search(listed[33])} == {30, 33}
    index.add(30, some)  # replaces the video's frames
    assert [m.entry_id for m in index.search(some)] == [30]
    index.save(tmp_path / "vpdq")
    loaded = VpdqIndex.load(tmp_path / "vpdq")
    assert len(loaded) == len(listed)
    assert loaded.search(some) == [VideoMatch(30, 1.0, 1.0)]
    assert loaded.search(listed[33]) == index.search(listed[33])


def test_entry_ids_must_fit() -> None:
    with pytest.raises(ValueError, match="out of range"):
        VpdqIndex().add(1 << 50, [])


@pytest.mark.slow
@pytest.mark.parametrize("uniform_quality", [True, False])
def test_each_entry_under_its_own_thresholds(
    listed: dict[int, list[VpdqFeature]], uniform_quality: bool
) -> None:
    """Entries of lists with different distances (and quality floors) are each matched under
    their own list's thresholds: the same answer as the brute force per entry."""
    rng = np.random.default_rng(9)
    own = {
        entry: VpdqThresholds(
            distance=int(rng.choice([10, 20, 31])),
            quality=50 if uniform_quality else int(rng.choice([40, 50, 70])),
            query_match=float(rng.choice([0.3, 0.8])),
        )
        for entry in listed
    }
    loosest = VpdqThresholds(
        distance=max(t.distance for t in own.values()),
        quality=min(t.quality for t in own.values()),
        query_match=min(t.query_match for t in own.values()),
        compared_match=0.0,
    )
    index = VpdqIndex()
    index.add_many(listed.items())
    index.set_uniform_quality(uniform_quality)
    entries = list(listed)
    for _ in range(40):
        query = near_copy(rng, listed[entries[int(rng.integers(len(entries)))]], rng.random())
        expected = []
        for entry, video in listed.items():
            shares = compare_vpdq(query, video, own[entry])
            if shares.query_match > 0 and own[entry].accepts(
                shares.query_match, shares.compared_match
            ):
                expected.append(VideoMatch(entry, shares.query_match, shares.compared_match))
        expected.sort(key=lambda m: (-m.query_match, -m.compared_match, m.entry_id))
        assert index.search(query, loosest, per_entry=own.get) == expected
