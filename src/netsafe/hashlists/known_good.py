"""Known-good sets recognised by their provenance, not by a flag the examiner must remember.

NIST publishes NSRL sets in VICS form: one JSON file per media type (images, videos, ...), every
entry `Category: 8`, the set naming NIST's National Software Reference Library in its provenance
fields (the OData context, a source or comment field of the set or its entries). Read with the
default category map such a file failed ("unknown category 8"), and with a map it became an
`alert` list. `recognise(path)` tells such a set from its first 64 KB; the import then maps its
category 8 to `ignorable`, makes the list an `ignore` list (known-good: matching files are left
out of review) and records where it came from, unless the examiner says otherwise.
"""

from __future__ import annotations

import dataclasses
import re
from dataclasses import dataclass
from pathlib import Path

from netsafe.categories import Category
from netsafe.hashlists.category_map import CategoryMap
from netsafe.hashlists.formats import ListFormat, detect_format
from netsafe.hashlists.model import ListAction

#: The category number NIST's VICS sets give every entry.
NSRL_VICS_CATEGORY = 8
HEAD_BYTES = 65536
_NSRL = re.compile(rb"\bNSRL\b|National Software Reference Library", re.IGNORECASE)
_CATEGORY = re.compile(rb'"Category"\s*:\s*"?(\d+)"?')


@dataclass(frozen=True)
class KnownGoodSet:
    """A recognised known-good set: how it is described and imported by default."""

    source: str
    action: ListAction = ListAction.IGNORE
    category_number: int = NSRL_VICS_CATEGORY

    def categories(self, base: CategoryMap) -> CategoryMap:
        """`base` with the set's category number read as `ignorable` (a number the map
        already gives a meaning keeps it)."""
        if self.category_number in base.numeric:
            return base
        numeric = {**base.numeric, self.category_number: Category.IGNORABLE}
        return dataclasses.replace(base, numeric=numeric, names=dict(base.names))


def recognise(path: Path, list_format: ListFormat = ListFormat.AUTO) -> KnownGoodSet | None:
    """The known-good set `path` is (NIST's NSRL in VICS form), or None."""
    if list_format is ListFormat.AUTO:
        list_format = detect_format(path)
    if list_format is not ListFormat.VICS:
        return None
    try:
        with path.open("rb") as handle:
            head = handle.read(HEAD_BYTES)
    except OSError:
        return None
    return recognise_head(head)


def recognise_head(head: bytes) -> KnownGoodSet | None:
    """The known-good set a VICS file starting with `head` is, or None: it names the NSRL in
    its provenance and every entry in `head` is category 8."""
    if _NSRL.search(head) is None:
        return None
    numbers = {int(found) for found in _CATEGORY.findall(head)}
    if numbers != {NSRL_VICS_CATEGORY}:
        return None
    return KnownGoodSet(source="NIST NSRL (VICS)")
