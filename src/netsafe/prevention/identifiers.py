"""Identifier checks for free text: phone numbers, e-mail addresses and UK postcodes are refused.

Prevention records keep no identity. The schema has no place for a name, number or address, and
the free-text fields (notes, protective actions) are checked here before anything is stored. A
finding names the field, the kind of identifier and where it is — never the value itself, so an
error message can't leak what it refused.
"""

from __future__ import annotations

import enum
import re
import unicodedata
from dataclasses import dataclass


class IdentifierKind(enum.StrEnum):
    """What kind of identifier a piece of free text looks like it contains."""

    PHONE_NUMBER = "phone number"
    EMAIL_ADDRESS = "e-mail address"
    POSTCODE = "UK postcode"


@dataclass(frozen=True, slots=True)
class IdentifierFound:
    """An identifier found in free text: its kind and its character span (start, end)."""

    kind: IdentifierKind
    start: int
    end: int


class IdentifyingTextError(ValueError):
    """A free-text field contains what looks like an identifier; the message names the field."""

    def __init__(self, field: str, found: list[IdentifierFound]) -> None:
        self.field = field
        self.found = found
        kinds = sorted({f.kind.value for f in found})
        where = ", ".join(f"characters {f.start + 1}–{f.end}" for f in found)
        super().__init__(
            f"{field}: looks like it contains {' and '.join(kinds)} ({where}); prevention "
            "records keep no names, phone numbers, e-mail or postal addresses — remove it"
        )


# A run of digits with the separators people write numbers with, optionally led by + or (.
_NUMBER_RUN = re.compile(r"(?<![\w+])(?:\+|\(\+?)?\d[\d \t().\-]*\d")
_EMAIL = re.compile(
    r"[\w.+%-]+\s*(?:@|\[at\]|\(at\)|\{at\})\s*[\w-]+(?:\s*(?:\.|\[dot\]|\(dot\))\s*[\w-]+)+"
    r"|\b[\w.+-]+\s+at\s+[\w-]+(?:\s+dot\s+[\w-]+)+\b",  # "name at example dot org"
    re.IGNORECASE,
)
_POSTCODE = re.compile(
    r"\b(?:GIR\s?0AA|[A-PR-UWYZ][A-HK-Y]?\d[A-Z\d]?\s?\d[ABD-HJLNP-UW-Z]{2})\b", re.IGNORECASE
)


# Dates and times are written with digits too: masked before numbers are looked at.
_DATE_OR_TIME = re.compile(
    r"\b(?:\d{4}-\d{1,2}-\d{1,2}|\d{1,2}[./-]\d{1,2}[./-](?:\d{4}|\d{2})|\d{1,2}:\d{2}(?::\d{2})?)\b"
)


def _mask_dates_and_times(text: str) -> str:
    return _DATE_OR_TIME.sub(lambda m: "#" * len(m.group()), text)


def _looks_like_phone(run: str) -> bool:
    digits = re.sub(r"\D", "", run)
    compact = run.lstrip("(")
    if compact.startswith("+"):
        return 7 <= len(digits) <= 15  # E.164: country code + number, up to 15 digits
    if digits.startswith("00"):
        return 9 <= len(digits) <= 17  # international prefix 00 + up to 15 digits
    if digits.startswith("0"):
        return 10 <= len(digits) <= 11  # UK national format: 0 + 9 or 10 digits
    return len(digits) >= 10  # a long bare number: a phone number without its prefix


def find_identifiers(text: str) -> list[IdentifierFound]:
    """Every phone number, e-mail address and UK postcode `text` looks like it contains."""
    text = unicodedata.normalize("NFKC", text)
    found: list[IdentifierFound] = []
    emails = [m.span() for m in _EMAIL.finditer(text)]
    found += [IdentifierFound(IdentifierKind.EMAIL_ADDRESS, s, e) for s, e in emails]
    for match in _NUMBER_RUN.finditer(_mask_dates_and_times(text)):
        inside_email = any(s <= match.start() < e for s, e in emails)
        if not inside_email and _looks_like_phone(match.group()):
            found.append(IdentifierFound(IdentifierKind.PHONE_NUMBER, *match.span()))
    for match in _POSTCODE.finditer(text):
        if not any(s <= match.start() < e for s, e in emails):
            found.append(IdentifierFound(IdentifierKind.POSTCODE, *match.span()))
    return sorted(found, key=lambda f: f.start)


def check_free_text(field: str, text: str) -> str:
    """Return `text` unchanged, or raise `IdentifyingTextError` naming `field` if it has an
    identifier in it."""
    found = find_identifiers(text)
    if found:
        raise IdentifyingTextError(field, found)
    return text
