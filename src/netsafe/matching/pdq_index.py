"""The PDQ index: every entry within a Hamming distance of a query, for millions of hashes.

A static multi-index-hashing part (multi_index.py) holds most hashes; additions go to a delta
(scanned by brute force while small, given tables of its own when searched past 20,000 hashes),
removals mark rows dead. When the delta or the dead rows grow past
a fraction of the index, the static part is rebuilt from the live rows (amortised: a hash list
sync adding or removing a few thousand entries never rebuilds ten million). Persisted as a folder
of .npy files that `load` memory-maps, so several worker processes share one copy.

Measured against FAISS in benchmarks/bench_pdq_index.py; BruteForcePdqIndex is the reference.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import ClassVar, Literal

import numpy as np
import numpy.typing as npt

from netsafe.matching import big_arrays
from netsafe.matching.hash_array import (
    ByteRows,
    IdArray,
    as_ids,
    as_rows,
    read_manifest,
    replace_folder,
    write_manifest,
)
from netsafe.matching.multi_index import MultiIndex, scan
from netsafe.matching.pdq_brute_force import (
    PDQ_BYTES,
    Words,
    check_distance,
    query_words,
    to_words,
)

Pairs = list[tuple[int, int]]
StoredIds = npt.NDArray[np.int64] | npt.NDArray[np.uint32]


def narrow_ids(ids: IdArray) -> StoredIds:
    """The static part's ids as uint32 when every id fits (half the memory of int64: 400 MB at
    100M hashes); otherwise int64 as given. Searches widen them back to Python ints."""
    if len(ids) and int(ids.min()) >= 0 and int(ids.max()) <= 0xFFFF_FFFF:
        return ids.astype(np.uint32)
    return ids


class PdqIndex:
    """PDQ hashes by entry id, searched by Hamming distance. Ids need not be unique."""

    KIND: ClassVar[str] = "netsafe-pdq-index"
    #: On-disk layout; an index saved in another layout is refused on load (and rebuilt).
    FORMAT: ClassVar[int] = 3
    #: Below this many hashes the static part is not worth its tables: everything is scanned.
    TABLES_FROM: ClassVar[int] = 20_000
    #: Queries searched together by one call of the compiled kernel; batches are spread over
    #: `threads` (the kernel releases the GIL).
    BATCH: ClassVar[int] = 1024

    def __init__(self, *, threads: int = 1) -> None:
        self.threads = max(1, threads)
        self._words: Words = np.empty((0, 4), dtype=np.uint64)
        self._ids: StoredIds = np.empty(0, dtype=np.int64)
        #: which static rows are live; None while none was removed (1 byte a hash saved)
        self._alive: npt.NDArray[np.bool_] | None = None
        self._tables: MultiIndex | None = None
        self._delta_words: Words = np.empty((0, 4), dtype=np.uint64)
        self._delta_ids: IdArray = np.empty(0, dtype=np.int64)
        self._delta_tables: MultiIndex | None = None
        self._dead = 0
        #: the saved folder the static part is memory-mapped from (its files are linked, not
        #: written again, by `save`); None once the static part changes
        self._static_source: Path | None = None

    def __len__(self) -> int:
        return len(self._ids) - self._dead + len(self._delta_ids)

    # -- changes ---------------------------------------------------------------------------

    def add(self, ids: Iterable[int] | npt.ArrayLike, hashes: Sequence[str] | ByteRows) -> None:
        """Add entries: `ids[i]` has the PDQ hash `hashes[i]` (hex, or an (n, 32) uint8 array).

        Into an empty index a contiguous uint8 array is taken as is, not copied (10M hashes are
        320 MB): do not change it afterwards.
        """
        id_array = as_ids(ids)
        words = to_words(as_rows(hashes, PDQ_BYTES, what="pdq"))
        if len(id_array) != len(words):
            raise ValueError(f"{len(id_array)} ids but {len(words)} hashes")
        if not len(id_array):
            return
        if not len(self._ids) and not len(self._delta_ids) and len(words) >= self.TABLES_FROM:
            self._words, self._ids = words, narrow_ids(id_array)
            del ids, id_array  # no int64 ids held through the build (100M: 800 MB)
            self._static_source = None
            self._alive = None
            self._dead = 0
            self._tables = MultiIndex.build(words, threads=self.threads)
            return
        self._delta_words = np.concatenate([self._delta_words, words])
        self._delta_ids = np.concatenate([self._delta_ids, id_array])
        self._delta_tables = None
        self._maybe_rebuild()

    def remove(self, ids: Iterable[int] | npt.ArrayLike) -> int:
        """Remove every entry with one of `ids`; returns how many hashes were removed."""
        gone = as_ids(ids)
        if not len(gone):
            return 0
        removed = 0
        if len(self._ids):
            hit = np.isin(self._ids, gone)
            if self._alive is not None:
                hit &= self._alive
            count = int(hit.sum())
            if count:
                if self._alive is None:
                    self._alive = np.ones(len(self._ids), dtype=np.bool_)
                self._alive[hit] = False
                self._dead += count
                removed += count
        if len(self._delta_ids):
            keep = ~np.isin(self._delta_ids, gone)
            removed += int(len(keep) - keep.sum())
            self._delta_words, self._delta_ids = self._delta_words[keep], self._delta_ids[keep]
            self._delta_tables = None
        self._maybe_rebuild()
        return removed

    def rebuild(self) -> None:
        """Fold the delta and drop dead rows now (otherwise done when they grow). The old tables
        are dropped first; the old and new hashes are held together while the new ones are
        copied (at 100M hashes the rebuild's peak is ~3.2 GB above the index's)."""
        live = self._alive
        self._tables = self._delta_tables = None
        kept = len(self._words) if live is None else len(self._words) - self._dead
        words = big_arrays.zeros((kept + len(self._delta_words), 4), np.uint64)
        if live is None:
            words[:kept] = self._words
        else:
            np.compress(live, self._words, axis=0, out=words[:kept])
        words[kept:] = self._delta_words
        kept_ids = self._ids if live is None else self._ids[live]
        ids = narrow_ids(np.concatenate([kept_ids, self._delta_ids]).astype(np.int64))
        self._words, self._ids = words, ids
        self._static_source = None
        self._alive = None
        self._dead = 0
        self._delta_words = np.empty((0, 4), dtype=np.uint64)
        self._delta_ids = np.empty(0, dtype=np.int64)
        self._delta_tables = None
        self._tables = (
            MultiIndex.build(words, threads=self.threads)
            if len(words) >= self.TABLES_FROM
            else None
        )

    def _maybe_rebuild(self) -> None:
        main = len(self._ids)
        delta_limit = max(self.TABLES_FROM, main // 16)
        if len(self._delta_ids) > delta_limit or self._dead > max(1000, main // 4):
            self.rebuild()

    # -- queries ---------------------------------------------------------------------------

    def search(self, hash_hex: str, max_distance: int) -> Pairs:
        """(id, distance) of every entry within `max_distance` bits of `hash_hex`, nearest first."""
        return self.search_many([hash_hex], max_distance)[0]

    def search_many(self, hashes: Sequence[str] | ByteRows, max_distance: int) -> list[Pairs]:
        """`search` for each query (hex strings or an (n, 32) uint8 array), in order."""
        limit = check_distance(max_distance)
        queries = query_words(hashes)
        if len(self._delta_ids) >= self.TABLES_FROM and self._delta_tables is None:
            # a large delta (up to n/16) gets small tables of its own, built before searching
            self._delta_tables = MultiIndex.build(self._delta_words, threads=self.threads)
        size = max(1, min(self.BATCH, -(-len(queries) // self.threads)))
        batches = [queries[i : i + size] for i in range(0, len(queries), size)]
        if self.threads > 1 and len(batches) > 1:
            with ThreadPoolExecutor(self.threads) as pool:
                parts = list(pool.map(lambda batch: self._search_batch(batch, limit), batches))
        else:
            parts = [self._search_batch(batch, limit) for batch in batches]
        return [pairs for part in parts for pairs in part]

    def _search_batch(self, queries: Words, limit: int) -> list[Pairs]:
        if self._tables is not None:
            which, rows, distances = self._tables.search(queries, limit)
        else:
            which, rows, distances = scan(self._words, queries, limit)
        if self._alive is not None:
            live = self._alive[rows]
            which, rows, distances = which[live], rows[live], distances[live]
        ids = self._ids[rows].astype(np.int64)
        if len(self._delta_ids):
            if self._delta_tables is not None:
                dq, drows, dd = self._delta_tables.search(queries, limit)
            else:
                dq, drows, dd = scan(self._delta_words, queries, limit)
            which = np.concatenate([which, dq])
            ids = np.concatenate([ids, self._delta_ids[drows]])
            distances = np.concatenate([distances, dd])
        if not len(which):
            return [[] for _ in range(len(queries))]
        # by query, then nearest first, then by id
        order = np.lexsort((ids, distances, which))
        pairs = list(zip(ids[order].tolist(), distances[order].tolist(), strict=True))
        bounds = np.searchsorted(which[order], np.arange(len(queries) + 1)).tolist()
        return [pairs[bounds[q] : bounds[q + 1]] for q in range(len(queries))]

    # -- persistence -----------------------------------------------------------------------

    STATIC_FILES: ClassVar[tuple[str, ...]] = (
        "hashes.npy", "ids.npy", "mih-starts.npy", "mih-packed.npy",
    )  # fmt: skip

    def save(self, path: Path) -> None:
        """Write the index to the folder `path` (replaced as a whole). The delta and the dead-row
        mask are written beside the static part, not folded into it: saving after a few changes
        costs their size, and a static part memory-mapped from a saved folder is hard-linked
        from it rather than written again (its files never change once written)."""
        if self._tables is None and len(self._ids) >= self.TABLES_FROM:
            self.rebuild()
        source = self._static_source

        def write(folder: Path) -> None:
            if source is not None and _link_all(source, folder, self.STATIC_FILES):
                pass
            else:
                np.save(folder / "hashes.npy", self._words.view(np.uint8).reshape(-1, PDQ_BYTES))
                np.save(folder / "ids.npy", self._ids)
                if self._tables is not None:
                    self._tables.save(folder, "mih-")
            if self._alive is not None:
                np.save(folder / "alive.npy", self._alive)
            if len(self._delta_ids):
                delta_rows = self._delta_words.view(np.uint8).reshape(-1, PDQ_BYTES)
                np.save(folder / "delta-hashes.npy", delta_rows)
                np.save(folder / "delta-ids.npy", self._delta_ids)
            write_manifest(
                folder,
                {
                    "kind": self.KIND,
                    "format": self.FORMAT,
                    "count": len(self),
                    "tables": self._tables is not None,
                    "widths": list(self._tables.widths) if self._tables is not None else [],
                    "alive": self._alive is not None,
                    "delta": len(self._delta_ids),
                },
            )

        replace_folder(Path(path), write)

    @classmethod
    def load(cls, path: Path, *, mmap: bool = True, threads: int = 1) -> PdqIndex:
        """Read an index written by `save`, memory-mapped unless `mmap=False`."""
        folder = Path(path)
        manifest = read_manifest(folder, cls.KIND)
        if manifest.get("format") != cls.FORMAT:
            raise ValueError(f"{folder}: index format {manifest.get('format')}, not {cls.FORMAT}")
        mode: Literal["r"] | None = "r" if mmap else None
        rows = np.load(folder / "hashes.npy", mmap_mode=mode)
        ids = np.load(folder / "ids.npy", mmap_mode=mode)
        if (
            rows.ndim != 2
            or rows.shape[1] != PDQ_BYTES
            or len(rows) != len(ids)
            or ids.dtype not in (np.dtype(np.int64), np.dtype(np.uint32))
        ):
            raise ValueError(f"{folder}: damaged index (hashes {rows.shape}, ids {ids.shape})")
        index = cls(threads=threads)
        index._words = rows.view(np.uint64).reshape(-1, 4)
        index._ids = ids
        widths = tuple(int(width) for width in manifest.get("widths", ()))
        if manifest.get("tables") and widths:
            index._tables = MultiIndex.load(index._words, widths, folder, "mih-", mmap=mmap)
            index._static_source = folder.resolve() if mmap else None
        elif len(ids) >= cls.TABLES_FROM:
            index._tables = MultiIndex.build(index._words, threads=threads)
        if manifest.get("alive"):
            alive = np.load(folder / "alive.npy")  # copied: removals change it
            if alive.shape != (len(ids),) or alive.dtype != np.bool_:
                raise ValueError(f"{folder}: damaged index (alive {alive.shape})")
            index._alive, index._dead = alive, int(len(alive) - alive.sum())
        if manifest.get("delta"):
            delta_rows = np.load(folder / "delta-hashes.npy")
            delta_ids = np.load(folder / "delta-ids.npy")
            if delta_rows.shape != (len(delta_ids), PDQ_BYTES) or delta_ids.dtype != np.int64:
                raise ValueError(f"{folder}: damaged index (delta {delta_rows.shape})")
            index._delta_words, index._delta_ids = to_words(delta_rows), delta_ids
        return index

    def warm(self) -> int:
        """Map the pages of a memory-mapped (loaded) index now rather than on first touch, so a
        server worker's first queries run at full speed; the bytes mapped (0 in memory)."""
        return sum(big_arrays.warm(array) for array in _static_arrays(self))


def _static_arrays(index: PdqIndex) -> list[npt.NDArray[np.generic]]:
    arrays: list[npt.NDArray[np.generic]] = [index._words, index._ids]
    if index._tables is not None:
        arrays += [index._tables.starts, index._tables.packed]
    return arrays


def _link_all(source: Path, folder: Path, names: tuple[str, ...]) -> bool:
    """Hard-link `names` from `source` into `folder`; False (nothing left linked) when any
    of them cannot be (gone, or another file system): the caller writes them instead."""
    import os

    linked: list[Path] = []
    try:
        for name in names:
            os.link(source / name, folder / name)
            linked.append(folder / name)
    except OSError:
        for path in linked:
            path.unlink()
        return False
    return True
