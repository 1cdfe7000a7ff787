"""PdqIndex (multi-index hashing) against the brute-force reference: same answers, always."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import numpy as np
import numpy.typing as npt
import pytest

from netsafe.matching.hamming import hamming
from netsafe.matching.hamming_kernels import scan
from netsafe.matching.hash_array import hex_rows
from netsafe.matching.multi_index import flip_masks, radii, widths_for
from netsafe.matching.pdq_brute_force import BruteForcePdqIndex, to_words
from netsafe.matching.pdq_index import PdqIndex
from netsafe.signals.pdq import PdqSignal


def random_hashes(rng: np.random.Generator, count: int) -> npt.NDArray[np.uint8]:
    return rng.integers(0, 256, (count, 32), dtype=np.uint8)


def flipped(
    rows: npt.NDArray[np.uint8], rng: np.random.Generator, most: int
) -> npt.NDArray[np.uint8]:
    """Copies of `rows` with 0..most random bits flipped in each."""
    bits = np.unpackbits(rows, axis=1)
    for row in bits:
        row[rng.choice(256, int(rng.integers(0, most + 1)), replace=False)] ^= 1
    return np.packbits(bits, axis=1)


@pytest.fixture(scope="module")
def data() -> tuple[npt.NDArray[np.uint8], npt.NDArray[np.uint8]]:
    """30,000 random hashes (enough for the tables), with clusters of near-duplicates, and
    queries: near copies of stored hashes (0-45 bits away) and random hashes."""
    rng = np.random.default_rng(42)
    base = random_hashes(rng, 27_000)
    cluster = flipped(np.repeat(base[:300], 10, axis=0), rng, 40)
    hashes = np.concatenate([base, cluster])
    queries = np.concatenate(
        [
            flipped(hashes[rng.choice(len(hashes), 400, replace=False)], rng, 45),
            random_hashes(rng, 100),
        ]
    )
    return hashes, queries


@pytest.fixture(scope="module")
def indexes(
    data: tuple[npt.NDArray[np.uint8], npt.NDArray[np.uint8]],
) -> tuple[PdqIndex, BruteForcePdqIndex]:
    hashes, _ = data
    ids = np.arange(len(hashes), dtype=np.int64) * 7 + 3
    fast, reference = PdqIndex(), BruteForcePdqIndex()
    fast.add(ids, hashes.copy())
    reference.add(ids, hashes)
    return fast, reference


@pytest.mark.parametrize("distance", [0, 3, 10, 16, 24, 31, 32, 40, 70])
def test_same_answers_as_brute_force(
    data: tuple[npt.NDArray[np.uint8], npt.NDArray[np.uint8]],
    indexes: tuple[PdqIndex, BruteForcePdqIndex],
    distance: int,
) -> None:
    _, queries = data
    fast, reference = indexes
    expected = reference.search_many(queries, distance)
    assert fast.search_many(queries, distance) == expected
    if distance == 31:
        assert sum(map(len, expected)) > 300  # the near copies are found, clusters too


def test_search_accepts_hex_in_any_case(
    data: tuple[npt.NDArray[np.uint8], npt.NDArray[np.uint8]],
    indexes: tuple[PdqIndex, BruteForcePdqIndex],
) -> None:
    hashes, _ = data
    fast, _reference = indexes
    hex_value = hashes[5000].tobytes().hex().upper()
    assert fast.search(hex_value, 0) == [(5000 * 7 + 3, 0)]
    with pytest.raises(ValueError, match="pdq"):
        fast.search("not a hash", 31)
    with pytest.raises(ValueError, match="max_distance"):
        fast.search(hex_value, 300)


def test_radii_satisfy_the_pigeonhole_condition() -> None:
    for count in (1000, 30_000, 10_000_000):
        widths = widths_for(count)
        assert sum(widths) <= 256
        for distance in range(0, 64):
            chosen, _ = radii(distance, count, widths)
            assert sum(radius + 1 for radius in chosen) >= distance + 1
            assert len(chosen) == len(widths)
    assert widths_for(10_000_000) == (23,) * 11
    assert len(flip_masks(23, 2)) == 1 + 23 + 253


def test_incremental_add_remove_and_persistence(tmp_path: Path) -> None:
    rng = np.random.default_rng(3)
    first = random_hashes(rng, 30_000)
    fast, reference = PdqIndex(), BruteForcePdqIndex()
    for index in (fast, reference):
        index.add(range(30_000), first)
    tables_before = fast._tables
    # small changes go to the delta and the dead-row mask: no rebuild
    more = flipped(first[:500], rng, 20)
    for index in (fast, reference):
        index.add(range(100_000, 100_500), more)
        assert index.remove([5, 6, 100_001, 999_999]) == 3
    assert fast._tables is tables_before
    assert len(fast) == len(reference) == 30_497
    queries = np.concatenate([flipped(first[:300], rng, 35), random_hashes(rng, 50)])
    assert fast.search_many(queries, 31) == reference.search_many(queries, 31)
    assert all(
        entry not in (5, 6, 100_001)
        for pairs in fast.search_many(queries, 31)
        for entry, _ in pairs
    )
    # persistence keeps every answer; a loaded (memory-mapped) index takes further changes
    fast.save(tmp_path / "pdq")
    loaded = PdqIndex.load(tmp_path / "pdq")
    assert len(loaded) == len(fast)
    assert loaded.search_many(queries, 31) == reference.search_many(queries, 31)
    for index in (loaded, reference):
        index.remove(range(0, 100))
        index.add([7_000_000], [first[0].tobytes().hex()])
    assert loaded.search_many(queries, 31) == reference.search_many(queries, 31)
    # many removals trigger a rebuild that drops the dead rows
    for index in (loaded, reference):
        index.remove(range(0, 20_000))
    assert loaded.search_many(queries, 31) == reference.search_many(queries, 31)
    assert len(loaded) == len(reference)
    reference.save(tmp_path / "brute")
    assert BruteForcePdqIndex.load(tmp_path / "brute").search_many(
        queries, 20
    ) == reference.search_many(queries, 20)


class EagerTables(PdqIndex):
    TABLES_FROM = 1_000


def test_a_large_delta_gets_tables_of_its_own() -> None:
    rng = np.random.default_rng(11)
    first = random_hashes(rng, 40_000)
    fast, reference = EagerTables(), BruteForcePdqIndex()
    for index in (fast, reference):
        index.add(range(40_000), first)
    main_tables = fast._tables
    extra = random_hashes(rng, 2_000)  # below n/16: stays a delta
    extra[:200] = flipped(first[1000:1200], rng, 25)
    for index in (fast, reference):
        index.add(range(100_000, 102_000), extra)
    assert fast._delta_tables is None
    queries = np.concatenate([flipped(extra[:300], rng, 30), flipped(first[:300], rng, 30)])
    assert fast.search_many(queries, 31) == reference.search_many(queries, 31)
    assert fast._delta_tables is not None
    assert fast._tables is main_tables
    for index in (fast, reference):
        index.remove(range(100_000, 100_100))
    assert fast._delta_tables is None
    assert fast.search_many(queries, 31) == reference.search_many(queries, 31)


def test_small_index_and_empty_index() -> None:
    empty = PdqIndex()
    assert len(empty) == 0
    assert empty.search("0" * 64, 31) == []
    small = PdqIndex()
    small.add([1, 2, 2], ["0" * 64, "0" * 63 + "1", "f" * 64])
    assert small.search("0" * 64, 31) == [(1, 0), (2, 1)]
    assert small.remove([2]) == 2
    assert small.search("0" * 64, 31) == [(1, 0)]
    with pytest.raises(ValueError, match="2 ids but 1 hashes"):
        small.add([1, 2], ["0" * 64])


def test_reference_needles_in_the_haystack(shared_testdata: Path) -> None:
    folder = shared_testdata / "pdq-reference" / "reg-test-input"
    haystack = folder.joinpath("haystack.txt").read_text(encoding="utf-8").split()
    needles = folder.joinpath("needles.txt").read_text(encoding="utf-8").split()
    fast, reference = PdqIndex(), BruteForcePdqIndex()
    for index in (fast, reference):
        index.add(range(len(haystack)), haystack)
    results = fast.search_many(needles, 31)
    assert results == reference.search_many(needles, 31)
    for needle, pairs in zip(needles, results, strict=True):
        for entry, distance in pairs:
            assert PdqSignal.distance(needle, haystack[entry]) == distance <= 31
    assert sum(1 for pairs in results if pairs) > 0


def test_threads_give_the_same_answers(
    data: tuple[npt.NDArray[np.uint8], npt.NDArray[np.uint8]],
    indexes: tuple[PdqIndex, BruteForcePdqIndex],
) -> None:
    _, queries = data
    fast, reference = indexes
    threaded = PdqIndex(threads=2)
    threaded._words, threaded._ids, threaded._alive = fast._words, fast._ids, fast._alive
    threaded._tables = fast._tables
    assert threaded.search_many(queries, 31) == reference.search_many(queries, 31)


def test_compiled_scan_equals_numpy(
    data: tuple[npt.NDArray[np.uint8], npt.NDArray[np.uint8]],
) -> None:
    hashes, queries = data
    words, query_words = to_words(hashes[:5_000]), to_words(queries[:50])
    which, rows, distances = scan(words, query_words, 90)
    expected = set()
    for number, query in enumerate(query_words):
        near = hamming(words, query[None, :])
        expected |= {(number, int(r), int(near[r])) for r in np.flatnonzero(near <= 90)}
    assert set(zip(which.tolist(), rows.tolist(), distances.tolist(), strict=True)) == expected
    assert expected


def test_an_index_saved_in_another_format_is_refused(tmp_path: Path) -> None:
    index = PdqIndex()
    index.add(range(30_000), random_hashes(np.random.default_rng(5), 30_000))
    index.save(tmp_path / "pdq")
    manifest = tmp_path / "pdq" / "manifest.json"
    manifest.write_text(manifest.read_text().replace('"format": 3', '"format": 2'))
    with pytest.raises(ValueError, match="index format 2, not 3"):
        PdqIndex.load(tmp_path / "pdq")


@pytest.mark.parametrize(
    ("values", "position"),
    [
        (["ab" * 32, "zz" * 32], 1),  # not hex
        (["ab" * 32, "ab " * 21 + "a"], 1),  # whitespace inside, length still 64
        (["AB" * 31, "ab" * 32], 0),  # short
    ],
)
def test_hex_rows_name_the_first_bad_value(values: list[str], position: int) -> None:
    with pytest.raises(ValueError, match=f"at position {position}"):
        hex_rows(values, 32, what="pdq")


def test_hex_rows_read_any_case_and_surrounding_space() -> None:
    rows = hex_rows(["AB" * 32, " " + "01" * 32 + "\n", "ff" * 32], 32, what="pdq")
    assert rows.tolist() == [[0xAB] * 32, [1] * 32, [0xFF] * 32]
    assert rows.flags.writeable


@pytest.mark.parametrize(
    ("first_id", "stored"),
    [(0, np.uint32), (2**32 - 30_000, np.uint32), (2**32 - 10, np.int64), (-5, np.int64)],
)
def test_ids_are_held_in_32_bits_when_they_fit(
    tmp_path: Path, first_id: int, stored: type[np.integer]
) -> None:
    """Ids of 0..2**32-1 are stored as uint32 (half the memory); others stay int64 — answers
    equal brute force either way, through changes, a rebuild and save + load."""
    rng = np.random.default_rng(5)
    hashes = random_hashes(rng, 30_000)
    ids = np.arange(first_id, first_id + 30_000, dtype=np.int64)
    fast, reference = PdqIndex(), BruteForcePdqIndex()
    for index in (fast, reference):
        index.add(ids, hashes)
    assert fast._ids.dtype == stored
    assert fast._alive is None  # no live-row mask until something is removed
    queries = np.concatenate([flipped(hashes[:200], rng, 35), random_hashes(rng, 20)])
    assert fast.search_many(queries, 31) == reference.search_many(queries, 31)
    for index in (fast, reference):
        index.add([2**40, 7], hashes[:2])  # an id past uint32 goes in the delta
        index.remove(ids[:5_000])  # below n/4: marked dead, no rebuild yet
    assert fast._alive is not None
    assert int((~fast._alive).sum()) == 5_000
    fast.rebuild()
    assert fast._alive is None
    assert fast._ids.dtype == np.int64  # 2**40 no longer fits
    assert fast.search_many(queries, 31) == reference.search_many(queries, 31)
    fast.save(tmp_path / "pdq")
    loaded = PdqIndex.load(tmp_path / "pdq")
    assert loaded.search_many(queries, 31) == reference.search_many(queries, 31)
    for index in (loaded, reference):
        index.remove([2**40])
    loaded.rebuild()
    left = np.concatenate([ids[5_000:], [7]])  # narrowed again once every id left fits
    assert loaded._ids.dtype == (np.uint32 if left.min() >= 0 and left.max() < 2**32 else np.int64)
    assert loaded.search_many(queries, 31) == reference.search_many(queries, 31)


@pytest.mark.parametrize(
    ("count", "width", "start"),
    [(1, 10, 0), (5_000, 10, 60), (100_000, 17, 119), (50_000, 23, 233)],
)
def test_a_table_is_a_stable_argsort_of_its_substring(count: int, width: int, start: int) -> None:
    """A table's bucket offsets count its substring's keys, and its packed row numbers are
    exactly numpy's stable argsort of them (ties in row order), beside other tables' entries."""
    from netsafe.matching.mih_kernels import fill_table, unpack
    from netsafe.matching.multi_index import packed_words, row_bits

    rng = np.random.default_rng(count)
    words = to_words(random_hashes(rng, count))
    words[: count // 3] = words[0]  # one big bucket (as on clustered data)
    bits = np.unpackbits(words.view(np.uint8), axis=1, bitorder="little")
    keys = (bits[:, start : start + width].astype(np.int64) << np.arange(width)).sum(axis=1)
    row = row_bits(count)
    packed = np.zeros(packed_words(3 * count, row), dtype=np.uint64)
    starts = np.empty((1 << width) + 1, dtype=np.int32)
    fill_table(words, start, width, starts, packed, count, row)  # the middle of three
    assert np.array_equal(np.diff(starts), np.bincount(keys, minlength=1 << width))
    assert np.array_equal(unpack(packed, count, count, row), np.argsort(keys, kind="stable"))
    assert not unpack(packed, 0, count, row).any()  # the neighbours' entries untouched
    assert not unpack(packed, 2 * count, count, row).any()


def test_saving_changes_keeps_the_static_part_and_links_it(tmp_path: Path) -> None:
    """A delta and removals are saved beside the static part (no rebuild); the static files of
    a memory-mapped index are hard-linked into the new folder, not written again."""
    rng = np.random.default_rng(8)
    first = random_hashes(rng, 30_000)
    fast, reference = PdqIndex(), BruteForcePdqIndex()
    for index in (fast, reference):
        index.add(range(30_000), first)
    fast.save(tmp_path / "v1")
    loaded = PdqIndex.load(tmp_path / "v1")
    static = loaded._tables
    extra = np.concatenate([flipped(first[:300], rng, 20), random_hashes(rng, 700)])
    for index in (loaded, reference):
        index.add(range(50_000, 51_000), extra)
        index.remove(range(100, 400))
    loaded.save(tmp_path / "v2")
    assert loaded._tables is static  # nothing rebuilt
    for name in PdqIndex.STATIC_FILES:
        assert (tmp_path / "v2" / name).stat().st_ino == (tmp_path / "v1" / name).stat().st_ino
    again = PdqIndex.load(tmp_path / "v2")
    assert len(again) == len(reference) == 30_700
    assert again._dead == 300
    assert len(again._delta_ids) == 1000
    queries = np.concatenate([flipped(extra[:200], rng, 30), flipped(first[:400], rng, 30)])
    assert again.search_many(queries, 31) == reference.search_many(queries, 31)
    (tmp_path / "v2" / "delta-ids.npy").write_bytes(b"damaged")
    with pytest.raises(ValueError):
        PdqIndex.load(tmp_path / "v2")


def test_warming_maps_a_loaded_index_and_changes_no_answer(tmp_path: Path) -> None:
    """`warm` asks the kernel to map every page of a memory-mapped index (its four static
    files, whole); an index in memory has nothing to map. Answers stay those of brute force."""
    rng = np.random.default_rng(9)
    hashes = random_hashes(rng, 25_000)
    fast, reference = PdqIndex(), BruteForcePdqIndex()
    for index in (fast, reference):
        index.add(range(25_000), hashes)
    assert fast.warm() == 0
    fast.save(tmp_path / "pdq")
    loaded = PdqIndex.load(tmp_path / "pdq")
    files = sum((tmp_path / "pdq" / name).stat().st_size for name in PdqIndex.STATIC_FILES)
    assert loaded.warm() in (0, files)  # 0: a kernel without MADV_POPULATE_READ
    release = tuple(int(part) for part in os.uname().release.split(".")[:2] if part.isdigit())
    if sys.platform == "linux" and release >= (5, 14):
        assert loaded.warm() == files
    queries = np.concatenate([flipped(hashes[:200], rng, 31), random_hashes(rng, 50)])
    assert loaded.search_many(queries, 31) == reference.search_many(queries, 31)
    assert PdqIndex.load(tmp_path / "pdq", mmap=False).warm() == 0
