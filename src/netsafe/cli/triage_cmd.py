"""`netsafe triage`: triage exhibits (directories, archives, disk images) against the lists.

A thin adapter: parses the options into a `TriageRequest`, calls the use case
(`netsafe.usecases.run_triage`) with a progress bar, and prints each exhibit's summary.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import typer

from netsafe.cli.context import command_context
from netsafe.cli.output import JSON_OPTION_HELP, BadInputError, emit, fail
from netsafe.cli.triage_keys import read_keys
from netsafe.cli.triage_progress import RichTriageProgress
from netsafe.usecases.run_triage import TriageRequest, TriageRequestError, run_triage


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
        metavar="REFERENCE",
        help="Exhibit reference. Once for all sources, or once per source (in order).",
    ),
    case: str | None = typer.Option(
        None, "--case", metavar="REFERENCE", help="Case reference for the reports."
    ),
    out: Path | None = typer.Option(
        None,
        "--out",
        metavar="FOLDER",
        help="Output folder (one exhibit), or the parent of one folder per exhibit. "
        "Default: NETSAFE_HOME/triage/<exhibit>.",
    ),
    workers: int | None = typer.Option(
        None, "--workers", min=0, help="Worker processes (default: one per CPU; 0: in process)."
    ),
    scheduler: str | None = typer.Option(
        None,
        "--scheduler",
        metavar="ADDRESS",
        help="Dask scheduler address (default: NETSAFE_DASK_SCHEDULER).",
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
        metavar="auto|all|LIST",
        help="Cryptographic hashes of every file: auto (the cheapest set that still finds every "
        "exact match in the lists), all, or a list such as md5,sha1. Images, archive members "
        "and matched files always get md5, sha1 and sha256. `all` also writes inventory.csv.",
    ),
    inventory: bool = typer.Option(
        False,
        "--inventory",
        help="Write inventory.csv: one row per item (source, path, size, the hashes computed, "
        "PDQ, vPDQ, media type, flags deleted/carved/thumbnail, status). Implied by --hashes all.",
    ),
    pdf: bool = typer.Option(True, "--pdf/--no-pdf", help="Write report.pdf."),
    examiner: str | None = typer.Option(
        None,
        "--examiner",
        metavar="NAME",
        help="The examiner the reports name (default: the user running the command).",
    ),
    key: list[str] = typer.Option(
        [],
        "--key",
        metavar="SOURCE=@FILE",
        help="Password or recovery key of an encrypted volume (BitLocker, LUKS, APFS): "
        "SOURCE=@FILE reads it from a file (a BitLocker startup key file, .BEK, is used as "
        "such), SOURCE=- asks for it; SOURCE is the source's path or file name, or * for any. "
        "Never given on the command line, never logged.",
    ),
    as_json: bool = typer.Option(False, "--json", help=JSON_OPTION_HELP),
) -> None:
    """Triage exhibits: hash every file (PDQ for images), match all lists, write the reports."""
    context = command_context()
    settings = context.settings
    request = TriageRequest(
        tuple(sources),
        tuple(exhibit),
        case=case,
        out=out,
        workers=workers,
        scheduler=scheduler,
        resume=resume,
        verify=verify,
        carve=carve,
        hashes=hashes,
        inventory=inventory,
        pdf=pdf,
        examiner=examiner,
    )
    try:
        outcome = run_triage(
            request,
            home=settings.home,
            index_folder=settings.index_folder,
            dask_scheduler=settings.dask_scheduler,
            transaction=context.transaction,
            keys=lambda: read_keys(key),
            progress=RichTriageProgress,
        )
    except TriageRequestError as error:
        raise BadInputError(str(error)) from error
    summaries = outcome.summaries

    def render(console: Any) -> None:
        for summary in summaries:
            _render(console, summary)

    emit(summaries[0] if len(summaries) == 1 else summaries, as_json=as_json, render=render)
    unread = outcome.unread_sources()
    if unread:
        fail(
            "nothing could be read from "
            + "; ".join(f"{s['path']} ({s['unread']})" for s in unread)
            + ": this is not a clean device"
        )
    in_error = outcome.items_unread()
    if in_error:  # something went unread: the exit code says so, not only errors.csv
        fail(
            "; ".join(
                f"exhibit {s['exhibit']}: {s['items_in_error']:,} "
                f"{'item' if s['items_in_error'] == 1 else 'items'} could not be read "
                f"(errors.csv in {s['out']})"
                for s in in_error
            )
            + ": not fully triaged, so not a clean device"
        )


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
        for volume in source.get("encrypted_volumes") or []:
            state = "decrypted with the key given" if volume["opened"] else "locked, not read"
            console.print(f"  {source['path']} {volume['volume']}: {volume['scheme']}, {state}")
    console.print(f"  reports in {summary['out']}")
