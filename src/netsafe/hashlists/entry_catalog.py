"""Which list and category each indexed entry id belongs to: sorted numpy arrays, ~13 B/entry."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import numpy.typing as npt

from netsafe.categories import Category

#: Category codes stored in the catalog (position in this tuple).
CATEGORY_CODES: tuple[Category, ...] = tuple(Category)
_CODE = {c.value: i for i, c in enumerate(CATEGORY_CODES)}


class EntryCatalog:
    """Entry id → (list id, category), for turning index hits into matches."""

    def __init__(
        self,
        ids: npt.NDArray[np.int64] | None = None,
        list_ids: npt.NDArray[np.int32] | None = None,
        categories: npt.NDArray[np.uint8] | None = None,
    ) -> None:
        self.ids = ids if ids is not None else np.empty(0, dtype=np.int64)
        self.list_ids = list_ids if list_ids is not None else np.empty(0, dtype=np.int32)
        self.categories = categories if categories is not None else np.empty(0, dtype=np.uint8)

    def __len__(self) -> int:
        return len(self.ids)

    def add(self, list_id: int, ids: list[int], categories: list[str]) -> None:
        """Add entries of one list."""
        new_ids = np.asarray(ids, dtype=np.int64)
        codes = np.fromiter((_CODE[c] for c in categories), dtype=np.uint8, count=len(categories))
        all_ids = np.concatenate([self.ids, new_ids])
        order = np.argsort(all_ids, kind="stable")
        self.ids = all_ids[order]
        self.list_ids = np.concatenate(
            [self.list_ids, np.full(len(new_ids), list_id, dtype=np.int32)]
        )[order]
        self.categories = np.concatenate([self.categories, codes])[order]

    def remove(self, ids: npt.ArrayLike) -> None:
        """Forget entries by id."""
        keep = ~np.isin(self.ids, np.asarray(ids, dtype=np.int64))
        self.ids, self.list_ids, self.categories = (
            self.ids[keep],
            self.list_ids[keep],
            self.categories[keep],
        )

    def ids_of_list(self, list_id: int) -> npt.NDArray[np.int64]:
        """Every entry id of one list."""
        found: npt.NDArray[np.int64] = self.ids[self.list_ids == list_id]
        return found

    def find(self, entry_id: int) -> tuple[int, Category] | None:
        """(list id, category) of an entry, or None when it is not in the catalog."""
        at = int(np.searchsorted(self.ids, entry_id))
        if at < len(self.ids) and int(self.ids[at]) == entry_id:
            return int(self.list_ids[at]), CATEGORY_CODES[int(self.categories[at])]
        return None

    def save(self, folder: Path) -> None:
        np.save(folder / "catalog-ids.npy", self.ids)
        np.save(folder / "catalog-lists.npy", self.list_ids)
        np.save(folder / "catalog-categories.npy", self.categories)

    @classmethod
    def load(cls, folder: Path) -> EntryCatalog:
        """Read a saved catalog memory-mapped (read-only: `add` and `remove` make new arrays),
        so a server's workers share one copy in the page cache, as they share the PDQ index
        (100M entries: 1.3 GB, once, not once a worker)."""
        return cls(
            np.load(folder / "catalog-ids.npy", mmap_mode="r"),
            np.load(folder / "catalog-lists.npy", mmap_mode="r"),
            np.load(folder / "catalog-categories.npy", mmap_mode="r"),
        )
