"""`netsafe triage`: triage exhibits (directories, archives, disk images) against the lists.

A thin adapter: builds the plans, the runner and the matcher, runs the pipeline, then hands each
exhibit's result to the report sink (files in --out) and the database sink (one transaction).
"""

from __future__ import annotations

import dataclasses
import getpass
import re
from pathlib import Path
from typing import Any

import typer

from netsafe.cli.context import CommandContext, command_context
from netsafe.cli.hashlist_cmd import index_folder
from netsafe.cli.output import JSON_OPTION_HELP, BadInputError, emit, fail
from netsafe.cli.triage_keys import read_keys
from netsafe.cli.triage_progress import RichTriageProgress
from netsafe.hashlists.index_sync import crypto_patterns, sync_index
from netsafe.hashlists.model import HashList
from netsafe.reports.triage_reports import ReportSink
from netsafe.settings import Settings
from netsafe.signals.crypto import choose_hashes
from netsafe.store.repositories.hashlists import SqlHashListRepository
from netsafe.store.repositories.triage import SqlTriageRepository
from netsafe.triage.journal import JournalError
from netsafe.triage.list_index import index_matcher
from netsafe.triage.pipeline import ExhibitPlan, triage_exhibit
from netsafe.triage.result import TriageResult
from netsafe.triage.runners import Runner, make_runner
from netsafe.triage.scan import ScanConfig
from netsafe.triage.stored import RepositorySink


def triage(
    sources: list[Path] = typer.Argument(
        ...,
        help="Folders, archives or disk images to triage, recognised by content: EWF "
        "(E01 and segment sets), split raw (.001, .000, .aa), VHD/VHDX, VMDK, QCOW2, raw disk "
        "or partition images (MBR/GPT/APM; FAT, exFAT, NTFS, ext, HFS+, ISO 9660, APFS).",
    ),
    exhibit: list[str] = typer.Option(
        ...,
        "--exhibit",
        help="Exhibit reference. Once for all sources, or once per source (in order).",
    ),
    case: str | None = typer.Option(None, "--case", help="Case reference for the reports."),
    out: Path | None = typer.Option(
        None,
        "--out",
        help="Output folder (one exhibit), or the parent of one folder per exhibit. "
        "Default: NETSAFE_HOME/triage/<exhibit>.",
    ),
    workers: int | None = typer.Option(
        None, "--workers", min=0, help="Worker processes (default: one per CPU; 0: in process)."
    ),
    scheduler: str | None = typer.Option(
        None, "--scheduler", help="Dask scheduler address (default: NETSAFE_DASK_SCHEDULER)."
    ),
    resume: bool = typer.Option(False, "--resume", help="Continue an interrupted triage."),
    verify: bool = typer.Option(
        True, "--verify/--no-verify", help="Hash whole disk images (E01: check the stored MD5)."
    ),
    carve: bool = typer.Option(
        True,
        "--carve/--no-carve",
        help="Carve pictures and videos from disk images' unallocated and unpartitioned space.",
    ),
    hashes: str = typer.Option(
        "auto",
        "--hashes",
        help="Cryptographic hashes of every file: auto (the cheapest set that still finds every "
        "exact match in the lists), all, or a list such as md5,sha1. Images, archive members "
        "and matched files always get md5, sha1 and sha256. `all` also writes inventory.csv.",
    ),
    inventory: bool = typer.Option(
        False,
        "--inventory",
        help="Write inventory.csv: one row per item (source, path, size, the hashes computed, "
        "PDQ, media type, flags deleted/carved/thumbnail, status). Implied by --hashes all.",
    ),
    pdf: bool = typer.Option(True, "--pdf/--no-pdf", help="Write report.pdf."),
    examiner: str | None = typer.Option(
        None,
        "--examiner",
        help="The examiner the reports name (default: the user running the command).",
    ),
    key: list[str] = typer.Option(
        [],
        "--key",
        help="Password or recovery key of an encrypted volume (BitLocker, LUKS): "
        "SOURCE=@FILE reads it from a file, SOURCE=- asks for it; SOURCE is the source's path "
        "or file name, or * for any. Never given on the command line, never logged.",
    ),
    as_json: bool = typer.Option(False, "--json", help=JSON_OPTION_HELP),
) -> None:
    """Triage exhibits: hash every file (PDQ for images), match all lists, write the reports."""
    context = command_context()
    settings = context.settings
    plans = _plans(settings, sources, exhibit, case, out, verify)
    who = _examiner(examiner)
    context.require_migrated()
    lists = _lists(context)
    chosen = _hashes(hashes, index_folder(context))
    config = ScanConfig(*index_matcher(index_folder(context)), hashes=chosen, keys=read_keys(key))
    runner = _runner(settings, workers, scheduler)
    summaries: list[dict[str, Any]] = []
    try:
        for plan in plans:
            plan = dataclasses.replace(plan, lists=tuple(lists), carve=carve, examiner=who)
            result = _run(plan, runner, config, resume)
            ReportSink(
                plan.out, pdf=pdf, inventory=inventory or hashes.strip().lower() == "all"
            ).write(result)
            with context.transaction() as session:
                RepositorySink(SqlTriageRepository(session), plan.out).write(result)
            summaries.append({**result.summary(), "out": str(plan.out)})
    finally:
        runner.close()

    def render(console: Any) -> None:
        for summary in summaries:
            _render(console, summary)

    emit(summaries[0] if len(summaries) == 1 else summaries, as_json=as_json, render=render)
    unread = [s for summary in summaries for s in summary["sources"] if s["unread"]]
    if unread:
        fail(
            "nothing could be read from "
            + "; ".join(f"{s['path']} ({s['unread']})" for s in unread)
            + ": this is not a clean device"
        )


