"""An exact index for one cryptographic signal (md5, sha1 or sha256): hash → entry ids.

Sorted numpy arrays (the first 8 bytes of each digest as a big-endian key, then the full digest
checked), so 10 million entries take ~0.5 GB and load in a blink; small incremental additions
go to a dict that is merged into the arrays when it grows. Persisted as a folder of .npy files
(keys, digests, ids) that `load` memory-maps read-only, so a server's workers share one copy in
the page cache, as they share the PDQ index; changes after loading make new arrays in memory
(`add` merges into new arrays, `remove` selects into new ones), never writing the saved files.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
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
from netsafe.signals.crypto import DIGEST_BYTES


class ExactIndex:
    """Entry ids by exact digest for one signal. Many entries may share a digest."""

    KIND: ClassVar[str] = "netsafe-exact-index"
    #: Pending additions merged into the sorted arrays once they exceed this many (or n/16).
    MERGE_AT: ClassVar[int] = 50_000
    #: Up to this many hex digests are looked up one by one (one file, the lookup API): the
    #: vector path's fixed cost (~40 µs) is then most of a lookup.
    FEW: ClassVar[int] = 4

    def __init__(self, signal: str) -> None:
        if signal not in DIGEST_BYTES:
            raise ValueError(f"no exact index for signal {signal!r}: use md5, sha1 or sha256")
        self.signal = signal
        self.nbytes = DIGEST_BYTES[signal]
        self._keys: npt.NDArray[np.uint64] = np.empty(0, dtype=np.uint64)
        self._rows: ByteRows = np.empty((0, self.nbytes), dtype=np.uint8)
        self._ids: IdArray = np.empty(0, dtype=np.int64)
        self._pending: dict[bytes, list[int]] = {}
        self._pending_count = 0

    def __len__(self) -> int:
        return len(self._ids) + self._pending_count

    def add(self, ids: Iterable[int] | npt.ArrayLike, hashes: Sequence[str] | ByteRows) -> None:
        """Add entries: `ids[i]` has digest `hashes[i]` (hex strings or an (n, nbytes) array)."""
        id_array = as_ids(ids)
        rows = as_rows(hashes, self.nbytes, what=self.signal)
        if len(id_array) != len(rows):
            raise ValueError(f"{len(id_array)} ids but {len(rows)} hashes")
        if len(rows) > self.MERGE_AT:
            self._merge(rows, id_array)
            return
        for row, entry_id in zip(rows, id_array.tolist(), strict=True):
            self._pending.setdefault(row.tobytes(), []).append(entry_id)
        self._pending_count += len(rows)
        if self._pending_count > max(self.MERGE_AT, len(self._ids) // 16):
            self._flush()

    def entry_ids(self) -> IdArray:
        """The id of every entry held (an entry with several digests is not possible: one each)."""
        pending = [i for ids in self._pending.values() for i in ids]
        return np.concatenate([self._ids, np.asarray(pending, dtype=np.int64)])

    def remove(self, ids: Iterable[int] | npt.ArrayLike) -> int:
        """Remove every entry with one of `ids`; returns how many were removed."""
        gone = as_ids(ids)
        removed = 0
        if len(self._ids) and len(gone):
            keep = ~np.isin(self._ids, gone)
            removed += int(len(keep) - keep.sum())
            if removed:
                self._keys, self._rows, self._ids = (
                    self._keys[keep],
                    self._rows[keep],
                    self._ids[keep],
                )
        if self._pending and len(gone):
            drop = set(gone.tolist())
            for digest in list(self._pending):
                kept = [i for i in self._pending[digest] if i not in drop]
                removed_here = len(self._pending[digest]) - len(kept)
                if removed_here:
                    removed += removed_here
                    self._pending_count -= removed_here
                    if kept:
                        self._pending[digest] = kept
                    else:
                        del self._pending[digest]
        return removed

    def lookup(self, hash_hex: str) -> list[int]:
        """The ids of every entry with this digest (hex, any case); [] when none."""
        row = as_rows([hash_hex], self.nbytes, what=self.signal)[0]
        return self._lookup_row(row)

    def lookup_many(self, hashes: Sequence[str] | ByteRows) -> list[list[int]]:
        """`lookup` for many digests at once (vectorised over the sorted arrays)."""
        if len(hashes) <= self.FEW and not isinstance(hashes, np.ndarray):
            digests = self._digests(hashes)
            if digests is not None:
                return [self._lookup_digest(digest) for digest in digests]
        rows = as_rows(hashes, self.nbytes, what=self.signal)
        keys = _keys(rows)
        low = np.searchsorted(self._keys, keys, side="left")
        high = np.searchsorted(self._keys, keys, side="right")
        results: list[list[int]] = []
        for index in range(len(rows)):
            found: list[int] = []
            start, stop = int(low[index]), int(high[index])
            if stop > start:
                same = np.all(self._rows[start:stop] == rows[index], axis=1)
                found.extend(self._ids[start:stop][same].tolist())
            found.extend(self._pending.get(rows[index].tobytes(), ()))
            results.append(found)
        return results

    def contains_many(self, hashes: Sequence[str] | ByteRows) -> npt.NDArray[np.bool_]:
        """For each digest, whether any entry has it: one vectorised pass over the sorted keys;
        only digests whose first 8 bytes are known are compared in full."""
        rows = as_rows(hashes, self.nbytes, what=self.signal)
        keys = _keys(rows)
        found = np.searchsorted(self._keys, keys, side="right") > np.searchsorted(
            self._keys, keys, side="left"
        )
        if self._pending:
            found |= np.fromiter(
                (row.tobytes() in self._pending for row in rows), dtype=np.bool_, count=len(rows)
            )
        at = np.flatnonzero(found)
        if len(at):
            found[at] = [bool(ids) for ids in self.lookup_many(rows[at])]
        return found

    def _lookup_row(self, row: npt.NDArray[np.uint8]) -> list[int]:
        return self.lookup_many(row[None, :])[0]

    def _digests(self, hashes: Sequence[str]) -> list[bytes] | None:
        """Hex digests as bytes (as `hex_rows` reads them: any case, spaces skipped); None
        when one is not a digest of this signal (the vector path then names it)."""
        try:
            digests = [bytes.fromhex(value) for value in hashes]
        except (TypeError, ValueError):
            return None
        return digests if all(len(d) == self.nbytes for d in digests) else None

    def _lookup_digest(self, digest: bytes) -> list[int]:
        """`lookup` of one raw digest, without vector work (~5 µs, not ~40 µs)."""
        found: list[int] = []
        if len(self._keys):
            key = np.uint64(int.from_bytes(digest[:8], "big"))
            start = int(self._keys.searchsorted(key, side="left"))
            stop = int(self._keys.searchsorted(key, side="right"))
            for at in range(start, stop):
                if self._rows[at].tobytes() == digest:
                    found.append(int(self._ids[at]))
        found.extend(self._pending.get(digest, ()))
        return found

    def save(self, path: Path) -> None:
        """Write the index to the folder `path` (replaced as a whole)."""
        self._flush()

        def write(folder: Path) -> None:
            np.save(folder / "keys.npy", self._keys)
            np.save(folder / "rows.npy", self._rows)
            np.save(folder / "ids.npy", self._ids)
            write_manifest(folder, {"kind": self.KIND, "signal": self.signal, "count": len(self)})

        replace_folder(Path(path), write)

    @classmethod
    def load(cls, path: Path, *, mmap: bool = True) -> ExactIndex:
        """Read an index written by `save`, memory-mapped read-only unless `mmap` is False.
        An index saved without its keys (before they were saved) has them computed, in memory."""
        folder = Path(path)
        manifest = read_manifest(folder, cls.KIND)
        index = cls(str(manifest["signal"]))
        mode: Literal["r"] | None = "r" if mmap else None
        rows = np.load(folder / "rows.npy", mmap_mode=mode)
        ids = np.load(folder / "ids.npy", mmap_mode=mode)
        if rows.shape != (len(ids), index.nbytes) or rows.dtype != np.uint8:
            raise ValueError(f"{folder}: damaged index (rows {rows.shape}, ids {ids.shape})")
        keys_path = folder / "keys.npy"
        keys = np.load(keys_path, mmap_mode=mode) if keys_path.exists() else _keys(rows)
        if keys.shape != (len(ids),) or keys.dtype != np.uint64:
            raise ValueError(f"{folder}: damaged index (keys {keys.shape}, ids {ids.shape})")
        index._rows, index._keys = rows, keys
        index._ids = ids if ids.dtype == np.int64 else ids.astype(np.int64)
        return index

    def warm(self) -> int:
        """Map the pages of a loaded index now (see `big_arrays.warm`); the bytes asked for."""
        return sum(big_arrays.warm(a) for a in (self._keys, self._rows, self._ids))

    def _flush(self) -> None:
        if not self._pending:
            return
        digests, ids = [], []
        for digest, entry_ids in self._pending.items():
            for entry_id in entry_ids:
                digests.append(digest)
                ids.append(entry_id)
        rows = np.frombuffer(b"".join(digests), dtype=np.uint8).reshape(-1, self.nbytes)
        self._pending, self._pending_count = {}, 0
        self._merge(rows, np.asarray(ids, dtype=np.int64))

    def _merge(self, rows: ByteRows, ids: IdArray) -> None:
        all_rows = np.concatenate([self._rows, rows])
        all_ids = np.concatenate([self._ids, ids])
        keys = _keys(all_rows)
        order = np.argsort(keys, kind="stable")
        self._keys, self._rows, self._ids = keys[order], all_rows[order], all_ids[order]


def _keys(rows: ByteRows) -> npt.NDArray[np.uint64]:
    """The first 8 bytes of each row as a big-endian unsigned key (sort order = byte order)."""
    return np.ascontiguousarray(rows[:, :8]).view(">u8").ravel().astype(np.uint64)
