"""The charity's own audit of record access: who read or wrote which contact, on which day.

Prevention records stay out of the platform audit log (police roles read it; an entry with a time
would date a help-seeking contact). They are audited here instead, behind the wall: each read,
list, write and follow-up by a helpline practitioner adds an entry with the day (no time of day,
no client address), the practitioner's user name, the action and the contact's id. Only the
helpline reads it.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass
from datetime import date
from typing import Protocol

from netsafe.platform.roles import Viewer
from netsafe.prevention.contacts import RecordAccessError, may_read_records


class AccessAction(enum.StrEnum):
    """What was done to prevention records."""

    CREATE = "contact.create"
    READ = "contact.read"
    LIST = "contact.list"
    FOLLOW_UP = "contact.follow-up"
    IMPORT = "contact.import"


@dataclass(frozen=True, slots=True)
class AccessEntry:
    """One audited access: the day, who, what, and the contact (None for lists and imports)."""

    day: date
    actor: str
    action: AccessAction
    contact_id: int | None = None

    def as_json(self) -> dict[str, object]:
        return {
            "day": self.day.isoformat(),
            "actor": self.actor,
            "action": self.action.value,
            "contact_id": self.contact_id,
        }


class AccessAuditRepository(Protocol):
    """Where the charity's access audit is kept (append-only)."""

    def add(self, entry: AccessEntry) -> None: ...

    def recent(self, limit: int) -> list[AccessEntry]: ...


def audit_access(
    repository: AccessAuditRepository,
    viewer: Viewer,
    action: AccessAction,
    today: date,
    contact_id: int | None = None,
) -> None:
    """Append one entry for `viewer` (in the caller's transaction)."""
    repository.add(AccessEntry(today, viewer.username, action, contact_id))


def read_access_audit(
    repository: AccessAuditRepository, viewer: Viewer, limit: int = 200
) -> list[AccessEntry]:
    """The newest entries, for the helpline only (the audit names contacts)."""
    if not may_read_records(viewer):
        raise RecordAccessError("prevention records: the access audit is for the helpline only")
    return repository.recent(limit)
