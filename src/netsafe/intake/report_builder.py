"""Build a `CyberTipReport` from a report document's nodes (XML or JSON alike), checking each
field: a wrong one raises `ReportError` naming its element path and what is wrong."""

from __future__ import annotations

import ipaddress
import re
from datetime import UTC, datetime

from netsafe.intake import enumerations as enums
from netsafe.intake.model import (
    Address,
    CaptureEvent,
    CyberTipReport,
    DeviceCapture,
    EstimatedLocation,
    FileHash,
    Person,
    ReportedUser,
    ReportFile,
)
from netsafe.intake.nodes import Node
from netsafe.signals import registry

#: The longest text kept from one field (longer ones are refused, naming the field).
MAX_TEXT = 20_000
#: The longest identifier (screen name, e-mail, URL, device id …).
MAX_IDENTIFIER = 1000
#: The most files one report may list.
MAX_FILES = 10_000
_REPORT_ID = re.compile(r"[0-9]{1,19}")


class ReportError(ValueError):
    """A report is wrong: `path` is the element, `reason` what is wrong with it."""

    def __init__(self, path: str, reason: str) -> None:
        super().__init__(f"{path}: {reason}")
        self.path = path
        self.reason = reason


def _one(node: Node, name: str) -> Node | None:
    found = node.children(name)
    if len(found) > 1:
        raise ReportError(found[1].path, f"more than one <{name}>")
    return found[0] if found else None


def _text(node: Node | None, name: str, limit: int = MAX_TEXT) -> str | None:
    child = None if node is None else _one(node, name)
    if child is None:
        return None
    value = child.text()
    if value is not None and len(value) > limit:
        raise ReportError(child.path, f"longer than {limit:,} characters")
    return value


def _texts(node: Node | None, name: str, limit: int = MAX_IDENTIFIER) -> tuple[str, ...]:
    values = []
    for child in [] if node is None else node.children(name):
        value = child.text()
        if value is None:
            continue
        if len(value) > limit:
            raise ReportError(child.path, f"longer than {limit:,} characters")
        values.append(value)
    return tuple(values)


def _bool(node: Node | None, name: str) -> bool | None:
    child = None if node is None else _one(node, name)
    value = None if child is None else child.text()
    if child is None or value is None:
        return None
    if value.lower() in ("true", "1"):
        return True
    if value.lower() in ("false", "0"):
        return False
    raise ReportError(child.path, f"not true or false: {value[:40]!r}")


def _int(node: Node | None, name: str, low: int, high: int) -> int | None:
    child = None if node is None else _one(node, name)
    value = None if child is None else child.text()
    if child is None or value is None:
        return None
    try:
        number = int(value)
    except ValueError:
        raise ReportError(child.path, f"not a whole number: {value[:40]!r}") from None
    if not low <= number <= high:
        raise ReportError(child.path, f"{number} is out of range ({low}–{high})")
    return number


def _time(node: Node | None, name: str) -> datetime | None:
    child = None if node is None else _one(node, name)
    value = None if child is None else child.text()
    if child is None or value is None:
        return None
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        raise ReportError(child.path, f"not an ISO 8601 date and time: {value[:40]!r}") from None
    if moment.tzinfo is None:
        raise ReportError(child.path, "give a time zone (e.g. 2026-11-23T09:00:00Z)")
    return moment.astimezone(UTC)


def _choice(child_path: str, value: str, allowed: tuple[str, ...] | list[str]) -> str:
    if value not in allowed:
        raise ReportError(
            child_path, f"{value[:80]!r} is not one of NCMEC's values: " + "; ".join(allowed)
        )
    return value


def _flags(node: Node | None, name: str, known: tuple[str, ...]) -> tuple[str, ...]:
    """The yes/no tags set to true under `<name>` (an unknown tag is refused)."""
    holder = None if node is None else _one(node, name)
    if holder is None:
        return ()
    return tuple(tag for tag in known if _bool(holder, tag))


