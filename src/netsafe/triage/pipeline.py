"""The triage pipeline: enumerate an exhibit's sources, skip what the journal already holds, scan
the rest in batches on a runner (the first batches go out while the listing goes on), journal
every result, and build the exhibit's `TriageResult`.

The result is this run's results together with those an earlier, interrupted run journaled, so a
run resumed later ends with exactly the results an uninterrupted run would have.
"""

from __future__ import annotations

import dataclasses
import functools
import time
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Protocol

from netsafe import __version__
from netsafe.triage.items import FileItem, ItemError, ItemResult, Severity, SourceVerification
from netsafe.triage.journal import Journal
from netsafe.triage.plain import PlainFiles
from netsafe.triage.result import SourceSummary, TriageResult
from netsafe.triage.runners import Runner, Task
from netsafe.triage.scan_config import ScanConfig
from netsafe.triage.sources import Source, open_source
from netsafe.triage.sources.disk_image import DiskImageSource
from netsafe.triage.verification import verification_errors
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
    #: Carve disk images' unallocated and unpartitioned space (`triage.carving`).
    carve: bool = True
    #: Who ran the triage, as the reports name them (`--examiner`, else the system user).
    examiner: str = ""

    def journal_params(self) -> dict[str, Any]:
        return {
            "exhibit": self.exhibit,
            "case": self.case,
            "sources": [str(s.resolve()) for s in self.sources],
        }


class ProgressReporter(Protocol):
    """Told how much got done and, once the sources are listed, how much there is to do (the
    CLI draws a bar). Scanning starts while the sources are still being listed."""

    def start(self, exhibit: str) -> None: ...

    def listed(self, files: int, done_files: int) -> None:
        """Every source is listed: `files` in all, of which `done_files` were finished by an
        earlier run. (Sizes come with the results: a folder is listed without a stat a file.)"""
        ...

    def advance(self, files: int, size: int) -> None: ...

    def finish(self) -> None: ...


class NoProgress:
    """A reporter that shows nothing."""

    def start(self, exhibit: str) -> None:
        return None

    def listed(self, files: int, done_files: int) -> None:
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
    if config.carve != plan.carve:  # nested disk images are carved (or not) like sources
        config = dataclasses.replace(config, carve=plan.carve)
    started = datetime.now(UTC)
    main_cpu = time.process_time()
    plan.out.mkdir(parents=True, exist_ok=True)
    journal = Journal(plan.out, plan.journal_params(), resume=resume)
    try:
        sources = [
            open_source(path, index, config.keys, carve=plan.carve)
            for index, path in enumerate(plan.sources)
        ]
        listing = _Listing(sources, journal.done_keys(), progress)
        progress.start(plan.exhibit)
        tasks = _tasks(plan, sources, journal, config, listing)
        scanned = _Scanned()
        for outcome in runner.run(tasks):
            if isinstance(outcome, SourceVerification):
                journal.record_verification(outcome)
                continue
            journal.record_rows(outcome.rows)
            plain = outcome.plain_files()
            if len(plain):
                journal.record_plain(outcome.plain, len(plain))
                scanned.plain.append(plain)
            scanned.cpu_seconds += outcome.cpu_seconds
            scanned.results.extend(outcome.results)
            progress.advance(
                len(outcome.results) + len(plain),
                sum(r.bytes_read for r in outcome.results) + plain.total_bytes,
            )
        journal.commit()
        progress.finish()
        result = _assemble(plan, sources, listing, journal, started, runner, scanned, config)
        own = time.process_time() - main_cpu  # in process, the workers' CPU is already in it
        result.cpu_seconds = own if runner.in_process else own + scanned.cpu_seconds
        return result
    finally:
        journal.close()


@dataclass
class _Scanned:
    """What this run scanned: results of files scanned in full, plain files, workers' CPU."""

    results: list[ItemResult] = field(default_factory=list)
    plain: list[PlainFiles] = field(default_factory=list)
    cpu_seconds: float = 0.0

    def count(self) -> int:
        return len(self.results) + sum(len(p) for p in self.plain)


