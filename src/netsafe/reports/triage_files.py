"""A triage's machine-readable reports: summary.json, findings.csv and errors.csv."""

from __future__ import annotations

import csv
import json
from pathlib import Path

from netsafe.signals import registry
from netsafe.triage.result import TriageResult

FINDINGS_COLUMNS = (
    "source",
    "path",
    "size",
    "md5",
    "sha1",
    "sha256",
    "pdq",
    "list",
    "entry_id",
    "category",
    "signal",
    "distance",
    "deleted",
    "pdq_not_tried",
    "carved",
)
ERRORS_COLUMNS = ("source", "path", "severity", "kind", "reason")


def write_summary(result: TriageResult, out: Path) -> Path:
    path = out / "summary.json"
    text = json.dumps(result.summary(), indent=2, ensure_ascii=False)
    path.write_text(text + "\n", encoding="utf-8")
    return path


def write_findings(result: TriageResult, out: Path) -> Path:
    """One row per match: the file, its hashes, the list entry, category, distance, deleted,
    carved; with signals registered beyond the four built-in ones, a column for each (the
    file's value) and `scores` (what the matched signal adds, `name=value;...`)."""
    path = out / "findings.csv"
    extras = [signal.name for signal in registry.extra_signals()]
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(FINDINGS_COLUMNS + ((*extras, "scores") if extras else ()))
        for f in result.findings():
            values = dict(f.signals)
            more = [values.get(name, "") for name in extras]
            scores = ";".join(f"{name}={value:g}" for name, value in f.scores)
            writer.writerow(
                (
                    f.source,
                    f.path,
                    f.size,
                    f.md5,
                    f.sha1,
                    f.sha256,
                    f.pdq or "",
                    f.list_name,
                    f.entry_id,
                    f.category,
                    f.signal,
                    f.distance,
                    "yes" if f.deleted else "no",
                    f.pdq_not_tried,
                    "yes" if f.carved else "no",
                    *((*more, scores) if extras else ()),
                )
            )
    return path


def write_errors(result: TriageResult, out: Path) -> Path:
    """One row per item in error (or warned about): where, how serious, what, why."""
    path = out / "errors.csv"
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(ERRORS_COLUMNS)
        for e in result.errors:
            writer.writerow((e.source, e.path, e.severity.value, e.kind, e.reason))
    return path
