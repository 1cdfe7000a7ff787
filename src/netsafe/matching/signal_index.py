"""The index a signal type declares (`SignalType.index_class`), and the default one: exact values.

The four column signals have their own fast indexes (`ExactIndex` over raw digests, `PdqIndex`);
every other signal's list values go into the index its type names, which the matcher searches
with the query's values of that signal. An index answers, per query value, the entries it
matches and how far apart they are (`IndexHit`; a signal may add scores such as vPDQ's shares
of frames matched).
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import ClassVar, NamedTuple, Protocol, Self

import numpy as np
import numpy.typing as npt

from netsafe.matching.hash_array import as_ids, read_manifest, replace_folder, write_manifest


class IndexHit(NamedTuple):
    """One list entry a query value matched, `distance` apart (0: equal), with any scores."""

    entry_id: int
    distance: int
    scores: tuple[tuple[str, float], ...] = ()


class SignalIndex(Protocol):
    """What the matcher and the index sync need of a signal's index."""

    def __len__(self) -> int: ...

    def add(self, ids: Sequence[int], values: Sequence[str]) -> None:
        """Add entries: `ids[i]` has the (canonical) value `values[i]`."""

    def remove(self, ids: Iterable[int] | npt.ArrayLike) -> int:
        """Forget every entry with one of `ids`; how many went."""

    def search(self, values: Sequence[str]) -> list[list[IndexHit]]:
        """Per query value (canonical), the entries it matches."""

    def save(self, path: Path) -> None:
        """Write the index to the folder `path` (replaced as a whole)."""

    @classmethod
    def load(cls, path: Path) -> Self:
        """Read an index `save` wrote; ValueError when it is not one."""


class ExactValueIndex:
    """Entry ids by exact value: a dict, saved as JSON. For signals without a faster index."""

    KIND: ClassVar[str] = "netsafe-exact-value-index"

    def __init__(self) -> None:
        self._ids: dict[str, list[int]] = {}
        self._count = 0

    def __len__(self) -> int:
        return self._count

    def add(self, ids: Sequence[int], values: Sequence[str]) -> None:
        if len(ids) != len(values):
            raise ValueError(f"{len(ids)} ids but {len(values)} values")
        for entry_id, value in zip(ids, values, strict=True):
            self._ids.setdefault(value, []).append(int(entry_id))
        self._count += len(ids)

    def remove(self, ids: Iterable[int] | npt.ArrayLike) -> int:
        gone = set(as_ids(ids).tolist())
        if not gone:
            return 0
        removed = 0
        for value in list(self._ids):
            kept = [i for i in self._ids[value] if i not in gone]
            removed += len(self._ids[value]) - len(kept)
            if kept:
                self._ids[value] = kept
            else:
                del self._ids[value]
        self._count -= removed
        return removed

    def search(self, values: Sequence[str]) -> list[list[IndexHit]]:
        return [[IndexHit(i, 0) for i in self._ids.get(value, ())] for value in values]

    def entry_ids(self) -> npt.NDArray[np.int64]:
        """Every entry id held."""
        return np.asarray(sorted(i for ids in self._ids.values() for i in ids), dtype=np.int64)

    def save(self, path: Path) -> None:
        def write(folder: Path) -> None:
            (folder / "values.json").write_text(json.dumps(self._ids), encoding="utf-8")
            write_manifest(folder, {"kind": self.KIND, "count": self._count})

        replace_folder(path, write)

    @classmethod
    def load(cls, path: Path) -> Self:
        manifest = read_manifest(path, cls.KIND)
        index = cls()
        held = json.loads((path / "values.json").read_text(encoding="utf-8"))
        index._ids = {str(value): [int(i) for i in ids] for value, ids in held.items()}
        index._count = int(manifest["count"])
        return index
