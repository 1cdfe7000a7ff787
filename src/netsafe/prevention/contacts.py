"""Contact records: one anonymous help-seeking contact with the charity's helpline.

A record keeps what the charity needs to help and to count — the date, channel, who is asking,
their concerns, a coarse area, how they heard of the helpline, the protective actions agreed and
how many follow-ups there were — and nothing that identifies anyone: there is no field for a name,
number or address, free text is checked for identifiers (`identifiers.py`), and a returning
person's code word is kept only as a keyed hash (`code_words.py`).

Records are for the charity's `helpline` role only (`may_read_records`); what leaves the charity
is aggregates (`aggregates.py`).
"""

from __future__ import annotations

import enum
from dataclasses import dataclass
from datetime import date
from typing import Protocol

from netsafe.platform.agencies import FORCE_SLUGS
from netsafe.platform.roles import Role, Viewer


class Channel(enum.StrEnum):
    """How the person reached the charity."""

    CALL = "call"
    CHAT = "chat"
    EMAIL = "email"
    SELF_HELP = "self-help"
    OTHER = "other"


class Who(enum.StrEnum):
    """Who is asking for help."""

    OWN_BEHAVIOUR = "own-behaviour"
    FAMILY_FRIEND = "family-friend"
    PROFESSIONAL = "professional"
    OTHER = "other"


class Concern(enum.StrEnum):
    """What the contact is about (a contact may have several)."""

    ONLINE_IMAGES = "online-images"
    ONLINE_CONTACT = "online-contact"
    OFFLINE = "offline"


class Area(enum.StrEnum):
    """A coarse area: one of the four force areas (their agency slugs), elsewhere, or unknown."""

    SOUTH_WALES = "south-wales"
    GWENT = "gwent"
    DYFED_POWYS = "dyfed-powys"
    NORTH_WALES = "north-wales"
    ELSEWHERE = "elsewhere"
    UNKNOWN = "unknown"


assert {a.value for a in Area} >= set(FORCE_SLUGS), "Area must name every force area"


class HeardVia(enum.StrEnum):
    """How the person heard of the helpline."""

    POLICE_OPERATION = "police-operation"
    DETERRENCE_MESSAGE = "deterrence-message"
    SEARCH_ENGINE = "search-engine"
    OTHER = "other"


#: Each coded value in words, for the charity's pages (the stored values and the CSV keep the
#: slugs). `words_for` falls back to the slug with spaces for a value not listed here.
CHOICE_WORDS: dict[str, str] = {
    "call": "Phone call",
    "chat": "Live chat",
    "email": "E-mail",
    "self-help": "Self-help",
    "other": "Other",
    "own-behaviour": "Worried about their own behaviour",
    "family-friend": "Family member or friend",
    "professional": "Professional",
    "online-images": "Online images",
    "online-contact": "Online contact with children",
    "offline": "Offline behaviour",
    "south-wales": "South Wales",
    "gwent": "Gwent",
    "dyfed-powys": "Dyfed-Powys",
    "north-wales": "North Wales",
    "elsewhere": "Elsewhere",
    "unknown": "Not known",
    "police-operation": "Police operation",
    "deterrence-message": "Deterrence message",
    "search-engine": "Search engine",
}


def words_for(value: str) -> str:
    """A coded value (`own-behaviour`) or a counter's slug (`help-page-view`) in words."""
    text = str(value)
    if text in CHOICE_WORDS:
        return CHOICE_WORDS[text]
    if text[:1].isalpha():
        spaced = text.replace("-", " ").replace("_", " ")
        return spaced[:1].upper() + spaced[1:]
    return text  # a month, a number: as it is


MAX_TEXT_LENGTH = 4000
MAX_FOLLOW_UPS = 1000


@dataclass(frozen=True, slots=True)
class ContactDraft:
    """A contact as entered, validated (`contact_fields.parse_contact`), not yet stored.

    `code_word_hash` is the keyed hash of the caller's code word, never the word itself."""

    contact_date: date
    channel: Channel
    who: Who
    concerns: frozenset[Concern]
    area: Area
    heard_via: HeardVia
    protective_actions: str = ""
    notes: str = ""
    follow_ups: int = 0
    code_word_hash: str | None = None


