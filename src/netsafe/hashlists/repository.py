"""Where lists are kept: the `HashListRepository` protocol (implemented in netsafe.store)."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Protocol

from netsafe.hashlists.model import EntryRow, HashEntry, HashList, ListSettings, Provenance


@dataclass(frozen=True, slots=True)
class ListUpdate:
    """What an import writes on the list itself when it is done."""

    provenance: Provenance
    settings: ListSettings
    format: str
    revision: int
    entry_count: int
    category_counts: dict[str, int]


class HashListRepository(Protocol):
    """Lists and their entries. Entry ids are assigned by the repository, in batches."""

    def lock_imports(self) -> None:
        """Wait for, then hold until the transaction ends, the lock every import takes before
        it reads a list: imports of one list (or two creating the same new list) run one after
        the other, each seeing the revision the one before it committed."""
        ...

    def get(self, name: str) -> HashList | None:
        """The list called `name`, or None."""
        ...

    def all(self) -> list[HashList]:
        """Every list, by name."""
        ...

    def create(self, name: str, list_format: str, settings: ListSettings) -> int:
        """Create an empty list at revision 0 (filled by an import); return its id."""
        ...

    def update(self, list_id: int, update: ListUpdate) -> None:
        """Record a finished import on the list."""
        ...

    def add_entries(self, list_id: int, revision: int, entries: Sequence[EntryRow]) -> range:
        """Insert `entries` as added in `revision`; return the consecutive ids they were given."""
        ...

    def remove_entries(self, list_id: int, revision: int, entry_ids: Sequence[int]) -> None:
        """Delete entries and remember they were removed in `revision` (for the indexes)."""
        ...

    def entries(
        self, list_id: int, *, added_after: int = 0, batch_size: int = 20_000
    ) -> Iterator[list[tuple[int, HashEntry]]]:
        """(id, entry) in id order, in batches; only those added after revision `added_after`."""
        ...

    def removed_after(self, list_id: int, revision: int) -> list[int]:
        """Ids of entries removed from the list in revisions after `revision`."""
        ...

    def delete(self, list_id: int) -> None:
        """Delete the list with its entries."""
        ...