def _ip_event(node: Node) -> CaptureEvent:
    address = _text(node, "ipAddress", 100)
    if address is None:
        raise ReportError(f"{node.path}/ipAddress", "required")
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        raise ReportError(
            f"{node.path}/ipAddress", f"not an IP address: {address[:60]!r}"
        ) from None
    event = _text(node, "eventName", 40)
    if event is not None:
        _choice(f"{node.path}/eventName", event, enums.CAPTURE_EVENTS)
    return CaptureEvent(
        ip_address=str(ip),
        event=event,
        at=_time(node, "dateTime"),
        possible_proxy=_bool(node, "possibleProxy"),
        port=_int(node, "port", 0, 65535),
    )


def _device(node: Node) -> DeviceCapture:
    value = _text(node, "idValue", MAX_IDENTIFIER)
    if value is None:
        raise ReportError(f"{node.path}/idValue", "required")
    event = _text(node, "eventName", 40)
    if event is not None:
        _choice(f"{node.path}/eventName", event, enums.CAPTURE_EVENTS)
    return DeviceCapture(value, _text(node, "idType", 100), event, _time(node, "dateTime"))


def _person(node: Node | None) -> Person | None:
    if node is None:
        return None
    addresses = tuple(
        Address(
            street=_text(a, "address", 500),
            city=_text(a, "city", 200),
            postcode=_text(a, "zipCode", 20),
            region=_text(a, "nonUsaState", 200) or _text(a, "state", 200),
            country=_text(a, "country", 100),
        )
        for a in node.children("address")
    )
    return Person(
        first_name=_text(node, "firstName", 200),
        last_name=_text(node, "lastName", 200),
        emails=_texts(node, "email"),
        phones=_texts(node, "phone", 60),
        addresses=addresses,
        age=_int(node, "age", 0, 130),
        date_of_birth=_text(node, "dateOfBirth", 20),
    )


def _reported(node: Node | None) -> ReportedUser | None:
    if node is None:
        return None
    where = _one(node, "estimatedLocation")
    location = (
        None
        if where is None
        else EstimatedLocation(
            _text(where, "city", 200), _text(where, "region", 200), _text(where, "countryCode", 10)
        )
    )
    prior = _texts(node, "priorCTReports", 40)
    for child in node.children("priorCTReports"):
        if child.text() and not _REPORT_ID.fullmatch(child.text() or ""):
            raise ReportError(child.path, "not a CyberTipline report number")
    return ReportedUser(
        person=_person(_one(node, "personOrUserReportedPerson")),
        esp_identifier=_text(node, "espIdentifier", MAX_IDENTIFIER),
        esp_service=_text(node, "espService", 200),
        screen_name=_text(node, "screenName", MAX_IDENTIFIER),
        display_names=_texts(node, "displayName"),
        profile_urls=_texts(node, "profileUrl"),
        ip_events=tuple(_ip_event(e) for e in node.children("ipCaptureEvent")),
        devices=tuple(_device(d) for d in node.children("deviceId")),
        estimated_location=location,
        prior_reports=prior,
        additional_info=_text(node, "additionalInfo"),
    )


def _hash(node: Node) -> FileHash:
    hash_type = node.attribute("hashType")
    value = node.text()
    if not hash_type:
        raise ReportError(node.path, "the hashType attribute is required")
    if not value:
        raise ReportError(node.path, "empty hash")
    signal = registry.find(hash_type)
    if signal is None or signal.name not in enums.MATCHED_HASH_TYPES:
        if len(value) > MAX_IDENTIFIER:
            raise ReportError(node.path, f"longer than {MAX_IDENTIFIER:,} characters")
        return FileHash(hash_type[:40], value, None)
    try:
        canonical = signal.normalize(value)
    except ValueError as error:
        raise ReportError(node.path, str(error)) from None
    return FileHash(hash_type[:40], canonical, signal.name)


