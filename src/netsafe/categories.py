"""Categories of known images and files (see docs/ARCHITECTURE.md, Categories).

UK sentencing categories A, B and C for indecent images; `non-indecent` (pertinent, not indecent);
`ignorable` (known files such as NSRL, excluded from review counts); `ungraded`.
"""

from __future__ import annotations

import enum


class Category(enum.StrEnum):
    """The category of a known-hash list entry, and so of a match."""

    A = "A"
    B = "B"
    C = "C"
    NON_INDECENT = "non-indecent"
    IGNORABLE = "ignorable"
    UNGRADED = "ungraded"

    @property
    def indecent(self) -> bool:
        """True for the sentencing categories A, B and C."""
        return self in (Category.A, Category.B, Category.C)


#: The order reports and tables list categories in: most serious first.
REPORT_ORDER: tuple[Category, ...] = tuple(Category)
