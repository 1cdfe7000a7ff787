"""Referrals: what comes into the operation (national referrals with file hashes, hash-lookup
hits, reports from the public, partners), with incident details after the CyberTipline report
fields, a status and a response deadline. `create_referral` is the one way a referral is made.
"""

from __future__ import annotations

import enum
import ipaddress
import re
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, timedelta
from typing import Protocol

from netsafe.operation.dates import check_seen_time, utc
from netsafe.platform.access import (
    OperationInputError,
    RecordNotFoundError,
    Scope,
    require_area,
    scope_for,
)
from netsafe.platform.roles import Viewer

#: Until risk-assessed, a referral is due for assessment this many days after it was received.
ASSESS_WITHIN_DAYS = 2
SUMMARY_MAX = 4000


class ReferralSource(enum.StrEnum):
    """Where a referral came from."""

    NATIONAL_REFERRAL = "national-referral"
    HASH_LOOKUP = "hash-lookup"
    PUBLIC_REPORT = "public-report"
    PARTNER = "partner"
    OTHER = "other"


class ReferralStatus(enum.StrEnum):
    """Where a referral is: received, risk-assessed, actioned (first police action), closed."""

    NEW = "new"
    ASSESSED = "assessed"
    ACTIONED = "actioned"
    CLOSED = "closed"


class IdentifierKind(enum.StrEnum):
    """Kinds of reported identifier (CyberTipline: the reported person's account, IP, device)."""

    ACCOUNT = "account"
    EMAIL = "email"
    IP_ADDRESS = "ip-address"
    DEVICE = "device"
    PHONE = "phone"
    URL = "url"


_HEX = {"md5": 32, "sha1": 40, "sha256": 64}


@dataclass(frozen=True, slots=True)
class ReportedIdentifier:
    """An identifier of the reported person: an account, e-mail, IP address, device, phone, URL.
    `seen_at`: for an IP address, when it was seen in use (optional; an address without a time
    is weak evidence, and only one with a time is linked to other cases)."""

    kind: IdentifierKind
    value: str
    seen_at: datetime | None = None


@dataclass(frozen=True, slots=True)
class FileMatch:
    """A list entry a reported file's hash matched."""

    list_name: str
    category: str
    signal: str
    distance: int

    def as_json(self) -> dict[str, object]:
        return {
            "list": self.list_name,
            "category": self.category,
            "signal": self.signal,
            "distance": self.distance,
        }


def match_categories(matches: tuple[FileMatch, ...]) -> tuple[str, ...]:
    """The categories of a file's list matches, each once, in order: what a reported file
    (typed in or imported) shows as known."""
    return tuple(sorted({m.category for m in matches}))


@dataclass(frozen=True, slots=True)
class ReportedFile:
    """A file named in the referral: its name and hashes (never its content), and what the
    hash lists said of them when last asked (`matched_at`; None: not asked yet). Whether the
    file came from an imported report or was typed in by hand, its hashes are matched by the
    same rule (`netsafe.hashlists.reported_files`). Two files are equal when their names and
    hashes are: what the lists said, and when, is not what the file is."""

    file_name: str
    md5: str | None = None
    sha1: str | None = None
    sha256: str | None = None
    matched_at: datetime | None = field(default=None, compare=False)
    matches: tuple[FileMatch, ...] = field(default=(), compare=False)

    @property
    def known(self) -> bool:
        """Whether an alert list knows one of its hashes."""
        return bool(self.matches)

    @property
    def categories(self) -> tuple[str, ...]:
        return match_categories(self.matches)


@dataclass(frozen=True, slots=True)
class IncidentDetails:
    """The incident, after the CyberTipline report fields."""

    incident_type: str | None = None
    incident_at: datetime | None = None
    identifiers: tuple[ReportedIdentifier, ...] = ()
    files: tuple[ReportedFile, ...] = ()


@dataclass(frozen=True, slots=True)
class NewReferral:
    """What a caller gives to create a referral."""

    source: ReferralSource | str
    force: str
    received_at: datetime
    summary: str
    incident: IncidentDetails = field(default_factory=IncidentDetails)
    restricted_to: tuple[str, ...] = ()


def referral_reference(referral_id: int, received_at: datetime) -> str:
    """A referral's human reference: `NS-<year received>-<id, six digits>`."""
    return f"NS-{received_at.year}-{referral_id:06d}"


