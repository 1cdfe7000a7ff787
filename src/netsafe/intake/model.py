"""A CyberTipline report as NetSafe reads it: the fields of NCMEC's `report` and `fileDetails`
documents that a force works from. Hashes, names and identifiers only: never a file's content.

`report.identifiers()` lists what deconfliction indexes (IP address with its time, e-mail,
phone, screen name with its service, ESP identifier, profile URL, device id, file hash).
"""

from __future__ import annotations

import enum
import json
from dataclasses import dataclass, field, fields
from datetime import datetime
from typing import Any


class IdentifierKind(enum.StrEnum):
    """Kinds of identifier a report carries, as deconfliction compares them."""

    IP_ADDRESS = "ip-address"
    EMAIL = "email"
    PHONE = "phone"
    SCREEN_NAME = "screen-name"
    ESP_IDENTIFIER = "esp-identifier"
    PROFILE_URL = "profile-url"
    DEVICE_ID = "device-id"
    FILE_HASH = "file-hash"


@dataclass(frozen=True, slots=True)
class ReportIdentifier:
    """One identifier as reported (not normalised): `qualifier` is the service of a screen name
    or ESP identifier, the hash type of a file hash, the id type of a device, the event of an
    IP capture; `seen_at` the capture time of an IP address or device id."""

    kind: IdentifierKind
    value: str
    qualifier: str | None = None
    seen_at: datetime | None = None
    #: Where in the report it was found (element path), e.g. `personOrUserReported/screenName`.
    found_at: str = ""


@dataclass(frozen=True, slots=True)
class CaptureEvent:
    """An `ipCaptureEvent`: an IP address the user used, when, doing what."""

    ip_address: str
    event: str | None = None
    at: datetime | None = None
    possible_proxy: bool | None = None
    port: int | None = None


@dataclass(frozen=True, slots=True)
class DeviceCapture:
    """A `deviceId`: its type (IMEI, …), value, event and time."""

    value: str
    id_type: str | None = None
    event: str | None = None
    at: datetime | None = None


@dataclass(frozen=True, slots=True)
class Address:
    street: str | None = None
    city: str | None = None
    postcode: str | None = None
    region: str | None = None
    country: str | None = None


@dataclass(frozen=True, slots=True)
class Person:
    """A `personOrUserReportedPerson` (or victim's, recipient's) details."""

    first_name: str | None = None
    last_name: str | None = None
    emails: tuple[str, ...] = ()
    phones: tuple[str, ...] = ()
    addresses: tuple[Address, ...] = ()
    age: int | None = None
    date_of_birth: str | None = None


@dataclass(frozen=True, slots=True)
class EstimatedLocation:
    city: str | None = None
    region: str | None = None
    country_code: str | None = None


@dataclass(frozen=True, slots=True)
class ReportedUser:
    """`personOrUserReported`: the account and person the report is about."""

    person: Person | None = None
    esp_identifier: str | None = None
    esp_service: str | None = None
    screen_name: str | None = None
    display_names: tuple[str, ...] = ()
    profile_urls: tuple[str, ...] = ()
    ip_events: tuple[CaptureEvent, ...] = ()
    devices: tuple[DeviceCapture, ...] = ()
    estimated_location: EstimatedLocation | None = None
    prior_reports: tuple[str, ...] = ()
    additional_info: str | None = None


@dataclass(frozen=True, slots=True)
class FileHash:
    """An `originalFileHash`: the type as the report names it, the value, and the NetSafe
    signal it is (md5, sha1, sha256, pdq; None for a type NetSafe does not match)."""

    hash_type: str
    value: str
    signal: str | None = None


@dataclass(frozen=True, slots=True)
class ReportFile:
    """One `fileDetails` document."""

    file_id: str
    original_file_name: str | None = None
    hashes: tuple[FileHash, ...] = ()
    viewed_by_esp: bool | None = None
    exif_viewed_by_esp: bool | None = None
    publicly_available: bool | None = None
    relevance: str = "Reported"
    annotations: tuple[str, ...] = ()
    industry_classification: str | None = None
    ip_event: CaptureEvent | None = None
    details: tuple[tuple[str, str], ...] = ()

    def hash_of(self, signal: str) -> str | None:
        """The file's hash of `signal` (md5, sha1, sha256, pdq), if the report gives one."""
        for given in self.hashes:  # asked for each file's every signal: a plain loop
            if given.signal == signal:
                return given.value
        return None