class _Listing:
    """The exhibit's items, listed source by source while the first batches are scanned: every
    item and enumeration error is kept, and the items no earlier run finished are handed on."""

    def __init__(
        self, sources: Sequence[Source], done: set[str], progress: ProgressReporter
    ) -> None:
        self.sources = sources
        self.done = done
        self.progress = progress
        self.items: list[FileItem] = []
        self.errors: list[ItemError] = []

    def pending(self) -> Iterator[FileItem]:
        items, errors, done = self.items, self.errors, self.done
        for source in self.sources:
            for found in source.items():
                if isinstance(found, FileItem):
                    items.append(found)
                    if found.key not in done:
                        yield found
                else:
                    errors.append(found)
        self.progress.listed(len(items), sum(1 for item in items if item.key in done))


def _tasks(
    plan: ExhibitPlan,
    sources: Sequence[Source],
    journal: Journal,
    config: ScanConfig,
    listing: _Listing,
) -> Iterator[Task]:
    if plan.verify_images:
        for source in sources:
            if isinstance(source, DiskImageSource) and journal.verification(source.label) is None:
                yield functools.partial(verify_image, source.label, str(source.path))
    for batch in batches(listing.pending()):
        yield functools.partial(scan_batch, config, ItemBatch(batch))


def batches(items: Iterable[FileItem]) -> Iterator[list[FileItem]]:
    """Items grouped into batches of at most BATCH_FILES files or BATCH_BYTES bytes (of the
    sizes known before reading)."""
    batch: list[FileItem] = []
    size = 0
    for item in items:
        known = item.size or 0  # unknown sizes (a folder's files) count as small
        if batch and (len(batch) >= BATCH_FILES or size + known > BATCH_BYTES):
            yield batch
            batch, size = [], 0
        batch.append(item)
        size += known
    if batch:
        yield batch


def _assemble(
    plan: ExhibitPlan,
    sources: Sequence[Source],
    listing: _Listing,
    journal: Journal,
    started: datetime,
    runner: Runner,
    scanned: _Scanned,
    config: ScanConfig,
) -> TriageResult:
    items = listing.items
    wanted = {item.key for item in items}
    earlier = (r for r in journal.earlier_results() if r.key in wanted)
    results: list[ItemResult] = [*scanned.results, *earlier]
    plain = PlainFiles.concat(
        [
            *scanned.plain,
            *(
                part.select(i for i, key in enumerate(part.keys) if key in wanted)
                for part in journal.earlier_plain()
            ),
        ]
    )
    records = [record for result in results for record in result.records]
    errors = listing.errors + [error for result in results for error in result.errors]
    verifications = {v.source: v for v in journal.verifications()}
    errors += [row for v in verifications.values() for row in verification_errors(v)]
    sizes = dict(zip(plain.keys, plain.sizes, strict=True))
    sizes.update((result.key, result.bytes_read) for result in results)
    summaries = []
    for source in sources:
        own = [i for i in items if i.source == source.label and not i.carved]
        own_keys = {i.key for i in own}
        summaries.append(
            SourceSummary(
                path=source.label,
                kind=source.kind,
                files=len(own),
                bytes=sum(sizes.get(i.key, 0) for i in own),
                errors=sum(1 for e in errors if e.source == source.label),
                verification=verifications.get(source.label),
                unread=_unread(own, [e for e in errors if e.source == source.label]),
                encrypted=(
                    *source.encrypted,
                    *(v for r in results if r.key in own_keys for v in r.encrypted),
                ),
            )
        )
    records.sort(key=lambda r: (r.source, r.path))
    errors.sort(key=lambda e: (e.source, e.path, e.kind))
    return TriageResult(
        exhibit=plan.exhibit,
        case=plan.case,
        examiner=plan.examiner,
        started_at=started,
        finished_at=datetime.now(UTC),
        sources=summaries,
        records=records,
        errors=errors,
        tool_version=__version__,
        lists=list(plan.lists),
        runner=runner.description,
        resumed=bool(len(items) - scanned.count()),
        scanned_this_run=scanned.count(),
        hashes=config.hashes,
        plain=plain,
    )


def _unread(items: list[FileItem], errors: list[ItemError]) -> str:
    """Why a source yielded nothing at all, from its errors ("" when it yielded a file, or when
    it is merely empty: an empty folder is no error)."""
    if items:
        return ""
    reasons = [f"{e.kind}: {e.reason}" for e in errors if e.severity is Severity.ERROR]
    if not reasons:
        return ""
    more = f" (and {len(reasons) - 3} more)" if len(reasons) > 3 else ""
    return "; ".join(reasons[:3]) + more
