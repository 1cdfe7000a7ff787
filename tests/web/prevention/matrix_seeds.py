"""The authorisation matrix's seed for prevention paths: a contact record (`contact_id`)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

from sqlalchemy.orm import Session

from netsafe.prevention.contacts import Area, Channel, Concern, ContactDraft, HeardVia, Who
from netsafe.store.repositories.prevention import SqlContactRepository


def seed_contact(session: Session, _force: str) -> str:
    """A contact record (records belong to the charity, whatever the force asked for)."""
    contact = SqlContactRepository(session).add(
        ContactDraft(
            contact_date=date(2026, 3, 1),
            channel=Channel.CALL,
            who=Who.OWN_BEHAVIOUR,
            concerns=frozenset({Concern.ONLINE_IMAGES}),
            area=Area.GWENT,
            heard_via=HeardVia.POLICE_OPERATION,
            protective_actions="matrix seed",
        )
    )
    return str(contact.id)


PREVENTION_SEEDS: dict[str, Callable[[Session, str], str]] = {"contact_id": seed_contact}