@dataclass(frozen=True, slots=True)
class Referral:
    """A referral as stored. `deadline_at` is when a response is due; `responded_at` when the
    first police action (a warrant executed, an arrest, an outcome) happened."""

    id: int
    source: ReferralSource
    force: str
    received_at: datetime
    summary: str
    status: ReferralStatus
    deadline_at: datetime
    incident: IncidentDetails = field(default_factory=IncidentDetails)
    restricted_to: tuple[str, ...] = ()
    risk_band: str | None = None
    responded_at: datetime | None = None
    created_by: str | None = None
    created_at: datetime | None = None
    withdrawn_at: datetime | None = None

    @property
    def reference(self) -> str:
        """The human reference, e.g. `NS-2026-000042`."""
        return referral_reference(self.id, self.received_at)

    def breached(self, now: datetime) -> bool:
        """Whether the response came (or, still awaited, will come) after the deadline."""
        return (self.responded_at or now) > self.deadline_at


@dataclass(frozen=True, slots=True)
class QueueSummary:
    """Counts for the dashboard: open referrals, awaiting response, breaches, due soon, by band."""

    open: int
    awaiting_response: int
    breached: int
    breached_open: int
    due_within_24h: int
    by_band: dict[str, int]
    by_force: dict[str, int]


class ReferralRepository(Protocol):
    """Where referrals are kept."""

    def add(self, referral: Referral) -> Referral:
        """Store a new referral (its `id` is ignored) and return it with its id."""
        ...

    def get(self, referral_id: int) -> Referral | None: ...

    def update(self, referral: Referral) -> None:
        """Write source, receipt, status, band, deadline, response time, restriction, summary
        and withdrawal."""
        ...

    def update_incident(self, referral: Referral) -> None:
        """Replace the stored incident details (type, time, identifiers, files); the files'
        hashes are matched against the lists as they are written, when the lists are there."""
        ...

    def queue(
        self, scope: Scope, *, awaiting_only: bool, limit: int, offset: int
    ) -> list[Referral]:
        """Visible referrals not closed, by deadline (earliest first); awaiting response only
        when asked."""
        ...

    def summary(self, scope: Scope, now: datetime) -> QueueSummary: ...


def _check_identifier(
    index: int, identifier: ReportedIdentifier, now: datetime | None
) -> ReportedIdentifier:
    name = f"incident.identifiers[{index}]"
    if not identifier.value.strip():
        raise OperationInputError(name, "empty value")
    if identifier.kind is IdentifierKind.IP_ADDRESS:
        try:
            ipaddress.ip_address(identifier.value)
        except ValueError:
            raise OperationInputError(name, f"not an IP address: {identifier.value!r}") from None
    if identifier.seen_at is None:
        return identifier
    if identifier.kind is not IdentifierKind.IP_ADDRESS:
        raise OperationInputError(f"{name}.seen_at", "only an IP address takes a time seen")
    return replace(
        identifier, seen_at=check_seen_time(identifier.seen_at, f"{name}.seen_at", now=now)
    )


def _check_incident(incident: IncidentDetails, now: datetime | None = None) -> IncidentDetails:
    identifiers = tuple(
        _check_identifier(index, identifier, now)
        for index, identifier in enumerate(incident.identifiers)
    )
    files = []
    for index, reported in enumerate(incident.files):
        hashes = {}
        for algorithm, length in _HEX.items():
            value = getattr(reported, algorithm)
            if value is not None:
                value = value.strip().lower()
                if not re.fullmatch(f"[0-9a-f]{{{length}}}", value):
                    raise OperationInputError(
                        f"incident.files[{index}].{algorithm}", f"not {length} hex digits"
                    )
            hashes[algorithm] = value
        if not reported.file_name.strip() and not any(hashes.values()):
            raise OperationInputError(f"incident.files[{index}]", "give a file name or a hash")
        files.append(replace(reported, **hashes))
    incident_at = None if incident.incident_at is None else utc(incident.incident_at, "incident_at")
    return replace(incident, identifiers=identifiers, files=tuple(files), incident_at=incident_at)


def create_referral(
    referrals: ReferralRepository,
    new: NewReferral,
    *,
    by: Viewer | None,
    now: datetime | None = None,
) -> Referral:
    """Validate and store a referral. `by` is the user creating it (None: an anonymous public
    report, which must have source `public-report`). Police users create referrals for force
    areas they can see; charity roles cannot create police records."""
    return referrals.add(validated_referral(new, by=by, now=now))


