"""The list model: a named list with provenance, action and thresholds, and its entries.

An entry is a `HashEntry` (a named tuple, so millions of them stream cheaply from a reader to
storage): any of md5/sha1/sha256/pdq as raw bytes (the column signals), a category, optional
metadata, and the values of any other registered signal (`signals`: (name, value) pairs, sorted
by name, each value its signal's canonical text).
"""

from __future__ import annotations

import enum
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import NamedTuple

from netsafe.categories import Category

#: PDQ distance at or under which a list entry matches, unless the list says otherwise.
DEFAULT_MAX_DISTANCE = 31
#: PDQ quality (0-100) under which a file's PDQ hash is not matched, unless the list says otherwise.
DEFAULT_QUALITY_FLOOR = 50
#: vPDQ thresholds unless the list says otherwise: Meta's (python-threatexchange's vPDQ matcher;
#: netsafe.video.vpdq_match.VpdqThresholds has the same defaults, and a test keeps them so):
#: a frame matches within this PDQ distance, frames under this quality are left out, and a video
#: matches when these shares (0-1) of the query's and of the listed video's frames matched.
DEFAULT_VPDQ_MAX_DISTANCE = 31
DEFAULT_VPDQ_QUALITY_FLOOR = 50
DEFAULT_VPDQ_QUERY_MATCH = 0.8
DEFAULT_VPDQ_COMPARED_MATCH = 0.0


class ListAction(enum.StrEnum):
    """What a match against a list means."""

    ALERT = "alert"  # known images: report the match
    IGNORE = "ignore"  # known-good files (NSRL): the file is excluded from review


#: Values of signals without a column: (signal name, canonical value) pairs sorted by name.
SignalValues = tuple[tuple[str, str], ...]


class HashEntry(NamedTuple):
    """One entry of a list. Hashes are raw bytes (md5 16, sha1 20, sha256 32, pdq 32); other
    signals' values are in `signals`."""

    md5: bytes | None = None
    sha1: bytes | None = None
    sha256: bytes | None = None
    pdq: bytes | None = None
    category: str = Category.UNGRADED.value
    media_size: int | None = None
    series: str | None = None
    victim_identified: bool | None = None
    comments: str | None = None
    source_id: str | None = None
    signals: SignalValues = ()

    def has_hash(self) -> bool:
        """True when the entry carries at least one hash."""
        return bool(self.signals) or any(
            h is not None for h in (self.md5, self.sha1, self.sha256, self.pdq)
        )

    def values(self) -> dict[str, str]:
        """Every signal value of the entry by signal name (hex for the column signals)."""
        found = {
            name: raw.hex()
            for name, raw in zip(COLUMN_FIELDS, self[:4], strict=True)
            if raw is not None
        }
        found.update(self.signals)
        return found


#: An entry as a plain tuple in `HashEntry` field order: how batches travel between processes
#: and into bulk inserts (a `HashEntry` is one too).
EntryRow = tuple[
    bytes | None,
    bytes | None,
    bytes | None,
    bytes | None,
    str,
    int | None,
    str | None,
    bool | None,
    str | None,
    str | None,
    SignalValues,
]

#: The entry fields that are signals with their own column, in field order.
COLUMN_FIELDS: tuple[str, ...] = ("md5", "sha1", "sha256", "pdq")
#: Column order of `HashEntry`'s stored columns (all but `signals`), for bulk inserts.
ENTRY_FIELDS: tuple[str, ...] = HashEntry._fields[:-1]


@dataclass(frozen=True, slots=True)
class Provenance:
    """Where a list comes from: source, version, release date and a handling note."""

    source: str | None = None
    version: str | None = None
    released: date | None = None
    handling_note: str | None = None


@dataclass(frozen=True, slots=True)
class ListSettings:
    """How a list is used in matching."""

    action: ListAction = ListAction.ALERT
    max_distance: int = DEFAULT_MAX_DISTANCE
    quality_floor: int = DEFAULT_QUALITY_FLOOR
    #: vPDQ: per-frame PDQ distance and quality floor, then the least shares of the query's
    #: frames and of the listed video's frames matched.
    vpdq_max_distance: int = DEFAULT_VPDQ_MAX_DISTANCE
    vpdq_quality_floor: int = DEFAULT_VPDQ_QUALITY_FLOOR
    vpdq_query_match: float = DEFAULT_VPDQ_QUERY_MATCH
    vpdq_compared_match: float = DEFAULT_VPDQ_COMPARED_MATCH

    def __post_init__(self) -> None:
        for name, low, high in _SETTING_RANGES:
            value = getattr(self, name)
            if not low <= value <= high:
                raise ValueError(f"list setting {name} must be within {low}..{high}, got {value}")

    def vpdq_json(self) -> dict[str, float]:
        """The vPDQ thresholds as lists and matches report them."""
        return {
            "max_distance": self.vpdq_max_distance,
            "quality_floor": self.vpdq_quality_floor,
            "query_match": self.vpdq_query_match,
            "compared_match": self.vpdq_compared_match,
        }


#: Each numeric list setting's range (distances in bits, qualities 0-100, shares 0-1).
_SETTING_RANGES: tuple[tuple[str, float, float], ...] = (
    ("max_distance", 0, 256),
    ("quality_floor", 0, 100),
    ("vpdq_max_distance", 0, 256),
    ("vpdq_quality_floor", 0, 100),
    ("vpdq_query_match", 0.0, 1.0),
    ("vpdq_compared_match", 0.0, 1.0),
)


@dataclass(frozen=True, slots=True)
class HashList:
    """A stored list. `revision` grows by one with every import (new version) of the list."""

    id: int
    name: str
    provenance: Provenance
    settings: ListSettings
    format: str
    entry_count: int
    revision: int
    imported_at: datetime
    category_counts: dict[str, int] = field(default_factory=dict)

    def as_json(self) -> dict[str, object]:
        """The list as plain JSON-able data (CLI `--json`, web API)."""
        return {
            "name": self.name,
            "source": self.provenance.source,
            "version": self.provenance.version,
            "released": self.provenance.released.isoformat() if self.provenance.released else None,
            "handling_note": self.provenance.handling_note,
            "action": self.settings.action.value,
            "max_distance": self.settings.max_distance,
            "quality_floor": self.settings.quality_floor,
            "vpdq": self.settings.vpdq_json(),
            "format": self.format,
            "entries": self.entry_count,
            "revision": self.revision,
            "imported_at": self.imported_at.isoformat(),
            "categories": dict(self.category_counts),
        }
