"""Run a triage of exhibits: plan them, bring the matching index in step with the stored lists,
scan each exhibit on a runner, and hand each result to its sinks (report files, the database).

`netsafe triage` parses its options into a `TriageRequest`, calls `run_triage` and prints the
`TriageOutcome`; the demo runs its generated devices through `triage_exhibits`, the same
sequence without the lists, the reports or the database. What the user can put right is raised
as `TriageRequestError`, naming the option.
"""

from __future__ import annotations

import dataclasses
import getpass
import re
from collections.abc import Callable, Sequence
from contextlib import AbstractContextManager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy.orm import Session

from netsafe.hashlists.index_sync import crypto_patterns, sync_index
from netsafe.hashlists.model import HashList
from netsafe.reports.triage_reports import ReportSink
from netsafe.signals.crypto import choose_hashes
from netsafe.store.repositories.hashlists import SqlHashListRepository
from netsafe.store.repositories.triage import SqlTriageRepository
from netsafe.triage.journal import JournalError
from netsafe.triage.list_index import index_matcher
from netsafe.triage.names import is_shown_as_is, shown_name
from netsafe.triage.openers.interfaces import KeyRing
from netsafe.triage.pipeline import ExhibitPlan, ProgressReporter, triage_exhibit
from netsafe.triage.result import TriageResult
from netsafe.triage.runners import Runner, make_runner
from netsafe.triage.scan_config import ScanConfig
from netsafe.triage.stored import RepositorySink

#: Opens the one transaction of a step (the CLI's `CommandContext.transaction`).
Transaction = Callable[[], AbstractContextManager[Session]]
#: What is done with an exhibit's finished result (write reports, store it).
ResultSink = Callable[[ExhibitPlan, TriageResult], None]


class TriageRequestError(ValueError):
    """The request is wrong (a source, an exhibit reference, an option): nothing was triaged."""


@dataclass(frozen=True, slots=True)
class TriageRequest:
    """One `netsafe triage`: the sources, their exhibit references and the options."""

    sources: tuple[Path, ...]
    #: Once for all sources, or once per source (in order).
    exhibits: tuple[str, ...]
    case: str | None = None
    #: The output folder (one exhibit) or the parent of one folder per exhibit; None: the home's.
    out: Path | None = None
    workers: int | None = None
    #: A Dask scheduler's address; None: the `dask_scheduler` setting.
    scheduler: str | None = None
    resume: bool = False
    verify: bool = True
    carve: bool = True
    hashes: str = "auto"
    inventory: bool = False
    pdf: bool = True
    #: None: the user running the command.
    examiner: str | None = None


@dataclass(frozen=True, slots=True)
class TriageOutcome:
    """Each exhibit's summary (with its output folder under `out`)."""

    summaries: list[dict[str, Any]]

    def unread_sources(self) -> list[dict[str, Any]]:
        """The sources nothing could be read from: the run must not pass as a clean device."""
        return [s for summary in self.summaries for s in summary["sources"] if s["unread"]]

    def items_unread(self) -> list[dict[str, Any]]:
        """The exhibits with items in error (errors.csv's error rows): read, but not fully, so
        the run must not pass as a clean device either."""
        return [summary for summary in self.summaries if summary["items_in_error"]]


def run_triage(
    request: TriageRequest,
    *,
    home: Path,
    index_folder: Path,
    dask_scheduler: str | None,
    transaction: Transaction,
    keys: Callable[[], KeyRing] = KeyRing,
    progress: Callable[[], ProgressReporter] | None = None,
) -> TriageOutcome:
    """Triage every exhibit of `request` against the lists stored (indexed in `index_folder`);
    each result goes to its report folder and, in one transaction, to the database. `keys` is
    asked for the volume keys once the request has been checked (it may prompt for them);
    `progress` makes each exhibit's progress reporter."""
    plans = plan_exhibits(home, request)
    examiner = examiner_name(request.examiner)
    # the pool's workers start now: they load their code while the lists are brought in step
    runner = _runner(request.workers, request.scheduler or dask_scheduler)
    try:
        lists = _sync_lists(transaction, index_folder)
        chosen = _hashes(request.hashes, index_folder)
        config = ScanConfig(*index_matcher(index_folder), hashes=chosen, keys=keys())
        inventory = request.inventory or request.hashes.strip().lower() == "all"

        def write_reports(plan: ExhibitPlan, result: TriageResult) -> None:
            ReportSink(plan.out, pdf=request.pdf, inventory=inventory).write(result)

        def store(plan: ExhibitPlan, result: TriageResult) -> None:
            with transaction() as session:
                RepositorySink(SqlTriageRepository(session), plan.out).write(result)

        plans = [
            dataclasses.replace(plan, lists=tuple(lists), carve=request.carve, examiner=examiner)
            for plan in plans
        ]
        results = triage_exhibits(
            plans,
            runner,
            config,
            sinks=(write_reports, store),
            resume=request.resume,
            progress=progress,
        )
    finally:
        runner.close()
    return TriageOutcome(
        [
            {**result.summary(), "out": str(plan.out)}
            for plan, result in zip(plans, results, strict=True)
        ]
    )


