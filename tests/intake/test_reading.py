"""Reading CyberTipline report files: XML and JSON alike, hostile XML refused, wrong reports
refused naming the file, the element path and the reason."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from netsafe.intake import reading
from netsafe.intake.enumerations import INCIDENT_TYPES
from netsafe.intake.generator import generate_reports, report_document, reports_json, reports_xml
from netsafe.intake.model import IdentifierKind
from netsafe.intake.reading import ReportFileError, read_report_file, read_reports

REPORTS = generate_reports(4, seed=7, shared_fraction=0.5)


def test_xml_and_json_read_back_the_same_reports() -> None:
    for data, fmt in ((reports_xml(REPORTS), "xml"), (reports_json(REPORTS), "json")):
        content = read_reports(data, f"reports.{fmt}")
        assert content.format == fmt
        assert content.reports == tuple(REPORTS)
    single = read_reports(reports_xml(REPORTS[:1]), "one.xml")
    assert single.reports == (REPORTS[0],)
    as_list = json.dumps([report_document(r) for r in REPORTS[:2]]).encode()
    assert read_reports(as_list, "list.json").reports == tuple(REPORTS[:2])


def test_a_report_gives_every_identifier_kind() -> None:
    kinds = {i.kind for i in REPORTS[0].identifiers()}
    assert kinds == set(IdentifierKind)
    screen = next(i for i in REPORTS[0].identifiers() if i.kind is IdentifierKind.SCREEN_NAME)
    assert screen.qualifier == REPORTS[0].reported.esp_service  # type: ignore[union-attr]
    ip = next(i for i in REPORTS[0].identifiers() if i.kind is IdentifierKind.IP_ADDRESS)
    assert ip.seen_at is not None
    assert ip.found_at == "personOrUserReported/ipCaptureEvent"


MINIMAL = (
    "<report><reportId>{id}</reportId><incidentSummary><incidentType>{type}</incidentType>"
    "</incidentSummary>{files}</report>"
)


def _xml(files: str = "", report_id: str = "123", incident: str = INCIDENT_TYPES[0]) -> bytes:
    return MINIMAL.format(id=report_id, type=incident, files=files).encode()


@pytest.mark.parametrize(
    ("document", "path", "reason"),
    [
        (_xml(report_id="12a"), "report/reportId", "not a report number"),
        (_xml(incident="Something else"), "report/incidentSummary/incidentType", "NCMEC's values"),
        (
            _xml(
                "<fileDetails><fileId>1</fileId></fileDetails>"
                "<fileDetails><fileId>2</fileId><originalFileHash hashType='MD5'>xyz"
                "</originalFileHash></fileDetails>"
            ),
            "report/fileDetails[2]/originalFileHash",
            "not a valid md5 hash",
        ),
        (
            _xml("<fileDetails><fileRelevance>Very</fileRelevance></fileDetails>"),
            "report/fileDetails/fileRelevance",
            "not one of NCMEC's values",
        ),
        (
            _xml(
                "<fileDetails><ipCaptureEvent><ipAddress>999.1.1.1</ipAddress>"
                "</ipCaptureEvent></fileDetails>"
            ),
            "report/fileDetails/ipCaptureEvent/ipAddress",
            "not an IP address",
        ),
        (
            b"<report><reportId>1</reportId><incidentSummary><incidentType>"
            + INCIDENT_TYPES[0].encode()
            + b"</incidentType><incidentDateTime>2026-11-01T10:00:00</incidentDateTime>"
            b"</incidentSummary></report>",
            "report/incidentSummary/incidentDateTime",
            "time zone",
        ),
    ],
)
def test_a_wrong_report_is_refused_naming_path_and_reason(
    document: bytes, path: str, reason: str
) -> None:
    with pytest.raises(ReportFileError) as refused:
        read_reports(document, "bad.xml")
    assert refused.value.file == "bad.xml"
    assert refused.value.path == path
    assert reason in refused.value.reason


def test_one_wrong_report_refuses_the_whole_file() -> None:
    good = reports_xml(REPORTS[:2]).decode()
    broken = good.replace(
        f"<reportId>{REPORTS[1].report_id}</reportId>", "<reportId>x</reportId>", 1
    )
    with pytest.raises(ReportFileError) as refused:
        read_reports(broken.encode(), "two.xml")
    assert refused.value.path == "reports/report[2]/reportId"


HOSTILE = {
    "entity expansion": b'<?xml version="1.0"?><!DOCTYPE r [<!ENTITY a "aaaaaaaaaa">'
    b'<!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">]><report><reportId>&b;</reportId></report>',
    "external entity": b'<?xml version="1.0"?><!DOCTYPE r [<!ENTITY x SYSTEM "file:///etc/passwd">]>'
    b"<report><reportId>&x;</reportId></report>",
    "external DTD": b'<?xml version="1.0"?><!DOCTYPE report SYSTEM "http://example.org/r.dtd">'
    b"<report><reportId>1</reportId></report>",
}


@pytest.mark.parametrize("kind", sorted(HOSTILE))
def test_hostile_xml_is_refused_before_it_is_read(kind: str) -> None:
    with pytest.raises(ReportFileError) as refused:
        read_reports(HOSTILE[kind], "hostile.xml")
    assert "refused unsafe XML" in refused.value.reason


def test_a_huge_file_is_refused_unread(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(reading, "MAX_FILE_BYTES", 1000)
    path = tmp_path / "big.xml"
    path.write_bytes(b"<report>" + b" " * 2000 + b"</report>")
    with pytest.raises(ReportFileError, match="larger than 1,000 bytes"):
        read_report_file(path)


def test_neither_xml_nor_json_nor_a_report_root() -> None:
    with pytest.raises(ReportFileError, match="neither XML nor JSON"):
        read_reports(b"hello", "x.txt")
    with pytest.raises(ReportFileError, match="root element must be"):
        read_reports(b"<other/>", "x.xml")
    with pytest.raises(ReportFileError, match="not well-formed"):
        read_reports(b"<report>", "x.xml")


def test_a_report_twice_in_one_file_is_refused() -> None:
    with pytest.raises(ReportFileError, match="already at"):
        read_reports(reports_json([REPORTS[0], REPORTS[0]]), "twice.json")


def test_a_reports_json_text_is_its_json_document_written() -> None:
    """The import stores `json_text()`; pages and exports read `as_json()`'s document."""
    for report in generate_reports(20, seed=5, files_per_report=3, shared_fraction=0.5):
        assert report.json_text() == json.dumps(report.as_json())
        assert json.loads(report.json_text()) == report.as_json()
