"""Export a stored list to a file: VICS 2.0 (hash-set or case form), CSV or plain text."""

from __future__ import annotations

import enum
from collections.abc import Iterator
from pathlib import Path

from netsafe.hashlists.category_map import CategoryMap
from netsafe.hashlists.formats import csv, plain, vics
from netsafe.hashlists.model import HashEntry
from netsafe.hashlists.repository import HashListRepository


class ExportFormat(enum.StrEnum):
    """What `hashlist export` writes."""

    VICS = "vics"  # VICS 2.0, hash-set form (#Media)
    VICS_CASES = "vics-cases"  # VICS 2.0, case export form (#Cases)
    CSV = "csv"
    PLAIN = "plain"


class UnknownListError(LookupError):
    """No list has this name."""


def export_list(
    repository: HashListRepository,
    name: str,
    target: Path,
    export_format: ExportFormat,
    categories: CategoryMap,
) -> int:
    """Write list `name` to `target` (written beside it, then moved into place); return count."""
    found = repository.get(name)
    if found is None:
        raise UnknownListError(f"no hash list called {name!r}")
    list_id = found.id

    def entries() -> Iterator[HashEntry]:
        for batch in repository.entries(list_id):
            for _, entry in batch:
                yield entry

    staging = target.with_name(f".{target.name}.writing")
    try:
        with staging.open("w", encoding="utf-8", newline="") as handle:
            if export_format is ExportFormat.CSV:
                count = csv.write(handle, entries())
            elif export_format is ExportFormat.PLAIN:
                count = plain.write(handle, entries())
            else:
                cases = export_format is ExportFormat.VICS_CASES
                count = vics.write(handle, entries(), categories, cases=cases, case_name=name)
        staging.replace(target)
    finally:
        staging.unlink(missing_ok=True)
    return count
