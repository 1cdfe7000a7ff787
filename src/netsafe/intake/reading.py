"""Read a report file (XML or JSON, told apart by content) into reports, safely, one report at
a time.

XML is parsed incrementally (defusedxml's `iterparse`, DTDs forbidden): entity expansion
("billion laughs"), external entities and any `<!DOCTYPE>` are refused before anything is read,
and each `<report>` of a `<reports>` file is built and let go before the next is parsed, so
memory does not grow with the file (a 10,000-report file: docs/performance.md). A JSON file is
parsed whole and so is held to a smaller size. A file over its size limit is refused without
being parsed. A file is read whole or refused whole: the reader raises `ReportFileError` at the
first wrong report, naming the file, the element path and why, and the importer, which writes
in one transaction per file, rolls back what it stored of the file before.
"""

from __future__ import annotations

import io
import json
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import IO

import defusedxml.ElementTree as SafeElementTree
from defusedxml import DefusedXmlException

from netsafe.intake.model import CyberTipReport
from netsafe.intake.nodes import JsonNode, Node, XmlNode, local_name
from netsafe.intake.report_builder import ReportError, build_report

#: The largest XML report file read (bigger ones are refused unread): 512 MiB. It is parsed a
#: report at a time, so this bounds a file's transaction, not the memory it takes.
MAX_FILE_BYTES = 512 * 1024 * 1024
#: The largest JSON report file read (parsed whole): 64 MiB.
MAX_JSON_BYTES = 64 * 1024 * 1024
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
    """The reports one file holds (read whole: tests and small files)."""

    file: str
    format: str
    reports: tuple[CyberTipReport, ...]


def _unsafe(file: str, error: Exception) -> ReportFileError:
    return ReportFileError(file, "", f"refused unsafe XML ({type(error).__name__}): {error}")


def _roots_xml(source: IO[bytes], file: str) -> Iterator[Node]:
    """The `<report>` elements of an XML file as they are parsed, each cleared once the
    caller has asked for the next. A report's path names its index unless it is alone."""
    try:
        events = SafeElementTree.iterparse(source, events=("start", "end"), forbid_dtd=True)
        depth, root, many, index = 0, None, False, 0
        pending = None  # the last report of <reports>: alone, or [index]? (known at the next)
        for event, element in events:
            if event == "start":
                depth += 1
                if depth == 1:
                    root, name = element, local_name(element.tag)
                    if name not in ("report", "reports"):
                        reason = "the root element must be <report> or <reports>"
                        raise ReportFileError(file, name, reason)
                    many = name == "reports"
                continue
            depth -= 1
            if root is None or depth != 1 or not many:
                if depth == 0 and not many:
                    yield XmlNode(element, "report")
                continue
            if local_name(element.tag) != "report":
                root.remove(element)  # not a report: nothing reads it
                continue
            if pending is not None:
                yield XmlNode(pending, f"reports/report[{index}]")
                root.remove(pending)
            pending, index = element, index + 1
        if pending is not None:
            yield XmlNode(pending, "reports/report" if index == 1 else f"reports/report[{index}]")
    except DefusedXmlException as error:
        raise _unsafe(file, error) from None
    except SafeElementTree.ParseError as error:
        raise ReportFileError(file, "", f"not well-formed XML: {error}") from None


def _roots_json(data: bytes, file: str) -> list[Node]:
    if len(data) > MAX_JSON_BYTES:
        raise ReportFileError(file, "", f"larger than {MAX_JSON_BYTES:,} bytes (JSON)")
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


class ReportStream:
    """The reports of one file, built one at a time as they are iterated (once). Iterating
    raises `ReportFileError` at the first wrong report, a report number twice, more than
    `MAX_REPORTS_PER_FILE` reports, or none."""

    def __init__(self, file: str, file_format: str, roots: Iterator[Node]) -> None:
        self.file = file
        self.format = file_format
        self._roots = roots

    def __iter__(self) -> Iterator[CyberTipReport]:
        seen: dict[str, str] = {}
        for root in self._roots:
            if len(seen) >= MAX_REPORTS_PER_FILE:
                raise ReportFileError(self.file, "", f"more than {MAX_REPORTS_PER_FILE:,} reports")
            try:
                report = build_report(root)
            except ReportError as error:
                raise ReportFileError(self.file, error.path, error.reason) from None
            if report.report_id in seen:
                where = seen[report.report_id]
                reason = f"report {report.report_id} is already at {where}"
                raise ReportFileError(self.file, root.path, reason)
            seen[report.report_id] = root.path
            yield report
        if not seen:
            raise ReportFileError(self.file, "", "no report in the file")


def _stream(source: IO[bytes], file: str) -> ReportStream:
    head = source.read(4096)
    source.seek(0)
    start = head.lstrip()[:1]
    if start == b"<" or head.startswith(b"\xef\xbb\xbf<"):
        return ReportStream(file, "xml", _roots_xml(source, file))
    if start in (b"{", b"["):
        return ReportStream(file, "json", iter(_roots_json(source.read(), file)))
    raise ReportFileError(file, "", "neither XML nor JSON")


def report_stream(data: bytes, file: str) -> ReportStream:
    """The reports in `data` (the bytes of `file`, named in errors), one at a time."""
    if len(data) > MAX_FILE_BYTES:
        raise ReportFileError(file, "", f"larger than {MAX_FILE_BYTES:,} bytes")
    return _stream(io.BytesIO(data), file)


def read_reports(data: bytes, file: str) -> ReportFileContent:
    """The reports in `data`, read whole."""
    stream = report_stream(data, file)
    return ReportFileContent(file, stream.format, tuple(stream))


@contextmanager
def open_report_file(path: Path) -> Iterator[ReportStream]:
    """The reports of a file on disk, one at a time, while the file is open (refused unread
    when too big)."""
    try:
        size = path.stat().st_size
        if size > MAX_FILE_BYTES:
            raise ReportFileError(str(path), "", f"larger than {MAX_FILE_BYTES:,} bytes")
        source = path.open("rb")
    except OSError as error:
        raise ReportFileError(str(path), "", f"cannot read: {error.strerror or error}") from None
    with source:
        yield _stream(source, str(path))


def read_report_file(path: Path) -> ReportFileContent:
    """The reports of a file on disk, read whole."""
    with open_report_file(path) as stream:
        return ReportFileContent(str(path), stream.format, tuple(stream))


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
