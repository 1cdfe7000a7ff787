"""The triage pipeline: enumerate an exhibit's sources, skip what the journal already holds, scan
the rest in batches on a runner, journal every result, and build the exhibit's `TriageResult`.

The result is this run's results together with those an earlier, interrupted run journaled, so a
run resumed later ends with exactly the results an uninterrupted run would have.
"""

from __future__ import annotations

import functools
import time
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Protocol

from netsafe import __version__
from netsafe.triage.items import FileItem, ItemError, ItemResult, SourceVerification
from netsafe.triage.journal import Journal
from netsafe.triage.result import SourceSummary, TriageResult
from netsafe.triage.runners import Runner, Task
from netsafe.triage.scan import ScanConfig
from netsafe.triage.sources import Source, open_source
from netsafe.triage.sources.disk_image import DiskImageSource
from netsafe.triage.worker import ItemBatch, scan_batch, verify_image

#: A batch's size: large enough that the pool's per-task costs (~0.6 ms in the main process's
#: threads) vanish per file; a SIGKILL loses at most the batches in flight (8 on 2 workers).
BATCH_FILES = 256
BATCH_BYTES = 64 * 1024 * 1024


@dataclass(frozen=True)
class ExhibitPlan:
    """One exhibit to triage: its reference, case, sources and output folder."""

    exhibit: str
    sources: tuple[Path, ...]
    out: Path
    case: str | None = None
    verify_images: bool = True
    lists: tuple[dict[str, Any], ...] = field(default_factory=tuple)

    def journal_params(self) -> dict[str, Any]:
        return {
            "exhibit": self.exhibit,
            "case": self.case,
            "sources": [str(s.resolve()) for s in self.sources],
        }


class ProgressReporter(Protocol):
    """Told how much there is to do and how much got done (the CLI draws a bar)."""

    def start(
        self, exhibit: str, files: int, size: int, done_files: int, done_bytes: int
    ) -> None: ...

    def advance(self, files: int, size: int) -> None: ...

    def finish(self) -> None: ...


class NoProgress:
    """A reporter that shows nothing."""

    def start(self, exhibit: str, files: int, size: int, done_files: int, done_bytes: int) -> None:
        return None

    def advance(self, files: int, size: int) -> None:
        return None

    def finish(self) -> None:
        return None


def triage_exhibit(
    plan: ExhibitPlan,
    runner: Runner,
    config: ScanConfig,
    *,
    resume: bool = False,
    progress: ProgressReporter | None = None,
) -> TriageResult:
    """Triage every source of `plan` and return its result (reports are the caller's sinks)."""
    progress = progress or NoProgress()
    started = datetime.now(UTC)
    main_cpu = time.process_time()
    plan.out.mkdir(parents=True, exist_ok=True)
    journal = Journal(plan.out, plan.journal_params(), resume=resume)
    try:
        sources = [open_source(path, index) for index, path in enumerate(plan.sources)]
        items: list[FileItem] = []
        enumeration_errors: list[ItemError] = []
        for source in sources:
            for found in source.items():
                if isinstance(found, FileItem):
                    items.append(found)
                else:
                    enumeration_errors.append(found)
        done = journal.done_keys()
        pending = [item for item in items if item.key not in done]
        finished = [item for item in items if item.key in done]
        progress.start(
            plan.exhibit,
            len(items),
            sum(i.size for i in items),
            len(finished),
            sum(i.size for i in finished),
        )
        tasks = _tasks(plan, sources, journal, config, pending)
        scanned: list[ItemResult] = []
        worker_cpu = 0.0
        for outcome in runner.run(tasks):
            if isinstance(outcome, SourceVerification):
                journal.record_verification(outcome)
                continue
            journal.record_rows(outcome.rows)
            worker_cpu += outcome.cpu_seconds
            scanned.extend(outcome.results)
            progress.advance(len(outcome.results), sum(r.bytes_read for r in outcome.results))
        journal.commit()
        progress.finish()
        result = _assemble(
            plan, sources, items, enumeration_errors, journal, started, runner, scanned, config
        )
        own = time.process_time() - main_cpu  # in process, the workers' CPU is already in it
        result.cpu_seconds = own if runner.in_process else own + worker_cpu
        return result
    finally:
        journal.close()


def _tasks(
    plan: ExhibitPlan,
    sources: Sequence[Source],
    journal: Journal,
    config: ScanConfig,
    pending: list[FileItem],
) -> Iterator[Task]:
    if plan.verify_images:
        for source in sources:
            if isinstance(source, DiskImageSource) and journal.verification(source.label) is None:
                yield functools.partial(verify_image, source.label, str(source.path))
    for batch in batches(pending):
        yield functools.partial(scan_batch, config, ItemBatch(batch))


def batches(items: list[FileItem]) -> Iterator[list[FileItem]]:
    """Items grouped into batches of at most BATCH_FILES files or BATCH_BYTES bytes."""
    batch: list[FileItem] = []
    size = 0
    for item in items:
        if batch and (len(batch) >= BATCH_FILES or size + item.size > BATCH_BYTES):
            yield batch
            batch, size = [], 0
        batch.append(item)
        size += item.size
    if batch:
        yield batch


def _assemble(
    plan: ExhibitPlan,
    sources: Sequence[Source],
    items: list[FileItem],
    enumeration_errors: list[ItemError],
    journal: Journal,
    started: datetime,
    runner: Runner,
    scanned: list[ItemResult],
    config: ScanConfig,
) -> TriageResult:
    wanted = {item.key for item in items}
    this_run = {result.key for result in scanned}
    earlier = (r for r in journal.results(skip=this_run) if r.key in wanted)
    results: list[ItemResult] = [*scanned, *earlier]
    records = [record for result in results for record in result.records]
    errors = enumeration_errors + [error for result in results for error in result.errors]
    verifications = {v.source: v for v in journal.verifications()}
    summaries = []
    for source in sources:
        own = [i for i in items if i.source == source.label]
        summaries.append(
            SourceSummary(
                path=source.label,
                kind=source.kind,
                files=len(own),
                bytes=sum(i.size for i in own),
                errors=sum(1 for e in errors if e.source == source.label),
                verification=verifications.get(source.label),
            )
        )
    records.sort(key=lambda r: (r.source, r.path))
    errors.sort(key=lambda e: (e.source, e.path, e.kind))
    return TriageResult(
        exhibit=plan.exhibit,
        case=plan.case,
        started_at=started,
        finished_at=datetime.now(UTC),
        sources=summaries,
        records=records,
        errors=errors,
        tool_version=__version__,
        lists=list(plan.lists),
        runner=runner.description,
        resumed=bool(len(items) - len(scanned)),
        scanned_this_run=len(scanned),
        hashes=config.hashes,
    )
