"""Import a known-hash list, or delete one, and bring the matching index in step.

The rules of an import live here, not in the CLI: a recognised known-good set (NIST's NSRL in
VICS form) brings its own source, action and category reading; an NSRL list is an `ignore` list
unless told otherwise, any other new list an `alert` list; a new version keeps the settings and
the provenance of the old one where the request gives none. `netsafe hashlist import` parses its
options into an `ImportRequest`, calls `import_hashlist` and prints the `ImportOutcome`.

A failed import changes nothing (one transaction); what the user can put right is raised as
`ListImportError` with a message naming the file, the line or the list.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from contextlib import AbstractContextManager
from dataclasses import dataclass, field, replace
from datetime import date
from pathlib import Path

from sqlalchemy.exc import IntegrityError, OperationalError
from sqlalchemy.orm import Session

from netsafe.hashlists.category_map import CategoryMap
from netsafe.hashlists.errors import HashListFormatError
from netsafe.hashlists.formats import ListFormat
from netsafe.hashlists.importer import EmptyListError, ImportReport, import_list
from netsafe.hashlists.index_sync import sync_index
from netsafe.hashlists.known_good import KnownGoodSet
from netsafe.hashlists.known_good import recognise as recognise_known_good
from netsafe.hashlists.model import HashList, ListAction, ListSettings, Provenance
from netsafe.hashlists.reading import ListReading
from netsafe.store.repositories.hashlists import SqlHashListRepository
from netsafe.usecases.rematch_referrals import rematch_after_list_import

#: Opens the one transaction of a step (the CLI's `CommandContext.transaction`).
Transaction = Callable[[], AbstractContextManager[Session]]


class ListImportError(ValueError):
    """The request or the file is wrong, or another import got in the way: nothing imported."""


@dataclass(frozen=True, slots=True)
class ImportRequest:
    """One import: the file, the list's name, and what the user gave (None: not given)."""

    file: Path
    name: str
    list_format: ListFormat = ListFormat.AUTO
    #: None: the documented default mapping (or the known-good set's own reading).
    category_map: Path | None = None
    action: ListAction | None = None
    max_distance: int | None = None
    quality_floor: int | None = None
    provenance: Provenance = field(default_factory=Provenance)
    skip_invalid: bool = False
    #: The list's vPDQ thresholds (`ListSettings.vpdq_*`).
    vpdq_max_distance: int | None = None
    vpdq_quality_floor: int | None = None
    vpdq_query_match: float | None = None
    vpdq_compared_match: float | None = None

    def vpdq_thresholds(self) -> dict[str, int | float | None]:
        """The vPDQ thresholds as given, by `ListSettings` field."""
        return {
            "vpdq_max_distance": self.vpdq_max_distance,
            "vpdq_quality_floor": self.vpdq_quality_floor,
            "vpdq_query_match": self.vpdq_query_match,
            "vpdq_compared_match": self.vpdq_compared_match,
        }


@dataclass(frozen=True, slots=True)
class ImportOutcome:
    """What the import did, the known-good set it was recognised as, and the index's changes."""

    report: ImportReport
    known_good: KnownGoodSet | None
    index: dict[str, object]
    #: Imported referrals' files matched again against the lists (`import_referrals`).
    referrals_rematched: dict[str, object] = field(default_factory=dict)

    def as_json(self) -> dict[str, object]:
        return {
            **self.report.as_json(),
            "recognised_as": None if self.known_good is None else self.known_good.source,
            "index": self.index,
            "referrals_rematched": self.referrals_rematched,
        }


def load_categories(path: Path | None) -> CategoryMap:
    """The category mapping at `path`, else the documented default; ListImportError if bad."""
    try:
        return CategoryMap.load(path)
    except ValueError as error:
        raise ListImportError(str(error)) from error


def parse_released(text: str | None) -> date | None:
    """A release date given as YYYY-MM-DD (None when not given)."""
    try:
        return date.fromisoformat(text) if text else None
    except ValueError as error:
        raise ListImportError(f"--released: {error}") from error


