"""What deconfliction tells people: a notice that another force holds a referral sharing an
identifier, a link for the operation lead, the answer to "who carries this value?".

A notice names the other force, the other referral's reference and the kind of identifier
shared, never the identifier's value nor anything else of the other case. About a restricted
case it says only that another force holds a restricted referral sharing that kind, and to ask
the operation lead: the reference of a restricted case is for its named users. Pure values, no
I/O.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from netsafe.intake.identifier_keys import KIND_WORDS
from netsafe.platform.agencies import OPERATION_AGENCIES

_NAMES = {a.slug: a.name for a in OPERATION_AGENCIES}


def force_words(force: str) -> str:
    """A force's name in words (`gwent` → "Gwent Police")."""
    return _NAMES.get(force, force)


@dataclass(frozen=True, slots=True)
class Notice:
    """Referral `referral_id` (of `force`) shares a `kind` of identifier with a referral of
    `other_force`; `other_reference` is None when that referral is restricted and the viewer
    is not named on it."""

    referral_id: int
    reference: str
    force: str
    kind: str
    other_force: str
    other_reference: str | None
    found_at: datetime

    @property
    def text(self) -> str:
        kind = KIND_WORDS.get(self.kind, self.kind)
        other = force_words(self.other_force)
        if self.other_reference is None:
            return (
                f"{other} holds a restricted referral sharing a {kind} with {self.reference}: "
                "ask the operation lead."
            )
        return f"{other} holds referral {self.other_reference} sharing a {kind}."

    def as_json(self) -> dict[str, Any]:
        return {
            "referral_id": self.referral_id,
            "reference": self.reference,
            "force": self.force,
            "kind": self.kind,
            "other_force": self.other_force,
            "other_reference": self.other_reference,
            "restricted": self.other_reference is None,
            "found_at": self.found_at.isoformat(),
            "text": self.text,
        }


@dataclass(frozen=True, slots=True)
class Link:
    """Two referrals sharing an identifier, as the operation lead sees it (one row a pair)."""

    referral_id: int
    reference: str
    force: str
    other_referral_id: int
    other_reference: str
    other_force: str
    kind: str
    found_at: datetime

    @property
    def across_forces(self) -> bool:
        return self.force != self.other_force

    def as_json(self) -> dict[str, Any]:
        return {
            "referral_id": self.referral_id,
            "reference": self.reference,
            "force": self.force,
            "other_referral_id": self.other_referral_id,
            "other_reference": self.other_reference,
            "other_force": self.other_force,
            "kind": self.kind,
            "across_forces": self.across_forces,
            "found_at": self.found_at.isoformat(),
        }


@dataclass(frozen=True, slots=True)
class Carrier:
    """A referral the caller may see that carries a looked-up value, and as what kind."""

    referral_id: int
    reference: str
    force: str
    kind: str

    def as_json(self) -> dict[str, Any]:
        return {
            "referral_id": self.referral_id,
            "reference": self.reference,
            "force": self.force,
            "kind": self.kind,
        }


@dataclass(frozen=True, slots=True)
class IdentifierLookup:
    """Who carries a value: the referrals the caller may see, and how many it may not."""

    value: str
    visible: tuple[Carrier, ...]
    not_visible: int

    def as_json(self) -> dict[str, Any]:
        return {
            "value": self.value,
            "referrals": [c.as_json() for c in self.visible],
            "not_visible": self.not_visible,
        }