def _file(node: Node, index: int) -> ReportFile:
    file_id = _text(node, "fileId", 200) or f"file-{index + 1}"
    relevance = _text(node, "fileRelevance", 60) or enums.DEFAULT_FILE_RELEVANCE
    _choice(f"{node.path}/fileRelevance", relevance, list(enums.FILE_RELEVANCE))
    classification = _text(node, "industryClassification", 10)
    if classification is not None:
        _choice(
            f"{node.path}/industryClassification",
            classification,
            list(enums.INDUSTRY_CLASSIFICATIONS),
        )
    ip = _one(node, "ipCaptureEvent")
    details = tuple(
        (name, value)
        for holder in node.children("details")
        for pair in holder.children("nameValuePair")
        if (name := _text(pair, "name", 200)) and (value := _text(pair, "value", 2000)) is not None
    )
    return ReportFile(
        file_id=file_id,
        original_file_name=_text(node, "originalFileName", 1000),
        hashes=tuple(_hash(h) for h in node.children("originalFileHash")),
        viewed_by_esp=_bool(node, "fileViewedByEsp"),
        exif_viewed_by_esp=_bool(node, "exifViewedByEsp"),
        publicly_available=_bool(node, "publiclyAvailable"),
        relevance=relevance,
        annotations=_flags(node, "fileAnnotations", tuple(enums.FILE_ANNOTATIONS)),
        industry_classification=classification,
        ip_event=None if ip is None else _ip_event(ip),
        details=details,
    )


def build_report(node: Node) -> CyberTipReport:
    """The report at `node` (a `<report>` element or report object)."""
    report_id = _text(node, "reportId", 40)
    if report_id is None:
        raise ReportError(f"{node.path}/reportId", "required: the CyberTipline report number")
    if not _REPORT_ID.fullmatch(report_id):
        raise ReportError(f"{node.path}/reportId", f"not a report number (digits): {report_id!r}")
    summary = _one(node, "incidentSummary")
    if summary is None:
        raise ReportError(f"{node.path}/incidentSummary", "required")
    incident_type = _text(summary, "incidentType", 200)
    if incident_type is None:
        raise ReportError(f"{summary.path}/incidentType", "required")
    _choice(f"{summary.path}/incidentType", incident_type, enums.INCIDENT_TYPES)
    files = node.children("fileDetails")
    if len(files) > MAX_FILES:
        raise ReportError(files[MAX_FILES].path, f"more than {MAX_FILES:,} files in one report")
    for child in files:
        given = _text(child, "reportId", 40)
        if given is not None and given != report_id:
            raise ReportError(f"{child.path}/reportId", f"names report {given}, not {report_id}")
    urls = tuple(
        url
        for details in node.children("internetDetails")
        for page in details.children("webPageIncident")
        for url in _texts(page, "url")
    )
    reporter = _one(node, "reporter")
    person = _person(None if reporter is None else _one(reporter, "reportingPerson"))
    names = () if person is None else (person.first_name, person.last_name)
    built = CyberTipReport(
        report_id=report_id,
        incident_type=incident_type,
        escalate_reason=_text(summary, "escalateToHighPriority", 2000),
        annotations=_flags(summary, "reportAnnotations", tuple(enums.REPORT_ANNOTATIONS)),
        incident_at=_time(summary, "incidentDateTime"),
        incident_urls=urls,
        reporter=" ".join(name for name in names if name) or None,
        reported=_reported(_one(node, "personOrUserReported")),
        victims=len(node.children("victim")),
        intended_recipients=len(node.children("intendedRecipient")),
        additional_info=_text(node, "additionalInfo"),
        files=tuple(_file(f, i) for i, f in enumerate(files)),
    )
    seen: set[str] = set()
    for index, reported in enumerate(built.files):
        if reported.file_id in seen:
            raise ReportError(files[index].path + "/fileId", f"file {reported.file_id!r} twice")
        seen.add(reported.file_id)
    return built
