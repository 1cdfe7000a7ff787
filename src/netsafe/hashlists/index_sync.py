"""The on-disk matching index (NETSAFE_HOME/index), kept in step with the stored lists.

The index holds exact indexes (md5, sha1, sha256), a PDQ index, the index each other registered
signal declares (`signals/<name>`), the entry catalog and, in `lists.json`, the revision of
every list it holds and the signals it was built for (an index built for other signals than
those registered now is rebuilt, so a newly registered signal's stored values are indexed).
`sync_index` brings it up to date incrementally: for each list whose revision moved on it
removes the entries removed since (the repository remembers them per revision) and adds the
entries added since; a deleted list's entries are dropped. Nothing is rebuilt from scratch
unless the index is missing or damaged, or was built for other signals.
The folder is locked while it is updated and replaced as a whole, so readers never see half.
"""

from __future__ import annotations

import fcntl
import json
import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field
from pathlib import Path

import numpy as np
import numpy.typing as npt

from netsafe.hashlists.entry_catalog import EntryCatalog
from netsafe.hashlists.matcher import EXACT_SIGNALS, IndexedList, ListMatcher
from netsafe.hashlists.model import COLUMN_FIELDS, HashEntry, HashList, ListAction
from netsafe.hashlists.repository import HashListRepository
from netsafe.matching.exact_index import ExactIndex
from netsafe.matching.pdq_index import PdqIndex
from netsafe.matching.signal_index import SignalIndex
from netsafe.signals import registry

FORMAT_VERSION = 1
#: Position in `HashEntry` of each signal with a column.
_HASH_FIELDS = {name: HashEntry._fields.index(name) for name in COLUMN_FIELDS}


@dataclass
class IndexChanges:
    """What one sync did."""

    lists_added: list[str] = field(default_factory=list)
    lists_updated: list[str] = field(default_factory=list)
    lists_removed: list[str] = field(default_factory=list)
    entries_added: int = 0
    entries_removed: int = 0

    @property
    def changed(self) -> bool:
        return bool(self.lists_added or self.lists_updated or self.lists_removed)

    def as_json(self) -> dict[str, object]:
        return asdict(self)


class ListIndex:
    """The index in memory: what `ListMatcher` searches, plus what it holds of each list."""

    def __init__(self) -> None:
        self.lists: dict[int, IndexedList] = {}
        self.exact = {signal: ExactIndex(signal) for signal in EXACT_SIGNALS}
        self.pdq = PdqIndex()
        self.catalog = EntryCatalog()
        #: The index of each registered signal without a column, by name.
        self.signals: dict[str, SignalIndex] = {
            signal.name: signal.index_class()() for signal in registry.extra_signals()
        }

    @classmethod
    def load(cls, folder: Path) -> ListIndex:
        """Read an index saved by `save`; an empty one when there is none or it is damaged."""
        index = cls()
        try:
            manifest = json.loads((folder / "lists.json").read_text(encoding="utf-8"))
            if manifest.get("format") != FORMAT_VERSION:
                return cls()
            if manifest.get("signals", []) != list(index.signals):
                return cls()  # built for other signals: rebuilt from the stored lists
            index.signals = {
                name: registry.get(name).index_class().load(folder / "signals" / name)
                for name in index.signals
            }
            index.exact = {s: ExactIndex.load(folder / s) for s in EXACT_SIGNALS}
            index.pdq = PdqIndex.load(folder / "pdq")
            index.catalog = EntryCatalog.load(folder)
            for item in manifest["lists"]:
                item["action"] = ListAction(item["action"])
                indexed = IndexedList(**item)
                index.lists[indexed.id] = indexed
        except (OSError, ValueError, KeyError, TypeError):
            return cls()
        return index

    def save(self, folder: Path) -> None:
        """Write the whole index to `folder`, replacing it in one rename."""
        staging = folder.with_name(folder.name + ".writing")
        shutil.rmtree(staging, ignore_errors=True)
        staging.mkdir(parents=True)
        for signal, exact in self.exact.items():
            exact.save(staging / signal)
        self.pdq.save(staging / "pdq")
        for name, held in self.signals.items():
            (staging / "signals").mkdir(exist_ok=True)
            held.save(staging / "signals" / name)
        self.catalog.save(staging)
        lists = [{**asdict(hl), "action": hl.action.value} for hl in self.lists.values()]
        manifest = {
            "format": FORMAT_VERSION,
            "signals": list(self.signals),
            "lists": lists,
            "crypto_patterns": self.crypto_patterns(),
        }
        (staging / "lists.json").write_text(json.dumps(manifest, indent=2), encoding="utf-8")
        old = folder.with_name(folder.name + ".old")
        shutil.rmtree(old, ignore_errors=True)
        if folder.exists():
            folder.rename(old)
        staging.rename(folder)
        shutil.rmtree(old, ignore_errors=True)

    def crypto_patterns(self) -> list[list[str]]:
        """Each distinct combination of cryptographic hashes the indexed entries carry (e.g.
        [["md5", "sha1"], ["sha256"]]): what `cheapest_cover` needs to choose which hashes a
        triage computes. Entries with PDQ only carry none and are left out."""
        ids = self.catalog.ids
        masks = np.zeros(len(ids), dtype=np.uint8)
        for bit, signal in enumerate(EXACT_SIGNALS):
            held = self.exact[signal].entry_ids()
            at = np.searchsorted(ids, held)
            known = at < len(ids)
            at = at[known][ids[at[known]] == held[known]]
            masks[at] |= np.uint8(1 << bit)
        return [
            [signal for bit, signal in enumerate(EXACT_SIGNALS) if int(mask) >> bit & 1]
            for mask in np.unique(masks).tolist()
            if mask
        ]

    def matcher(self) -> ListMatcher:
        return ListMatcher(self.lists, self.exact, self.pdq, self.catalog, self.signals)

    def remove(self, ids: list[int] | npt.NDArray[np.int64]) -> int:
        if not len(ids):
            return 0
        for exact in self.exact.values():
            exact.remove(ids)
        self.pdq.remove(ids)
        for held in self.signals.values():
            held.remove(ids)
        before = len(self.catalog)
        self.catalog.remove(ids)
        return before - len(self.catalog)

    def add(self, list_id: int, batch: list[tuple[int, HashEntry]]) -> None:
        for signal, position in _HASH_FIELDS.items():
            pairs = [(i, e[position]) for i, e in batch if e[position] is not None]
            if not pairs:
                continue
            ids = [i for i, _ in pairs]
            raw = b"".join(value for _, value in pairs)  # type: ignore[misc]
            rows = np.frombuffer(raw, dtype=np.uint8).reshape(len(pairs), -1)
            if signal == "pdq":
                self.pdq.add(ids, rows)
            else:
                self.exact[signal].add(ids, rows)
        others: dict[str, tuple[list[int], list[str]]] = {}
        with_values = [(i, e.signals) for i, e in batch if e.signals] if self.signals else []
        for entry_id, values_of_entry in with_values:
            for name, value in values_of_entry:
                if name in self.signals:  # values of signals no longer registered wait
                    ids_values = others.setdefault(name, ([], []))
                    ids_values[0].append(entry_id)
                    ids_values[1].append(value)
        for name, (ids, values) in others.items():
            self.signals[name].add(ids, values)
        self.catalog.add(list_id, [i for i, _ in batch], [e.category for _, e in batch])


