"""Triage results kept in the database against the exhibit reference, so the platform can show
them on the exhibit's page: the run (counts, categories, verification, where the reports are)
and its findings. Storage is behind `TriageRepository` (implemented in `netsafe.store`)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any, Protocol

from netsafe.triage.result import Finding, TriageResult


@dataclass(frozen=True, slots=True)
class TriageRun:
    """One triage of an exhibit, as stored. `id` is 0 until stored."""

    exhibit: str
    case: str | None
    started_at: datetime
    finished_at: datetime
    files_scanned: int
    bytes_scanned: int
    files_matched: int
    findings: int
    files_ignored: int
    items_in_error: int
    warnings: int
    out_dir: str
    category_counts: dict[str, int] = field(default_factory=dict)
    summary: dict[str, Any] = field(default_factory=dict)
    id: int = 0

    @property
    def verified_sources(self) -> list[dict[str, Any]]:
        """Each source's verification (E01 stored MD5 checks), from the summary."""
        return [s.get("verification") or {} for s in self.summary.get("sources", [])]

    @property
    def encrypted_volumes(self) -> list[dict[str, Any]]:
        """Each encrypted volume of each source (scheme, opened or not), from the summary."""
        return [
            {"source": s.get("path", ""), **volume}
            for s in self.summary.get("sources", [])
            for volume in s.get("encrypted_volumes") or []
        ]


class TriageRepository(Protocol):
    """Where triage runs and their findings are kept."""

    def add_run(self, run: TriageRun, findings: Sequence[Finding]) -> TriageRun: ...

    def runs_for_exhibit(self, exhibit: str) -> list[TriageRun]: ...

    def latest_run(self, exhibit: str) -> TriageRun | None: ...

    def findings(
        self, run_id: int, *, limit: int | None = None, offset: int = 0
    ) -> list[Finding]: ...


def run_of(result: TriageResult, out: Path) -> TriageRun:
    """The stored form of a triage result."""
    summary = result.summary()
    return TriageRun(
        exhibit=result.exhibit,
        case=result.case,
        started_at=result.started_at,
        finished_at=result.finished_at,
        files_scanned=result.files_scanned,
        bytes_scanned=result.bytes_scanned,
        files_matched=result.matched_files(),
        findings=summary["findings"],
        files_ignored=result.files_ignored,
        items_in_error=result.items_in_error,
        warnings=result.warnings,
        out_dir=str(out),
        category_counts=result.category_counts(),
        summary=summary,
    )


class RepositorySink:
    """The database sink: stores a finished triage against its exhibit reference.

    It never commits: the caller's unit of work does.
    """

    def __init__(self, repository: TriageRepository, out: Path) -> None:
        self.repository = repository
        self.out = out
        self.stored: TriageRun | None = None

    def write(self, result: TriageResult) -> None:
        self.stored = self.repository.add_run(run_of(result, self.out), result.findings())


class TriageSink(Protocol):
    """Receives a finished exhibit's result: report files, the database."""

    def write(self, result: TriageResult) -> None: ...
