"""Synthetic CyberTipline reports for tests, benchmarks and the demo, seeded so the same seed
always makes the same reports. Nothing in them is real: people are invented, IP addresses come
from the documentation ranges (192.0.2.0/24, 198.51.100.0/24, 203.0.113.0/24, 2001:db8::/32),
e-mail is at example.org, phones from Ofcom's drama ranges (07700 900000–900999), and every
file is a small generated picture of coloured shapes whose MD5, SHA-1 and PDQ the report gives.

`reports_xml` and `reports_json` write them in the structure `netsafe referral import` reads.
"""

from __future__ import annotations

import io
import json
import random
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta
from typing import Any
from xml.etree import ElementTree

from PIL import Image, ImageDraw

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
from netsafe.signals.fingerprint import fingerprint_stream

FIRST_NAMES = (
    "Alex",
    "Sam",
    "Jordan",
    "Morgan",
    "Rhys",
    "Carys",
    "Dylan",
    "Ffion",
    "Owen",
    "Seren",
)
LAST_NAMES = ("Example", "Sample", "Placeholder", "Testwood", "Fictional", "Madeup")
SERVICES = ("ExamplePhotos", "SampleChat", "DemoCloud", "PlaceholderSocial")
#: Postcode districts per force the generator draws from (the inward code `9ZZ` is synthetic).
DISTRICTS = {
    "south-wales": ("CF10", "CF24", "SA1", "CF31", "SA11"),
    "gwent": ("NP19", "NP20", "NP44", "CF83", "NP4"),
    "dyfed-powys": ("SA31", "SY23", "LD1", "SA61", "SA15"),
    "north-wales": ("LL11", "LL57", "CH7", "LL30", "LL18"),
}
_IP_RANGES = ("192.0.2", "198.51.100", "203.0.113")