def import_hashlist(
    request: ImportRequest,
    transaction: Transaction,
    index_folder: Path,
    *,
    on_batch: Callable[[int], None] | None = None,
) -> ImportOutcome:
    """Import `request.file` as list `request.name` in one transaction, then sync the index in
    `index_folder`. `on_batch(n)` hears of each stored batch of n entries."""
    categories = load_categories(request.category_map)
    if not request.file.is_file():
        raise ListImportError(f"{request.file}: no such file")
    action, given = request.action, request.provenance
    try:
        known_good = recognise_known_good(request.file, request.list_format)
        if known_good is not None:
            # the set's own category number reads as ignorable unless a given map says otherwise
            if request.category_map is None:
                categories = known_good.categories(categories)
            action = action or known_good.action
            given = Provenance(
                given.source or known_good.source,
                given.version,
                given.released,
                given.handling_note,
            )
        reading = ListReading(
            request.file, request.list_format, categories, skip_invalid=request.skip_invalid
        )
        with transaction() as session:
            repository = SqlHashListRepository(session)
            repository.lock_imports()  # before reading the list: a concurrent import waits
            previous = repository.get(request.name)
            settings = list_settings(
                previous,
                reading.list_format,
                action,
                request.max_distance,
                request.quality_floor,
                vpdq=request.vpdq_thresholds(),
            )
            report = import_list(
                repository,
                request.name,
                reading.batches(),
                list_format=reading.list_format.value,
                provenance=kept_provenance(previous, given),
                settings=settings,
                skipped=reading.skipped,
                on_batch=on_batch,
            )
    except (HashListFormatError, EmptyListError) as error:
        raise ListImportError(str(error)) from error
    except IntegrityError as error:
        message = (
            f"list {request.name!r} was created by another import at the same time: import again"
        )
        raise ListImportError(message) from error
    except OperationalError as error:
        if "locked" not in str(error).lower():
            raise
        message = (
            f"another import held the lists for too long; nothing imported into {request.name!r}"
        )
        raise ListImportError(message) from error
    index = sync_list_index(transaction, index_folder)
    rematched = rematch_after_list_import(transaction, index_folder).as_json()
    return ImportOutcome(report, known_good, index, rematched)


@dataclass(frozen=True, slots=True)
class Deleted:
    """The list deleted and the index's changes."""

    hash_list: HashList
    index: dict[str, object]


def delete_hashlist(name: str, transaction: Transaction, index_folder: Path) -> Deleted:
    """Delete list `name` and its entries, then take them out of the index."""
    with transaction() as session:
        repository = SqlHashListRepository(session)
        found = repository.get(name)
        if found is None:
            raise ListImportError(f"no hash list called {name!r}")
        repository.delete(found.id)
    return Deleted(found, sync_list_index(transaction, index_folder))


def sync_list_index(transaction: Transaction, index_folder: Path) -> dict[str, object]:
    """Bring the matching index in `index_folder` in step with the stored lists."""
    with transaction() as session:
        changes = sync_index(index_folder, SqlHashListRepository(session))
    return changes.as_json()


def list_settings(
    previous: HashList | None,
    list_format: ListFormat,
    action: ListAction | None,
    max_distance: int | None,
    quality_floor: int | None,
    *,
    vpdq: Mapping[str, int | float | None] | None = None,
) -> ListSettings:
    """What is given wins; else a new version keeps the old settings; else the defaults, where
    an NSRL list is an `ignore` list and any other an `alert` list. `vpdq`: the vPDQ
    thresholds by `ListSettings` field (None: not given)."""
    base = previous.settings if previous else ListSettings()
    if action is None:
        action = (
            base.action
            if previous
            else (ListAction.IGNORE if list_format is ListFormat.NSRL else ListAction.ALERT)
        )
    given = {"max_distance": max_distance, "quality_floor": quality_floor, **(vpdq or {})}
    changes = {name: value for name, value in given.items() if value is not None}
    return replace(base, action=action, **changes)  # type: ignore[arg-type]


def kept_provenance(previous: HashList | None, given: Provenance) -> Provenance:
    """What is given wins; otherwise a new version keeps the old provenance."""
    old = previous.provenance if previous else Provenance()
    return Provenance(
        given.source or old.source,
        given.version or old.version,
        given.released or old.released,
        given.handling_note or old.handling_note,
    )