@dataclass(frozen=True, slots=True)
class CyberTipReport:
    """A CyberTipline report with its files."""

    report_id: str
    incident_type: str
    escalate_reason: str | None = None
    annotations: tuple[str, ...] = ()
    incident_at: datetime | None = None
    incident_urls: tuple[str, ...] = ()
    reporter: str | None = None
    reported: ReportedUser | None = None
    victims: int = 0
    intended_recipients: int = 0
    additional_info: str | None = None
    files: tuple[ReportFile, ...] = field(default_factory=tuple)

    @property
    def escalated(self) -> bool:
        """The service asked for high priority (`escalateToHighPriority` has a reason)."""
        return bool(self.escalate_reason)

    def postcodes(self) -> tuple[str, ...]:
        """Postcodes of the reported person's addresses, in report order."""
        person = self.reported.person if self.reported else None
        return tuple(a.postcode for a in (person.addresses if person else ()) if a.postcode)

    def identifiers(self) -> tuple[ReportIdentifier, ...]:
        """Every identifier of the reported user and the files, as reported."""
        found: list[ReportIdentifier] = []
        user = self.reported
        if user is not None:
            base = "personOrUserReported"
            service = user.esp_service
            if user.person is not None:
                person = f"{base}/personOrUserReportedPerson"
                found += [
                    ReportIdentifier(IdentifierKind.EMAIL, e, found_at=f"{person}/email")
                    for e in user.person.emails
                ]
                found += [
                    ReportIdentifier(IdentifierKind.PHONE, p, found_at=f"{person}/phone")
                    for p in user.person.phones
                ]
            if user.screen_name:
                found.append(
                    ReportIdentifier(
                        IdentifierKind.SCREEN_NAME,
                        user.screen_name,
                        service,
                        None,
                        f"{base}/screenName",
                    )
                )
            if user.esp_identifier:
                found.append(
                    ReportIdentifier(
                        IdentifierKind.ESP_IDENTIFIER,
                        user.esp_identifier,
                        service,
                        None,
                        f"{base}/espIdentifier",
                    )
                )
            found += [
                ReportIdentifier(IdentifierKind.PROFILE_URL, url, found_at=f"{base}/profileUrl")
                for url in user.profile_urls
            ]
            found += [
                ReportIdentifier(
                    IdentifierKind.IP_ADDRESS,
                    e.ip_address,
                    e.event,
                    e.at,
                    f"{base}/ipCaptureEvent",
                )
                for e in user.ip_events
            ]
            found += [
                ReportIdentifier(
                    IdentifierKind.DEVICE_ID, d.value, d.id_type, d.at, f"{base}/deviceId"
                )
                for d in user.devices
            ]
        for index, reported in enumerate(self.files):
            where = f"fileDetails[{index}]"
            found += [
                ReportIdentifier(
                    IdentifierKind.FILE_HASH,
                    h.value,
                    h.signal or h.hash_type,
                    None,
                    f"{where}/originalFileHash",
                )
                for h in reported.hashes
            ]
            if reported.ip_event is not None:
                e = reported.ip_event
                found.append(
                    ReportIdentifier(
                        IdentifierKind.IP_ADDRESS,
                        e.ip_address,
                        e.event,
                        e.at,
                        f"{where}/ipCaptureEvent",
                    )
                )
        return tuple(found)

    def json_text(self) -> str:
        """`as_json()` written as JSON text (`json.dumps` of it, to the character), by the
        encoder itself: the import stores each report's document so."""
        return json.dumps(self, default=_plain)

    def as_json(self) -> dict[str, Any]:
        """The whole report as JSON-ready data (each dataclass an object of its fields,
        tuples lists, times in ISO 8601)."""
        document: dict[str, Any] = _jsonable(self)
        return document


_FIELD_NAMES: dict[type, tuple[str, ...]] = {}


def _field_names(value: Any) -> tuple[str, ...]:
    names = _FIELD_NAMES.get(type(value))
    if names is None:
        names = _FIELD_NAMES[type(value)] = tuple(f.name for f in fields(value))
    return names


def _plain(value: Any) -> Any:
    """What the JSON encoder writes for a value it has no form of: a time in ISO 8601, a
    report's dataclass as an object of its fields (tuples it writes as lists itself)."""
    if isinstance(value, datetime):
        return value.isoformat()
    return {name: getattr(value, name) for name in _field_names(value)}


def _jsonable(value: Any) -> Any:
    if value is None or isinstance(value, str | int | float):
        return value
    if isinstance(value, list | tuple):
        return [_jsonable(v) for v in value]
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, dict):
        return {k: _jsonable(v) for k, v in value.items()}
    return {name: _jsonable(getattr(value, name)) for name in _field_names(value)}
