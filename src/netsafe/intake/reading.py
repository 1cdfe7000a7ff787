"""Read a report file (XML or JSON, told apart by content) into reports, safely.

XML is parsed by defusedxml with DTDs forbidden: entity expansion ("billion laughs"),
external entities and any `<!DOCTYPE>` are refused before anything is read. A file over
`MAX_FILE_BYTES` is refused without being parsed. A file is read whole or refused whole: the
first wrong report stops it, and `ReportFileError` names the file, the element path and why.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import defusedxml.ElementTree as SafeElementTree
from defusedxml import DefusedXmlException

from netsafe.intake.model import CyberTipReport
from netsafe.intake.nodes import JsonNode, Node, XmlNode, local_name
from netsafe.intake.report_builder import ReportError, build_report

#: The largest report file read (bigger ones are refused unread): 64 MiB.
MAX_FILE_BYTES = 64 * 1024 * 1024
#: The most reports one file may hold.
MAX_REPORTS_PER_FILE = 100_000
#: The file name suffixes a folder is searched for.
REPORT_SUFFIXES = (".xml", ".json")


class ReportFileError(ValueError):
    """A report file refused: `file`, the element `path` (or "" for the file as a whole) and
    the `reason`."""

    def __init__(self, file: str, path: str, reason: str) -> None:
        super().__init__(f"{file}: {path}: {reason}" if path else f"{file}: {reason}")
        self.file = file
        self.path = path
        self.reason = reason


@dataclass(frozen=True, slots=True)
class ReportFileContent:
    """The reports one file holds."""

    file: str
    format: str
    reports: tuple[CyberTipReport, ...]


def _roots_xml(data: bytes, file: str) -> list[Node]:
    try:
        root = SafeElementTree.fromstring(data, forbid_dtd=True)
    except DefusedXmlException as error:
        reason = f"refused unsafe XML ({type(error).__name__}): {error}"
        raise ReportFileError(file, "", reason) from None
    except SafeElementTree.ParseError as error:
        raise ReportFileError(file, "", f"not well-formed XML: {error}") from None
    name = local_name(root.tag)
    if name == "report":
        return [XmlNode(root, "report")]
    if name == "reports":
        return XmlNode(root, "reports").children("report")
    raise ReportFileError(file, name, "the root element must be <report> or <reports>")


def _roots_json(data: bytes, file: str) -> list[Node]:
    try:
        document = json.loads(data)
    except (ValueError, RecursionError) as error:
        raise ReportFileError(file, "", f"not valid JSON: {error}") from None
    if isinstance(document, list):
        return JsonNode({"report": document}, "").children("report")
    if isinstance(document, dict) and "reports" in document:
        if not isinstance(document["reports"], list):
            raise ReportFileError(file, "reports", "must be a list of reports")
        return JsonNode({"report": document["reports"]}, "reports").children("report")
    if isinstance(document, dict) and isinstance(document.get("report"), dict):
        return [JsonNode(document["report"], "report")]
    if isinstance(document, dict):
        return [JsonNode(document, "report")]
    raise ReportFileError(file, "", "a JSON report file holds a report object or a list")


def read_reports(data: bytes, file: str) -> ReportFileContent:
    """The reports in `data` (the bytes of `file`, named in errors)."""
    if len(data) > MAX_FILE_BYTES:
        raise ReportFileError(file, "", f"larger than {MAX_FILE_BYTES:,} bytes")
    start = data.lstrip()[:1]
    if start == b"<" or data.startswith(b"\xef\xbb\xbf<"):
        fmt, roots = "xml", _roots_xml(data, file)
    elif start in (b"{", b"["):
        fmt, roots = "json", _roots_json(data, file)
    else:
        raise ReportFileError(file, "", "neither XML nor JSON")
    if not roots:
        raise ReportFileError(file, "", "no report in the file")
    if len(roots) > MAX_REPORTS_PER_FILE:
        raise ReportFileError(file, "", f"more than {MAX_REPORTS_PER_FILE:,} reports")
    reports = []
    seen: dict[str, str] = {}
    for root in roots:
        try:
            report = build_report(root)
        except ReportError as error:
            raise ReportFileError(file, error.path, error.reason) from None
        if report.report_id in seen:
            raise ReportFileError(
                file, root.path, f"report {report.report_id} is already at {seen[report.report_id]}"
            )
        seen[report.report_id] = root.path
        reports.append(report)
    return ReportFileContent(file, fmt, tuple(reports))


def read_report_file(path: Path) -> ReportFileContent:
    """`read_reports` of a file on disk (refused unread when too big)."""
    try:
        size = path.stat().st_size
        if size > MAX_FILE_BYTES:
            raise ReportFileError(str(path), "", f"larger than {MAX_FILE_BYTES:,} bytes")
        data = path.read_bytes()
    except OSError as error:
        raise ReportFileError(str(path), "", f"cannot read: {error.strerror or error}") from None
    return read_reports(data, str(path))


def report_files(paths: list[Path]) -> Iterator[Path]:
    """The files named, and the .xml/.json files under folders named (sorted); a path that
    does not exist is yielded as is, for the reader to refuse."""
    for path in paths:
        if path.is_dir():
            yield from sorted(
                p for p in path.rglob("*") if p.is_file() and p.suffix.lower() in REPORT_SUFFIXES
            )
        else:
            yield path
