"""Import a list: a new list, or a new version replacing the old one, in the caller's transaction.

`import_list` streams batches of entries into the repository. When the list exists, unchanged
entries keep their ids, new ones are added and missing ones removed (`VersionDiff`), and the
list's revision goes up by one; indexes catch up from that (`index_sync`). Nothing is committed
here: when anything fails the caller's unit of work rolls back and the database is as it was.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from operator import itemgetter

from netsafe.hashlists.errors import SkipLog
from netsafe.hashlists.model import EntryRow, ListSettings, Provenance
from netsafe.hashlists.repository import HashListRepository, ListUpdate
from netsafe.hashlists.version_diff import VersionDiff

_category = itemgetter(4)


class EmptyListError(ValueError):
    """The file held no (valid) entries: nothing is imported."""


@dataclass
class ImportReport:
    """What an import did."""

    name: str
    format: str
    revision: int
    entries: int
    added: int
    removed: int
    replaced: bool
    category_counts: dict[str, int]
    skipped: SkipLog = field(default_factory=SkipLog)

    def as_json(self) -> dict[str, object]:
        return {
            "name": self.name,
            "format": self.format,
            "revision": self.revision,
            "entries": self.entries,
            "added": self.added,
            "removed": self.removed,
            "unchanged": self.entries - self.added,
            "replaced": self.replaced,
            "categories": dict(self.category_counts),
            **self.skipped.as_json(),
        }


def import_list(
    repository: HashListRepository,
    name: str,
    batches: Iterable[Sequence[EntryRow]],
    *,
    list_format: str,
    provenance: Provenance,
    settings: ListSettings,
    skipped: SkipLog | None = None,
    on_batch: Callable[[int], None] | None = None,
) -> ImportReport:
    """Import `batches` as list `name` (new, or the next version of an existing list).

    `skipped` is the reader's log of invalid entries (filled while the batches are read);
    `on_batch(n)` is called after each stored batch of n entries (progress bars).
    Raises EmptyListError when no entry was read. Takes the import lock first (held until the
    caller's transaction ends), so a concurrent import of the same list waits for this one.
    """
    repository.lock_imports()
    existing = repository.get(name)
    if existing is None:
        list_id, revision, diff = repository.create(name, list_format, settings), 1, None
    else:
        list_id, revision = existing.id, existing.revision + 1
        diff = VersionDiff(repository.entries(list_id), expected=existing.entry_count)
    counts: Counter[str] = Counter()
    total = added = 0
    for batch in batches:
        new = batch if diff is None else diff.new_entries(batch)
        repository.add_entries(list_id, revision, new)
        counts.update(map(_category, batch))
        total += len(batch)
        added += len(new)
        if on_batch is not None:
            on_batch(len(batch))
    log = skipped if skipped is not None else SkipLog()
    if total == 0:
        reason = (
            f"all {log.count} entries are invalid" if log.count else "the file holds no entries"
        )
        raise EmptyListError(f"nothing imported into {name!r}: {reason}")
    removed = diff.removed_ids() if diff is not None else []
    if removed:
        repository.remove_entries(list_id, revision, removed)
    repository.update(
        list_id,
        ListUpdate(provenance, settings, list_format, revision, total, dict(counts)),
    )
    return ImportReport(
        name=name,
        format=list_format,
        revision=revision,
        entries=total,
        added=added,
        removed=len(removed),
        replaced=existing is not None,
        category_counts=dict(counts),
        skipped=log,
    )