def validated_referral(
    new: NewReferral, *, by: Viewer | None, now: datetime | None = None
) -> Referral:
    """The referral `create_referral` would store (id 0, not stored), checked by the same
    rules; for writers that store many at once (the CyberTipline import)."""
    try:
        source = ReferralSource(new.source)
    except ValueError:
        choices = ", ".join(s.value for s in ReferralSource)
        raise OperationInputError(
            "source", f"unknown source {new.source!r}; one of {choices}"
        ) from None
    force = require_area(new.force)
    summary = new.summary.strip()
    if not summary:
        raise OperationInputError("summary", "required")
    if len(summary) > SUMMARY_MAX:
        raise OperationInputError("summary", f"longer than {SUMMARY_MAX} characters")
    received_at = utc(new.received_at, "received_at")
    now = now or datetime.now(UTC)
    if received_at > now + timedelta(minutes=5):
        raise OperationInputError("received_at", "in the future")
    if by is None:
        if source is not ReferralSource.PUBLIC_REPORT:
            raise OperationInputError("source", "anonymous referrals are public reports only")
    elif not scope_for(by).allows(force, ()):
        raise OperationInputError("force", f"you may not create referrals for {force}")
    restricted = tuple(sorted({name.strip() for name in new.restricted_to if name.strip()}))
    if restricted and by is not None and by.username not in restricted:
        restricted = tuple(sorted({*restricted, by.username}))
    return Referral(
        id=0,
        source=source,
        force=force,
        received_at=received_at,
        summary=summary,
        status=ReferralStatus.NEW,
        deadline_at=received_at + timedelta(days=ASSESS_WITHIN_DAYS),
        incident=_check_incident(new.incident, now),
        restricted_to=restricted,
        created_by=None if by is None else by.username,
        created_at=now,
    )


def get_referral(referrals: ReferralRepository, viewer: Viewer, referral_id: int) -> Referral:
    """The referral, if the viewer may see it (`RecordNotFoundError` otherwise)."""
    scope = scope_for(viewer)
    referral = referrals.get(referral_id)
    if referral is None or not scope.allows(referral.force, referral.restricted_to):
        raise RecordNotFoundError(f"referral {referral_id} not found")
    return referral


def referral_queue(
    referrals: ReferralRepository,
    viewer: Viewer,
    *,
    awaiting_only: bool = False,
    limit: int = 50,
    offset: int = 0,
) -> list[Referral]:
    """The viewer's queue: visible open referrals, earliest deadline first."""
    limit = max(1, min(limit, 500))
    return referrals.queue(
        scope_for(viewer), awaiting_only=awaiting_only, limit=limit, offset=max(0, offset)
    )


def queue_summary(
    referrals: ReferralRepository, viewer: Viewer, now: datetime | None = None
) -> QueueSummary:
    """Dashboard counts over the referrals the viewer may see."""
    return referrals.summary(scope_for(viewer), now or datetime.now(UTC))


def restrict_referral(
    referrals: ReferralRepository, viewer: Viewer, referral_id: int, usernames: tuple[str, ...]
) -> Referral:
    """Restrict a case to named users (the viewer always stays named); empty lifts it."""
    referral = get_referral(referrals, viewer, referral_id)
    names = {name.strip() for name in usernames if name.strip()}
    restricted = tuple(sorted(names | {viewer.username})) if names else ()
    updated = replace(referral, restricted_to=restricted)
    referrals.update(updated)
    return updated


def update_incident(
    referrals: ReferralRepository, viewer: Viewer, referral_id: int, incident: IncidentDetails
) -> Referral:
    """Replace a visible referral's incident details (checked as on creation)."""
    referral = get_referral(referrals, viewer, referral_id)
    updated = replace(referral, incident=_check_incident(incident))
    referrals.update_incident(updated)
    return referrals.get(referral_id) or updated  # as stored: its files matched


def record_response(referrals: ReferralRepository, referral: Referral, at: datetime) -> Referral:
    """Note a police action at `at`: stops the deadline clock (earliest action counts) and moves
    a new or assessed referral to `actioned`."""
    responded = at if referral.responded_at is None else min(referral.responded_at, at)
    status = referral.status
    if status in (ReferralStatus.NEW, ReferralStatus.ASSESSED):
        status = ReferralStatus.ACTIONED
    updated = replace(referral, responded_at=responded, status=status)
    if updated != referral:
        referrals.update(updated)
    return updated
