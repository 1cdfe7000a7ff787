"""`netsafe hash`: MD5, SHA-1, SHA-256 and PDQ of files (no database needed)."""

from __future__ import annotations

from pathlib import Path

import typer

from netsafe.cli.output import (
    JSON_OPTION_HELP,
    BadInputError,
    Printer,
    emit,
    print_table,
    progress_bar,
    stderr_console,
)
from netsafe.signals import registry
from netsafe.signals.batch import NotAFileError, collect_files, fingerprint_files
from netsafe.signals.fingerprint import FileFingerprint
from netsafe.signals.pdq import DIHEDRAL_NAMES

#: Show a progress bar from this many files on.
PROGRESS_FROM = 20


def hash_files(
    paths: list[Path] = typer.Argument(..., help="Files (or folders, with --recursive) to hash."),
    as_json: bool = typer.Option(False, "--json", help=JSON_OPTION_HELP),
    dihedral: bool = typer.Option(
        False, "--dihedral", help="Also print the 8 PDQ hashes of the image rotated and flipped."
    ),
    recursive: bool = typer.Option(
        False, "--recursive", "-r", help="Hash every file under the folders given."
    ),
    workers: int = typer.Option(0, "--workers", help="Worker processes (0: one per core)."),
) -> None:
    """Print the MD5, SHA-1, SHA-256 and (for images) PDQ hash and quality of each file, and
    (for videos and animated images) its vPDQ.

    The type is sniffed from the content, not the name. A file that cannot be read or decoded
    gets an `error` (its cryptographic hashes are still printed when it could be read).
    """
    try:
        files = collect_files(paths, recursive=recursive)
    except NotAFileError as error:
        raise BadInputError(str(error)) from error
    results: list[FileFingerprint] = []
    with progress_bar(disable=len(files) < PROGRESS_FROM) as progress:
        task = progress.add_task("hashing", total=len(files))
        for fingerprint in fingerprint_files(files, dihedral=dihedral, workers=workers or None):
            results.append(fingerprint)
            progress.advance(task)
    errors = sum(1 for result in results if result.error)
    emit(
        [result.to_json() for result in results],
        as_json=as_json,
        render=lambda console: _render(console, results, errors),
    )
    if as_json and errors:
        stderr_console().print(f"{len(results)} files, {errors} with errors")


def _render(console: Printer, results: list[FileFingerprint], errors: int) -> None:
    extras = [signal.name for signal in registry.extra_signals()]
    columns = ("path", "size", "type", "md5", "sha1", "sha256", "pdq", "quality", *extras, "error")
    rows = [
        (
            result.path,
            f"{result.size:,}",
            result.media_type or "",
            result.md5,
            result.sha1,
            result.sha256,
            result.pdq or "",
            "" if result.pdq_quality is None else str(result.pdq_quality),
            *(result.signals.get(name, "") for name in extras),
            result.error or "",
        )
        for result in results
    ]
    print_table(console, columns, rows, fold=True)
    for result in results:
        for name, value in zip(DIHEDRAL_NAMES, result.dihedral or (), strict=False):
            console.print(f"{result.path}  {name:<13} {value}", highlight=False)
    console.print(f"{len(results)} files, {errors} with errors", highlight=False)
