"""Turning entered fields (a JSON body, a CSV row, a form) into a validated `ContactDraft`.

One path for every adapter, so the API, the import and the entry page refuse the same things with
the same messages. Every problem names its field; all problems of one record are reported at once.
"""

from __future__ import annotations

import enum
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date
from typing import TypeVar

from netsafe.prevention.code_words import CodeWordHasher
from netsafe.prevention.contacts import (
    MAX_FOLLOW_UPS,
    MAX_TEXT_LENGTH,
    Area,
    Channel,
    Concern,
    ContactDraft,
    HeardVia,
    Who,
)
from netsafe.prevention.identifiers import check_free_text

#: The fields a contact is entered with, in the order of the CSV header.
CONTACT_FIELDS = (
    "contact_date",
    "channel",
    "who",
    "concerns",
    "area",
    "heard_via",
    "protective_actions",
    "notes",
    "follow_ups",
    "code_word",
)
REQUIRED_FIELDS = ("channel", "who", "concerns", "area", "heard_via")
#: Separator of several concerns in one CSV cell or form field.
CONCERN_SEPARATOR = ";"
EARLIEST_DATE = date(2000, 1, 1)

E = TypeVar("E", bound=enum.StrEnum)
T = TypeVar("T")


@dataclass(frozen=True, slots=True)
class FieldProblem:
    """One thing wrong with one field."""

    field: str
    message: str

    def __str__(self) -> str:
        return f"{self.field}: {self.message}"


class ContactFieldsError(ValueError):
    """The entered fields don't make a valid contact; `problems` names each field."""

    def __init__(self, problems: list[FieldProblem]) -> None:
        self.problems = problems
        super().__init__("; ".join(str(p) for p in problems))


def _text(value: object) -> str:
    return "" if value is None else str(value).strip()


def _choice(enum_type: type[E], value: object) -> E:
    text = _text(value)
    try:
        return enum_type(text)
    except ValueError:
        allowed = ", ".join(m.value for m in enum_type)
        raise ValueError(f"{text!r} is not one of: {allowed}") from None


def _concerns(value: object) -> frozenset[Concern]:
    items = value if isinstance(value, list | tuple) else _text(value).split(CONCERN_SEPARATOR)
    concerns = frozenset(_choice(Concern, item) for item in items if _text(item))
    if not concerns:
        raise ValueError(f"at least one of: {', '.join(c.value for c in Concern)}")
    return concerns


def _date(value: object, today: date) -> date:
    if isinstance(value, date):
        day = value
    elif not _text(value):
        return today
    else:
        try:
            day = date.fromisoformat(_text(value))
        except ValueError:
            raise ValueError(f"{_text(value)!r} is not a date (YYYY-MM-DD)") from None
    if day > today:
        raise ValueError(f"{day.isoformat()} is in the future")
    if day < EARLIEST_DATE:
        raise ValueError(f"{day.isoformat()} is before {EARLIEST_DATE.isoformat()}")
    return day


def _follow_ups(value: object) -> int:
    if isinstance(value, bool):
        raise ValueError("not a whole number")
    if isinstance(value, int):
        number = value
    elif not _text(value):
        return 0
    else:
        try:
            number = int(_text(value))
        except ValueError:
            raise ValueError(f"{_text(value)!r} is not a whole number") from None
    if not 0 <= number <= MAX_FOLLOW_UPS:
        raise ValueError(f"between 0 and {MAX_FOLLOW_UPS}")
    return number


def _free_text(name: str) -> Callable[[object], str]:
    def parse(value: object) -> str:
        text = _text(value)
        if len(text) > MAX_TEXT_LENGTH:
            raise ValueError(f"at most {MAX_TEXT_LENGTH} characters")
        return check_free_text(name, text)

    return parse


class _Collector:
    """Parses fields one by one, keeping every problem instead of stopping at the first."""

    def __init__(self, fields: Mapping[str, object]) -> None:
        self.fields = fields
        self.problems: list[FieldProblem] = []

    def take(self, name: str, parse: Callable[[object], T], default: T) -> T:
        value = self.fields.get(name)
        if name in REQUIRED_FIELDS and not value:
            self.problems.append(FieldProblem(name, "required"))
            return default
        try:
            return parse(value)
        except ValueError as error:  # CodeWordError and IdentifyingTextError included
            self.problems.append(FieldProblem(name, str(error).removeprefix(f"{name}: ")))
            return default


def parse_contact(
    fields: Mapping[str, object], *, hasher: CodeWordHasher, today: date
) -> ContactDraft:
    """A validated draft from entered `fields`, or `ContactFieldsError` naming every bad field.

    Unknown fields are refused (so a `name` or `phone` column can't be slipped in); the code word,
    when given, is hashed with `hasher` and never kept."""
    collector = _Collector(fields)
    collector.problems += [
        FieldProblem(name, "not a contact field (records keep no identifying details)")
        for name in sorted(set(fields) - set(CONTACT_FIELDS))
    ]
    draft = ContactDraft(
        contact_date=collector.take("contact_date", lambda v: _date(v, today), today),
        channel=collector.take("channel", lambda v: _choice(Channel, v), Channel.OTHER),
        who=collector.take("who", lambda v: _choice(Who, v), Who.OTHER),
        concerns=collector.take("concerns", _concerns, frozenset()),
        area=collector.take("area", lambda v: _choice(Area, v), Area.UNKNOWN),
        heard_via=collector.take("heard_via", lambda v: _choice(HeardVia, v), HeardVia.OTHER),
        protective_actions=collector.take(
            "protective_actions", _free_text("protective_actions"), ""
        ),
        notes=collector.take("notes", _free_text("notes"), ""),
        follow_ups=collector.take("follow_ups", _follow_ups, 0),
        code_word_hash=collector.take(
            "code_word", lambda v: hasher.hash(_text(v)) if _text(v) else None, None
        ),
    )
    if collector.problems:
        raise ContactFieldsError(collector.problems)
    return draft