def triage_exhibits(
    plans: Sequence[ExhibitPlan],
    runner: Runner,
    config: ScanConfig,
    *,
    sinks: Sequence[ResultSink] = (),
    resume: bool = False,
    progress: Callable[[], ProgressReporter] | None = None,
) -> list[TriageResult]:
    """Triage each exhibit in turn on `runner` (with a new `progress()` reporter each), handing
    each result to every sink before the next exhibit starts. A journal that does not fit the
    request is a TriageRequestError."""
    results = []
    for plan in plans:
        reporter = None if progress is None else progress()
        try:
            result = triage_exhibit(plan, runner, config, resume=resume, progress=reporter)
        except JournalError as error:
            raise TriageRequestError(str(error)) from error
        for sink in sinks:
            sink(plan, result)
        results.append(result)
    return results


def plan_exhibits(home: Path, request: TriageRequest) -> list[ExhibitPlan]:
    """One plan per exhibit: every source exists, every reference is given, and each exhibit
    has its output folder (`out`, else `home/triage/<exhibit>`)."""
    sources, exhibits, out = request.sources, request.exhibits, request.out
    for source in sources:
        if not source.exists() and not source.is_symlink():
            raise TriageRequestError(f"{shown_name(str(source))}: no such file or folder")
        if not is_shown_as_is(str(source)):
            # (the reports name each source by its path, and carry UTF-8 only; a name inside a
            # source is shown escaped, `triage.names`, but the source must be found again)
            raise TriageRequestError(
                f"{shown_name(str(source))}: the path is not valid UTF-8; give it through a "
                "link or a copy with a UTF-8 name"
            )
    for reference in exhibits:
        if not reference.strip():
            raise TriageRequestError("--exhibit: the reference is empty")
    case, verify = request.case, request.verify
    if len(exhibits) == 1:
        folder = out or home / "triage" / folder_name(exhibits[0])
        return [ExhibitPlan(exhibits[0], tuple(sources), folder.resolve(), case, verify)]
    if len(exhibits) != len(sources):
        raise TriageRequestError(
            f"--exhibit given {len(exhibits)} times for {len(sources)} sources: "
            "give it once (all sources are one exhibit) or once per source"
        )
    grouped: dict[str, list[Path]] = {}
    for reference, source in zip(exhibits, sources, strict=True):
        grouped.setdefault(reference, []).append(source)
    parent = out or home / "triage"
    return [
        ExhibitPlan(ref, tuple(paths), (parent / folder_name(ref)).resolve(), case, verify)
        for ref, paths in grouped.items()
    ]


def folder_name(reference: str) -> str:
    """A folder name for an exhibit reference (`SWP/AB/1` -> `SWP_AB_1`)."""
    return re.sub(r"[^A-Za-z0-9._-]+", "_", reference).strip("._") or "exhibit"


def examiner_name(given: str | None) -> str:
    """The examiner the reports name: the one given, else the user running the command."""
    if given is not None:
        if not given.strip():
            raise TriageRequestError("--examiner: the name is empty")
        return given.strip()
    try:
        return getpass.getuser()
    except (KeyError, OSError):  # no user name in the environment or the password database
        return "unknown (no --examiner given, and the system names no user)"


def _sync_lists(transaction: Transaction, index_folder: Path) -> list[dict[str, Any]]:
    """Bring the matching index in step with the stored lists; describe the lists for reports."""
    with transaction() as session:
        repository = SqlHashListRepository(session)
        sync_index(index_folder, repository)
        return [_describe(hash_list) for hash_list in repository.all()]


def _describe(hash_list: HashList) -> dict[str, Any]:
    return {
        "name": hash_list.name,
        "version": hash_list.provenance.version,
        "source": hash_list.provenance.source,
        "action": hash_list.settings.action.value,
        "entries": hash_list.entry_count,
        "revision": hash_list.revision,
    }


def _hashes(choice: str, index_folder: Path) -> tuple[str, ...]:
    try:
        return choose_hashes(choice, crypto_patterns(index_folder))
    except ValueError as error:
        raise TriageRequestError(f"--hashes: {error}") from error


def _runner(workers: int | None, address: str | None) -> Runner:
    try:
        return make_runner(workers=workers, scheduler=address)
    except OSError as error:
        raise TriageRequestError(f"--scheduler {address}: cannot connect ({error})") from error
