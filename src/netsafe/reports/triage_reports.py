"""Every report of a triage, written into its output folder: the report sink of the pipeline."""

from __future__ import annotations

from pathlib import Path

from netsafe.reports.triage_document import write_html, write_pdf
from netsafe.reports.triage_files import write_errors, write_findings, write_summary
from netsafe.reports.triage_inventory import write_inventory
from netsafe.reports.triage_vics import write_case_export
from netsafe.triage.result import TriageResult


class ReportSink:
    """Writes summary.json, findings.csv, errors.csv, report.html, report.pdf, the VICS export,
    and with `inventory` inventory.csv (streamed from the triage's journal in `out`)."""

    def __init__(self, out: Path, *, pdf: bool = True, inventory: bool = False) -> None:
        self.out = out
        self.pdf = pdf
        self.inventory = inventory
        self.written: list[Path] = []

    def write(self, result: TriageResult) -> None:
        self.out.mkdir(parents=True, exist_ok=True)
        self.written = [
            write_summary(result, self.out),
            write_findings(result, self.out),
            write_errors(result, self.out),
            write_html(result, self.out),
            write_case_export(result, self.out),
        ]
        if self.pdf:
            self.written.append(write_pdf(result, self.out))
        if self.inventory:
            self.written.append(write_inventory(self.out))
