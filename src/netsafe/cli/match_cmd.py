"""`netsafe match`: fingerprint files and match them against the imported lists."""

from __future__ import annotations

from pathlib import Path

import typer

from netsafe.cli.context import command_context
from netsafe.cli.output import (
    JSON_OPTION_HELP,
    BadInputError,
    Printer,
    emit,
    print_table,
    progress_bar,
)
from netsafe.hashlists.index_sync import load_matcher
from netsafe.hashlists.matcher import MatchOutcome
from netsafe.signals.batch import NotAFileError, collect_files, fingerprint_files
from netsafe.signals.fingerprint import FileFingerprint
from netsafe.store.repositories.hashlists import SqlHashListRepository

PROGRESS_FROM = 20


def match_files(
    paths: list[Path] = typer.Argument(..., help="Files (or folders, with --recursive) to match."),
    as_json: bool = typer.Option(False, "--json", help=JSON_OPTION_HELP),
    max_distance: int | None = typer.Option(
        None,
        "--max-distance",
        min=0,
        max=256,
        help="PDQ distance for every list (default: each list's).",
    ),
    dihedral: bool = typer.Option(
        False, "--dihedral", help="Also match the image rotated and flipped (8 PDQ hashes)."
    ),
    recursive: bool = typer.Option(
        False, "--recursive", "-r", help="Match every file under the folders."
    ),
) -> None:
    """Match files against every imported list: known-good (ignored) files, and alert matches.

    Prints one result per file: whether an `ignore` list (e.g. NSRL) knows it, and each match
    (list, entry, category, signal, distance). Exit 0 also when some files could not be read.
    """
    try:
        files = collect_files(paths, recursive=recursive)
    except NotAFileError as error:
        raise BadInputError(str(error)) from error
    context = command_context()
    with context.transaction() as session:
        matcher = load_matcher(context.settings.index_folder, SqlHashListRepository(session))
    results: list[tuple[FileFingerprint, MatchOutcome]] = []
    with progress_bar(disable=len(files) < PROGRESS_FROM) as progress:
        task = progress.add_task("matching", total=len(files))
        for fingerprint in fingerprint_files(files, dihedral=dihedral):
            results.append((fingerprint, matcher.match(fingerprint, max_distance=max_distance)))
            progress.advance(task)
    data = [
        {"path": fp.path, "error": fp.error, "pdq_quality": fp.pdq_quality, **outcome.as_json()}
        for fp, outcome in results
    ]
    emit(data, as_json=as_json, render=lambda c: _render(c, results))


def _render(console: Printer, results: list[tuple[FileFingerprint, MatchOutcome]]) -> None:
    table: list[tuple[str, ...]] = []
    matched = ignored = 0
    for fp, outcome in results:
        if outcome.ignored:
            ignored += 1
            table.append((fp.path, "ignored", ", ".join(outcome.ignored_by), "", "", "", ""))
        elif outcome.matches:
            matched += 1
            for m in outcome.matches:
                table.append(
                    (
                        fp.path,
                        "match",
                        m.list_name,
                        str(m.entry_id),
                        m.category.value,
                        m.signal,
                        str(m.distance),
                    )
                )
        else:
            notes = [note for note in (fp.error, outcome.pdq_not_tried) if note]
            table.append(
                (fp.path, "no match" + "".join(f" ({note})" for note in notes), "", "", "", "", "")
            )
        if outcome.pdq_not_tried and outcome.matches:
            table.append((fp.path, outcome.pdq_not_tried, "", "", "", "", ""))
    columns = ("path", "result", "list", "entry", "category", "signal", "distance")
    print_table(console, columns, table, fold=True)
    not_tried = sum(1 for _, outcome in results if outcome.pdq_not_tried)
    console.print(
        f"{len(results)} files: {matched} matched, {ignored} ignored"
        + (f"; {not_tried} images too plain or too small to match by PDQ" if not_tried else ""),
        highlight=False,
    )