@dataclass(frozen=True, slots=True)
class Contact:
    """A stored contact record."""

    id: int
    contact_date: date
    channel: Channel
    who: Who
    concerns: frozenset[Concern]
    area: Area
    heard_via: HeardVia
    protective_actions: str
    notes: str
    follow_ups: int
    has_code_word: bool

    def as_json(self) -> dict[str, object]:
        """The record as the API and exports show it (the code-word hash never leaves)."""
        return {
            "id": self.id,
            "contact_date": self.contact_date.isoformat(),
            "channel": self.channel.value,
            "who": self.who.value,
            "concerns": sorted(c.value for c in self.concerns),
            "area": self.area.value,
            "heard_via": self.heard_via.value,
            "protective_actions": self.protective_actions,
            "notes": self.notes,
            "follow_ups": self.follow_ups,
            "has_code_word": self.has_code_word,
        }


@dataclass(frozen=True, slots=True)
class ContactFilter:
    """Which records a list shows: every given criterion must hold."""

    date_from: date | None = None
    date_to: date | None = None
    channel: Channel | None = None
    who: Who | None = None
    concern: Concern | None = None
    area: Area | None = None
    heard_via: HeardVia | None = None
    code_word_hash: str | None = None
    limit: int = 100
    offset: int = 0


class ContactRepository(Protocol):
    """Where contact records are kept."""

    def add(self, draft: ContactDraft) -> Contact: ...

    def get(self, contact_id: int) -> Contact | None: ...

    def list(self, criteria: ContactFilter) -> list[Contact]: ...

    def count(self, criteria: ContactFilter) -> int: ...

    def set_follow_ups(self, contact_id: int, follow_ups: int) -> Contact | None: ...


class RecordAccessError(PermissionError):
    """The viewer may not read or write prevention records (the charity wall)."""


def may_write_records(viewer: Viewer) -> bool:
    """Only the charity's helpline practitioners write contact records."""
    return viewer.role is Role.HELPLINE


def may_read_records(viewer: Viewer) -> bool:
    """Only the charity's helpline practitioners read individual records; the charity's analysts
    see aggregates, and no police role (nor admin) ever sees a record."""
    return viewer.role is Role.HELPLINE


def may_read_aggregates(viewer: Viewer) -> bool:
    """The charity's own aggregates (its dashboard) are for the charity roles."""
    return viewer.role in (Role.HELPLINE, Role.CHARITY_ANALYST)


def _require(allowed: bool, what: str) -> None:
    if not allowed:
        raise RecordAccessError(f"prevention records: {what} is for the charity's helpline only")


def record_contact(repository: ContactRepository, viewer: Viewer, draft: ContactDraft) -> Contact:
    """Store a validated contact for a helpline practitioner."""
    _require(may_write_records(viewer), "recording a contact")
    return repository.add(draft)


def read_contact(repository: ContactRepository, viewer: Viewer, contact_id: int) -> Contact | None:
    """One record, for a helpline practitioner; None when there is no such record."""
    _require(may_read_records(viewer), "reading a contact")
    return repository.get(contact_id)


def list_contacts(
    repository: ContactRepository, viewer: Viewer, criteria: ContactFilter
) -> tuple[list[Contact], int]:
    """The records matching `criteria` (a page of them) and how many match in all."""
    _require(may_read_records(viewer), "listing contacts")
    return repository.list(criteria), repository.count(criteria)


def record_follow_up(
    repository: ContactRepository, viewer: Viewer, contact_id: int
) -> Contact | None:
    """Count one more follow-up on a record; None when there is no such record."""
    _require(may_write_records(viewer), "recording a follow-up")
    contact = repository.get(contact_id)
    if contact is None:
        return None
    if contact.follow_ups >= MAX_FOLLOW_UPS:
        raise ValueError(f"follow_ups: at most {MAX_FOLLOW_UPS}")
    return repository.set_follow_ups(contact_id, contact.follow_ups + 1)