@contextmanager
def _locked(folder: Path) -> Iterator[None]:
    folder.parent.mkdir(parents=True, exist_ok=True)
    with (folder.parent / f".{folder.name}.lock").open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)


def _indexed(hl: HashList, entries: int) -> IndexedList:
    settings = hl.settings
    return IndexedList(
        id=hl.id,
        name=hl.name,
        revision=hl.revision,
        action=settings.action,
        max_distance=settings.max_distance,
        quality_floor=settings.quality_floor,
        entries=entries,
        vpdq_max_distance=settings.vpdq_max_distance,
        vpdq_quality_floor=settings.vpdq_quality_floor,
        vpdq_query_match=settings.vpdq_query_match,
        vpdq_compared_match=settings.vpdq_compared_match,
    )


def apply_changes(index: ListIndex, repository: HashListRepository) -> IndexChanges:
    """Bring `index` up to date with `repository`, list by list, without a full rebuild."""
    changes = IndexChanges()
    stored = {hl.id: hl for hl in repository.all()}
    for list_id, held in list(index.lists.items()):
        current = stored.get(list_id)
        if current is None or current.revision < held.revision:  # deleted (or replaced)
            changes.entries_removed += index.remove(index.catalog.ids_of_list(list_id))
            del index.lists[list_id]
            if current is None:
                changes.lists_removed.append(held.name)
    for hl in stored.values():
        indexed = index.lists.get(hl.id)
        since = indexed.revision if indexed is not None else 0
        if since < hl.revision:
            if since:
                changes.entries_removed += index.remove(repository.removed_after(hl.id, since))
            for batch in repository.entries(hl.id, added_after=since):
                index.add(hl.id, batch)
                changes.entries_added += len(batch)
            (changes.lists_updated if indexed else changes.lists_added).append(hl.name)
        count = len(index.catalog.ids_of_list(hl.id))
        if indexed != _indexed(hl, count):
            index.lists[hl.id] = _indexed(hl, count)
            if since == hl.revision and hl.name not in changes.lists_updated:
                changes.lists_updated.append(hl.name)  # settings changed
    return changes


def sync_index(folder: Path, repository: HashListRepository) -> IndexChanges:
    """Update the index in `folder` from the stored lists; return what changed."""
    with _locked(folder):
        index = ListIndex.load(folder)
        changes = apply_changes(index, repository)
        if changes.changed or not folder.exists():
            index.save(folder)
    return changes


def crypto_patterns(folder: Path) -> list[list[str]]:
    """`ListIndex.crypto_patterns` of the index saved in `folder`, from its manifest (an index
    saved before the manifest held them is loaded to compute them)."""
    try:
        manifest = json.loads((folder / "lists.json").read_text(encoding="utf-8"))
        return [list(pattern) for pattern in manifest["crypto_patterns"]]
    except (OSError, ValueError, KeyError, TypeError):
        return ListIndex.load(folder).crypto_patterns()


def load_matcher(folder: Path, repository: HashListRepository) -> ListMatcher:
    """A `ListMatcher` over every stored list, after bringing the index in `folder` up to date.

    `folder` is usually NETSAFE_HOME/index; `repository` a `HashListRepository` (in netsafe.store:
    `SqlHashListRepository(session)`), only read from.
    """
    with _locked(folder):
        index = ListIndex.load(folder)
        changes = apply_changes(index, repository)
        if changes.changed or not folder.exists():
            index.save(folder)
    return index.matcher()
