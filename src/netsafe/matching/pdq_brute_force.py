"""The brute-force PDQ index: every query against every hash (numpy XOR + popcount).

Kept as the simple, obviously correct reference the fast index is tested against (as
python-threatexchange keeps its brute-force comparison apart from the scaled index). Fine for a
few hundred thousand hashes; PdqIndex is for millions.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import ClassVar

import numpy as np
import numpy.typing as npt

from netsafe.matching.hamming import hamming
from netsafe.matching.hash_array import (
    ByteRows,
    IdArray,
    as_ids,
    as_rows,
    read_manifest,
    replace_folder,
    write_manifest,
)

PDQ_BYTES = 32
Words = npt.NDArray[np.uint64]


def to_words(rows: ByteRows) -> Words:
    """(n, 32) uint8 hash rows as (n, 4) uint64 words (for XOR + popcount)."""
    return np.ascontiguousarray(rows).view(np.uint64).reshape(-1, 4)


def query_words(hashes: Sequence[str] | str | ByteRows) -> Words:
    if isinstance(hashes, str):
        hashes = [hashes]
    return to_words(as_rows(hashes, PDQ_BYTES, what="pdq"))


def check_distance(max_distance: int) -> int:
    if not 0 <= max_distance <= 256:
        raise ValueError(f"max_distance must be within 0..256, got {max_distance}")
    return int(max_distance)


class BruteForcePdqIndex:
    """PDQ hashes by entry id; `search` compares the query with every hash."""

    KIND: ClassVar[str] = "netsafe-pdq-brute-force"

    def __init__(self) -> None:
        self._words: Words = np.empty((0, 4), dtype=np.uint64)
        self._ids: IdArray = np.empty(0, dtype=np.int64)

    def __len__(self) -> int:
        return len(self._ids)

    def add(self, ids: Iterable[int] | npt.ArrayLike, hashes: Sequence[str] | ByteRows) -> None:
        id_array = as_ids(ids)
        words = to_words(as_rows(hashes, PDQ_BYTES, what="pdq"))
        if len(id_array) != len(words):
            raise ValueError(f"{len(id_array)} ids but {len(words)} hashes")
        self._words = np.concatenate([self._words, words])
        self._ids = np.concatenate([self._ids, id_array])

    def remove(self, ids: Iterable[int] | npt.ArrayLike) -> int:
        keep = ~np.isin(self._ids, as_ids(ids))
        removed = int(len(keep) - keep.sum())
        self._words, self._ids = self._words[keep], self._ids[keep]
        return removed

    def search(self, hash_hex: str, max_distance: int) -> list[tuple[int, int]]:
        """(id, distance) of every hash within `max_distance` bits, nearest first."""
        return self.search_many([hash_hex], max_distance)[0]

    def search_many(
        self, hashes: Sequence[str] | ByteRows, max_distance: int
    ) -> list[list[tuple[int, int]]]:
        """`search` for each query hash, in order."""
        limit = check_distance(max_distance)
        queries = query_words(hashes)
        results: list[list[tuple[int, int]]] = []
        for query in queries:
            distances = hamming(self._words, query[None, :])
            hit = np.flatnonzero(distances <= limit)
            results.append(sorted_pairs(self._ids[hit], distances[hit]))
        return results

    def save(self, path: Path) -> None:
        def write(folder: Path) -> None:
            np.save(folder / "hashes.npy", self._words.view(np.uint8).reshape(-1, PDQ_BYTES))
            np.save(folder / "ids.npy", self._ids)
            write_manifest(folder, {"kind": self.KIND, "count": len(self)})

        replace_folder(Path(path), write)

    @classmethod
    def load(cls, path: Path) -> BruteForcePdqIndex:
        folder = Path(path)
        read_manifest(folder, cls.KIND)
        index = cls()
        index.add(np.load(folder / "ids.npy"), np.load(folder / "hashes.npy"))
        return index


def sorted_pairs(
    ids: npt.NDArray[np.int64], distances: npt.NDArray[np.integer]
) -> list[tuple[int, int]]:
    """(id, distance) pairs, nearest first, then by id."""
    order = np.lexsort((ids, distances))
    return list(zip(ids[order].tolist(), distances[order].tolist(), strict=True))