def benign_image(seed: int, size: int = 64) -> bytes:
    """A PNG of random coloured rectangles and ellipses on a coloured ground."""
    rng = random.Random(seed)  # noqa: S311 - synthetic test pictures, not secrets
    ground = tuple(rng.randrange(256) for _ in range(3))
    image = Image.new("RGB", (size, size), ground)
    draw = ImageDraw.Draw(image)
    for _ in range(6):
        x0, y0 = rng.randrange(size - 8), rng.randrange(size - 8)
        box = (x0, y0, x0 + rng.randrange(6, size // 2), y0 + rng.randrange(6, size // 2))
        fill = tuple(rng.randrange(256) for _ in range(3))
        (draw.rectangle if rng.random() < 0.5 else draw.ellipse)(box, fill=fill)
    out = io.BytesIO()
    image.save(out, "PNG")
    return out.getvalue()


@dataclass(frozen=True, slots=True)
class ImageHashes:
    """The hashes of `benign_image(seed)`."""

    seed: int
    md5: str
    sha1: str
    pdq: str | None


def image_hashes(seed: int) -> ImageHashes:
    """MD5, SHA-1 and PDQ of `benign_image(seed)` (PDQ None when the picture is too plain)."""
    data = benign_image(seed)
    fingerprint = fingerprint_stream(io.BytesIO(data), path=f"generated-{seed}.png")
    return ImageHashes(seed, fingerprint.md5, fingerprint.sha1, fingerprint.pdq)


def _phone(rng: random.Random) -> str:
    return f"+447700900{rng.randrange(1000):03d}"


def _ip(rng: random.Random) -> str:
    if rng.random() < 0.15:
        return f"2001:db8::{rng.randrange(1, 0xFFFF):x}"
    return f"{rng.choice(_IP_RANGES)}.{rng.randrange(1, 255)}"


def generate_reports(
    count: int,
    *,
    seed: int = 42,
    files_per_report: int = 3,
    first_report_id: int = 900_000_001,
    shared_fraction: float = 0.0,
    unlocated_fraction: float = 0.1,
    escalated_fraction: float = 0.1,
    now: datetime | None = None,
    image_seeds: tuple[int, ...] | None = None,
) -> list[CyberTipReport]:
    """`count` reports. `shared_fraction` of them reuse an identifier (screen name, e-mail or
    IP address) of an earlier report placed in another force; `unlocated_fraction` give no
    location at all (they wait for a person to assign them); each file is `benign_image` of a
    seed drawn from `image_seeds` (default: one new seed per file)."""
    rng = random.Random(seed)  # noqa: S311 - synthetic test reports, not secrets
    now = now or datetime.now(UTC)
    reports: list[CyberTipReport] = []
    hashes: dict[int, ImageHashes] = {}
    next_seed = seed * 100_003
    for number in range(count):
        force = rng.choice(list(DISTRICTS))
        first, last = rng.choice(FIRST_NAMES), rng.choice(LAST_NAMES)
        handle = f"{first.lower()}_{last.lower()}_{seed}_{number}"
        located = rng.random() >= unlocated_fraction
        person = Person(
            first_name=first,
            last_name=last,
            emails=(f"{first.lower()}.{last.lower()}.{seed}.{number}@example.org",),
            phones=(_phone(rng),),
            addresses=(
                Address(
                    "1 Example Street", None, f"{rng.choice(DISTRICTS[force])} 9ZZ", None, "GB"
                ),
            )
            if located
            else (),
        )
        at = now - timedelta(days=rng.randrange(1, 30), minutes=rng.randrange(1440))
        service = rng.choice(SERVICES)
        user = ReportedUser(
            person=person,
            esp_identifier=f"{rng.randrange(10**9, 10**10)}",
            esp_service=service,
            screen_name=handle,
            display_names=(f"{first} {last[0]}.",),
            profile_urls=(f"https://{service.lower()}.example.org/u/{handle}",),
            ip_events=(CaptureEvent(_ip(rng), "Login", at, False, rng.randrange(1024, 65535)),),
            devices=(DeviceCapture(f"35{rng.randrange(10**12, 10**13)}", "IMEI", "Login", at),),
            estimated_location=EstimatedLocation(None, "Wales", "GB") if located else None,
        )
        if reports and rng.random() < shared_fraction:
            user = _share(rng, user, reports)
        files = []
        for index in range(files_per_report):
            if image_seeds:
                image_seed = rng.choice(image_seeds)
            else:
                image_seed, next_seed = next_seed, next_seed + 1
            if image_seed not in hashes:
                hashes[image_seed] = image_hashes(image_seed)
            found = hashes[image_seed]
            file_hashes = [FileHash("MD5", found.md5, "md5"), FileHash("SHA1", found.sha1, "sha1")]
            if found.pdq:
                file_hashes.append(FileHash("PDQ", found.pdq, "pdq"))
            files.append(
                ReportFile(
                    file_id=f"f{number}-{index}",
                    original_file_name=f"IMG_{rng.randrange(10000):04d}.png",
                    hashes=tuple(file_hashes),
                    viewed_by_esp=rng.random() < 0.7,
                    exif_viewed_by_esp=False,
                    publicly_available=rng.random() < 0.2,
                    relevance="Reported" if index == 0 else rng.choice(list(enums.FILE_RELEVANCE)),
                    annotations=("viral",) if rng.random() < 0.1 else (),
                    ip_event=CaptureEvent(_ip(rng), "Upload", at),
                )
            )
        reports.append(
            CyberTipReport(
                report_id=str(first_report_id + number),
                incident_type=enums.INCIDENT_TYPES[0],
                escalate_reason="synthetic escalation for testing"
                if rng.random() < escalated_fraction
                else None,
                incident_at=at,
                reporter="Example Reporter",
                reported=user,
                additional_info="Synthetic report generated by NetSafe for testing.",
                files=tuple(files),
            )
        )
    return reports


def _share(rng: random.Random, user: ReportedUser, earlier: list[CyberTipReport]) -> ReportedUser:
    """`user` with one identifier of an earlier report's user."""
    other = rng.choice(earlier).reported
    assert other is not None
    assert other.person is not None
    assert user.person is not None
    kind = rng.choice(("screen-name", "email", "ip"))
    if kind == "screen-name":
        return replace(user, screen_name=other.screen_name, esp_service=other.esp_service)
    if kind == "email":
        return replace(user, person=replace(user.person, emails=other.person.emails))
    return replace(user, ip_events=other.ip_events)


def report_document(report: CyberTipReport) -> dict[str, Any]:
    """The report in the JSON structure (element names as NCMEC's schema, repeated ones as
    lists, attributes beside `value`)."""
    summary: dict[str, Any] = {"incidentType": report.incident_type}
    if report.escalate_reason:
        summary["escalateToHighPriority"] = report.escalate_reason
    if report.annotations:
        summary["reportAnnotations"] = dict.fromkeys(report.annotations, True)
    if report.incident_at:
        summary["incidentDateTime"] = report.incident_at.isoformat()
    document: dict[str, Any] = {"reportId": report.report_id, "incidentSummary": summary}
    if report.incident_urls:
        document["internetDetails"] = {"webPageIncident": {"url": list(report.incident_urls)}}
    if report.reporter:
        first, _, last = report.reporter.partition(" ")
        document["reporter"] = {"reportingPerson": _drop({"firstName": first, "lastName": last})}
    if report.reported is not None:
        document["personOrUserReported"] = _user_document(report.reported)
    if report.additional_info:
        document["additionalInfo"] = report.additional_info
    document["fileDetails"] = [_file_document(f) for f in report.files]
    return document


def _drop(values: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in values.items() if v not in (None, (), [], {})}


def _event(event: CaptureEvent) -> dict[str, Any]:
    return _drop(
        {
            "ipAddress": event.ip_address,
            "eventName": event.event,
            "dateTime": event.at.isoformat() if event.at else None,
            "possibleProxy": event.possible_proxy,
            "port": event.port,
        }
    )


def _user_document(user: ReportedUser) -> dict[str, Any]:
    person = user.person
    person_document = (
        None
        if person is None
        else _drop(
            {
                "firstName": person.first_name,
                "lastName": person.last_name,
                "phone": list(person.phones),
                "email": list(person.emails),
                "address": [
                    _drop(
                        {
                            "address": a.street,
                            "city": a.city,
                            "zipCode": a.postcode,
                            "nonUsaState": a.region,
                            "country": a.country,
                        }
                    )
                    for a in person.addresses
                ],
            }
        )
    )
    where = user.estimated_location
    return _drop(
        {
            "personOrUserReportedPerson": person_document,
            "espIdentifier": user.esp_identifier,
            "espService": user.esp_service,
            "screenName": user.screen_name,
            "displayName": list(user.display_names),
            "profileUrl": list(user.profile_urls),
            "ipCaptureEvent": [_event(e) for e in user.ip_events],
            "deviceId": [
                _drop(
                    {
                        "idType": d.id_type,
                        "idValue": d.value,
                        "eventName": d.event,
                        "dateTime": d.at.isoformat() if d.at else None,
                    }
                )
                for d in user.devices
            ],
            "estimatedLocation": None
            if where is None
            else _drop(
                {"city": where.city, "region": where.region, "countryCode": where.country_code}
            ),
            "priorCTReports": list(user.prior_reports),
            "additionalInfo": user.additional_info,
        }
    )


def _file_document(reported: ReportFile) -> dict[str, Any]:
    return _drop(
        {
            "fileId": reported.file_id,
            "originalFileName": reported.original_file_name,
            "fileViewedByEsp": reported.viewed_by_esp,
            "exifViewedByEsp": reported.exif_viewed_by_esp,
            "publiclyAvailable": reported.publicly_available,
            "fileRelevance": reported.relevance,
            "fileAnnotations": dict.fromkeys(reported.annotations, True),
            "industryClassification": reported.industry_classification,
            "originalFileHash": [
                {"hashType": h.hash_type, "value": h.value} for h in reported.hashes
            ],
            "ipCaptureEvent": None if reported.ip_event is None else _event(reported.ip_event),
            "details": {"nameValuePair": [{"name": n, "value": v} for n, v in reported.details]}
            if reported.details
            else None,
        }
    )


def reports_json(reports: list[CyberTipReport]) -> bytes:
    """One report as a report object, several as `{"reports": [...]}`."""
    documents = [report_document(r) for r in reports]
    body: Any = documents[0] if len(documents) == 1 else {"reports": documents}
    return json.dumps(body, indent=1).encode()


def _element(parent: ElementTree.Element, name: str, value: Any) -> None:
    if isinstance(value, list):
        for item in value:
            _element(parent, name, item)
        return
    child = ElementTree.SubElement(parent, name)
    if isinstance(value, dict):
        if "value" in value:
            child.text = str(value["value"])
            for key, attribute in value.items():
                if key != "value":
                    child.set(key, str(attribute))
            return
        for key, item in value.items():
            _element(child, key, item)
    elif isinstance(value, bool):
        child.text = "true" if value else "false"
    else:
        child.text = str(value)


def reports_xml(reports: list[CyberTipReport]) -> bytes:
    """One report as a `<report>` root, several under `<reports>`; each report's files are its
    `<fileDetails>` children."""

    def report_element(report: CyberTipReport) -> ElementTree.Element:
        element = ElementTree.Element("report")
        for key, value in report_document(report).items():
            _element(element, key, value)
        return element

    if len(reports) == 1:
        root = report_element(reports[0])
    else:
        root = ElementTree.Element("reports")
        root.extend(report_element(r) for r in reports)
    text = ElementTree.tostring(root, encoding="unicode")
    return ('<?xml version="1.0" encoding="UTF-8"?>\n' + text).encode()