def _run(plan: ExhibitPlan, runner: Runner, config: ScanConfig, resume: bool) -> TriageResult:
    try:
        return triage_exhibit(plan, runner, config, resume=resume, progress=RichTriageProgress())
    except JournalError as error:
        raise BadInputError(str(error)) from error


def _examiner(given: str | None) -> str:
    """The examiner the reports name: `--examiner`, else the user running the command."""
    if given is not None:
        if not given.strip():
            raise BadInputError("--examiner: the name is empty")
        return given.strip()
    try:
        return getpass.getuser()
    except (KeyError, OSError):  # no user name in the environment or the password database
        return "unknown (no --examiner given, and the system names no user)"


def _plans(
    settings: Settings,
    sources: list[Path],
    exhibits: list[str],
    case: str | None,
    out: Path | None,
    verify: bool,
) -> list[ExhibitPlan]:
    for source in sources:
        if not source.exists() and not source.is_symlink():
            raise BadInputError(f"{source}: no such file or folder")
    for reference in exhibits:
        if not reference.strip():
            raise BadInputError("--exhibit: the reference is empty")
    if len(exhibits) == 1:
        folder = out or settings.home / "triage" / folder_name(exhibits[0])
        return [ExhibitPlan(exhibits[0], tuple(sources), folder.resolve(), case, verify)]
    if len(exhibits) != len(sources):
        raise BadInputError(
            f"--exhibit given {len(exhibits)} times for {len(sources)} sources: "
            "give it once (all sources are one exhibit) or once per source"
        )
    grouped: dict[str, list[Path]] = {}
    for reference, source in zip(exhibits, sources, strict=True):
        grouped.setdefault(reference, []).append(source)
    parent = out or settings.home / "triage"
    return [
        ExhibitPlan(ref, tuple(paths), (parent / folder_name(ref)).resolve(), case, verify)
        for ref, paths in grouped.items()
    ]


def folder_name(reference: str) -> str:
    """A folder name for an exhibit reference (`SWP/AB/1` -> `SWP_AB_1`)."""
    return re.sub(r"[^A-Za-z0-9._-]+", "_", reference).strip("._") or "exhibit"


def _lists(context: CommandContext) -> list[dict[str, Any]]:
    """Bring the matching index in step with the stored lists; describe the lists for reports."""
    with context.transaction() as session:
        repository = SqlHashListRepository(session)
        sync_index(index_folder(context), repository)
        return [_describe(hash_list) for hash_list in repository.all()]


def _hashes(choice: str, index: Path) -> tuple[str, ...]:
    try:
        return choose_hashes(choice, crypto_patterns(index))
    except ValueError as error:
        raise BadInputError(f"--hashes: {error}") from error


def _describe(hash_list: HashList) -> dict[str, Any]:
    return {
        "name": hash_list.name,
        "version": hash_list.provenance.version,
        "source": hash_list.provenance.source,
        "action": hash_list.settings.action.value,
        "entries": hash_list.entry_count,
        "revision": hash_list.revision,
    }


def _runner(settings: Settings, workers: int | None, scheduler: str | None) -> Runner:
    address = scheduler or settings.dask_scheduler
    try:
        return make_runner(workers=workers, scheduler=address)
    except OSError as error:
        raise BadInputError(f"--scheduler {address}: cannot connect ({error})") from error


def _render(console: Any, summary: dict[str, Any]) -> None:
    console.print(
        f"[bold]exhibit {summary['exhibit']}[/]: {summary['files_scanned']:,} files "
        f"({summary['bytes_scanned'] / 1e6:,.1f} MB) in {summary['duration_seconds']:.1f} s; "
        f"{summary['files_matched']:,} matched, {summary['files_ignored']:,} known-good, "
        f"{summary['items_in_error']:,} in error, {summary['warnings']:,} warnings"
    )
    counts = ", ".join(f"{c}: {n}" for c, n in summary["counts_by_category"].items())
    console.print(f"  by category: {counts}")
    for source in summary["sources"]:
        verification = source.get("verification")
        if verification:
            console.print(f"  {source['path']}: {verification['detail']}")
    console.print(f"  reports in {summary['out']}")
