"""`netsafe hashlist`: import, list, show, export and delete known-hash lists."""

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
from netsafe.hashlists.export import ExportFormat, UnknownListError, export_list
from netsafe.hashlists.formats import ListFormat
from netsafe.hashlists.model import (
    DEFAULT_MAX_DISTANCE,
    DEFAULT_QUALITY_FLOOR,
    DEFAULT_VPDQ_COMPARED_MATCH,
    DEFAULT_VPDQ_MAX_DISTANCE,
    DEFAULT_VPDQ_QUALITY_FLOOR,
    DEFAULT_VPDQ_QUERY_MATCH,
    HashList,
    ListAction,
    Provenance,
)
from netsafe.store.repositories.hashlists import SqlHashListRepository
from netsafe.usecases.import_hashlist import (
    ImportOutcome,
    ImportRequest,
    ListImportError,
    delete_hashlist,
    import_hashlist,
    load_categories,
    parse_released,
)

app = typer.Typer(
    help="Known-hash lists: import, list, show, export, delete.", no_args_is_help=True
)

CATEGORY_MAP_HELP = "TOML file mapping VICS category numbers (default: the documented UK mapping)."


@app.command("import")
def import_command(
    file: Path = typer.Argument(..., help="The list file (VICS JSON, CSV, NSRL RDS, plain text)."),
    name: str = typer.Option(..., "--name", help="The list's name; an existing list is replaced."),
    list_format: ListFormat = typer.Option(ListFormat.AUTO, "--format", help="File format."),
    category_map: Path | None = typer.Option(
        None, "--category-map", metavar="FILE", help=CATEGORY_MAP_HELP
    ),
    action: ListAction | None = typer.Option(
        None, "--action", help="alert (known images) or ignore (known-good, e.g. NSRL: default)."
    ),
    max_distance: int | None = typer.Option(
        None, "--max-distance", min=0, max=256, help=f"PDQ match distance [{DEFAULT_MAX_DISTANCE}]."
    ),
    quality_floor: int | None = typer.Option(
        None,
        "--quality-floor",
        min=0,
        max=100,
        help=f"Least PDQ quality [{DEFAULT_QUALITY_FLOOR}].",
    ),
    vpdq_max_distance: int | None = typer.Option(
        None,
        "--vpdq-max-distance",
        min=0,
        max=256,
        help=f"vPDQ: PDQ distance of matching frames [{DEFAULT_VPDQ_MAX_DISTANCE}].",
    ),
    vpdq_quality_floor: int | None = typer.Option(
        None,
        "--vpdq-quality-floor",
        min=0,
        max=100,
        help=f"vPDQ: least quality of a frame compared [{DEFAULT_VPDQ_QUALITY_FLOOR}].",
    ),
    vpdq_query_match: float | None = typer.Option(
        None,
        "--vpdq-query-match",
        metavar="SHARE",
        min=0.0,
        max=1.0,
        help=f"vPDQ: least share of the query's frames matched [{DEFAULT_VPDQ_QUERY_MATCH}].",
    ),
    vpdq_compared_match: float | None = typer.Option(
        None,
        "--vpdq-compared-match",
        metavar="SHARE",
        min=0.0,
        max=1.0,
        help=f"vPDQ: least share of the listed video's frames matched "
        f"[{DEFAULT_VPDQ_COMPARED_MATCH}].",
    ),
    source: str | None = typer.Option(None, "--source", help="Where the list comes from."),
    version: str | None = typer.Option(None, "--version", help="The release's version."),
    released: str | None = typer.Option(
        None, "--released", metavar="DATE", help="Release date, YYYY-MM-DD."
    ),
    handling_note: str | None = typer.Option(
        None, "--handling-note", metavar="TEXT", help="How to handle it."
    ),
    skip_invalid: bool = typer.Option(
        False,
        "--skip-invalid",
        help="Skip invalid entries (counted, with reasons) instead of failing.",
    ),
    as_json: bool = typer.Option(False, "--json", help=JSON_OPTION_HELP),
) -> None:
    """Import a list file as list NAME; a new version replaces the old one atomically.

    Prints the entries added and removed. A failed import leaves the database as it was.
    """
    context = command_context()
    try:
        given = Provenance(source, version, parse_released(released), handling_note)
        request = ImportRequest(
            file,
            name,
            list_format=list_format,
            category_map=category_map,
            action=action,
            max_distance=max_distance,
            quality_floor=quality_floor,
            vpdq_max_distance=vpdq_max_distance,
            vpdq_quality_floor=vpdq_quality_floor,
            vpdq_query_match=vpdq_query_match,
            vpdq_compared_match=vpdq_compared_match,
            provenance=given,
            skip_invalid=skip_invalid,
        )
        with progress_bar() as progress:
            task = progress.add_task(f"importing {file.name}", total=None)
            outcome = import_hashlist(
                request,
                context.transaction,
                context.settings.index_folder,
                on_batch=lambda n: progress.advance(task, n),
            )
    except ListImportError as error:
        raise BadInputError(str(error)) from error
    emit(outcome.as_json(), as_json=as_json, render=lambda c: _render_import(c, outcome))


def _render_import(console: Printer, outcome: ImportOutcome) -> None:
    report, known_good = outcome.report, outcome.known_good
    if known_good is not None:
        console.print(
            f"recognised as {known_good.source}: a known-good set (category "
            f"{known_good.category_number} read as ignorable)",
            highlight=False,
        )
    verb = "replaced" if report.replaced else "imported"
    console.print(
        f"{report.name}: {verb} as revision {report.revision} ({report.format}): "
        f"{report.entries:,} entries, {report.added:,} added, {report.removed:,} removed",
        highlight=False,
    )
    if report.skipped.count:
        console.print(f"skipped {report.skipped.count:,} invalid entries:", highlight=False)
        for reason, count in report.skipped.reasons.most_common(10):
            console.print(f"  {count:>8,}  {reason}", highlight=False)


@app.command("list")
def list_command(as_json: bool = typer.Option(False, "--json", help=JSON_OPTION_HELP)) -> None:
    """List every imported list: action, entries, revision, source, version and vPDQ thresholds."""
    with command_context().transaction() as session:
        lists = SqlHashListRepository(session).all()
    emit([hl.as_json() for hl in lists], as_json=as_json, render=lambda c: _render_lists(c, lists))


#: The vPDQ thresholds' columns in `hashlist list` (the import options' names).
VPDQ_COLUMNS = (
    "vpdq_max_distance",
    "vpdq_quality_floor",
    "vpdq_query_match",
    "vpdq_compared_match",
)


def _render_lists(console: Printer, lists: list[HashList]) -> None:
    columns = ("name", "action", "entries", "revision", "format", "source", "version")
    rows = [
        (
            hl.name,
            hl.settings.action.value,
            f"{hl.entry_count:,}",
            str(hl.revision),
            hl.format,
            hl.provenance.source or "",
            hl.provenance.version or "",
            *(f"{value:g}" for value in hl.settings.vpdq_json().values()),
        )
        for hl in lists
    ]
    print_table(console, (*columns, *VPDQ_COLUMNS), rows, right=("entries", *VPDQ_COLUMNS))


def _get(name: str) -> HashList:
    with command_context().transaction() as session:
        found = SqlHashListRepository(session).get(name)
    if found is None:
        raise BadInputError(f"no hash list called {name!r}")
    return found


@app.command("show")
def show_command(
    name: str = typer.Argument(..., help="The list's name."),
    as_json: bool = typer.Option(False, "--json", help=JSON_OPTION_HELP),
) -> None:
    """Show one list: provenance, action, thresholds, entries per category."""
    found = _get(name)
    data = found.as_json()
    emit(data, as_json=as_json, render=lambda c: _render_show(c, data))


def _render_show(console: Printer, data: dict[str, object]) -> None:
    for key, value in data.items():
        if isinstance(value, dict) and key != "categories":  # the vPDQ thresholds
            value = ", ".join(f"{name} {setting}" for name, setting in value.items())
        if key != "categories":
            console.print(f"{key:>14}: {'' if value is None else value}", highlight=False)
    categories = data.get("categories")
    if isinstance(categories, dict):
        for category, count in categories.items():
            console.print(f"{'category ' + str(category):>14}: {count:,}", highlight=False)


@app.command("export")
def export_command(
    name: str = typer.Argument(..., help="The list's name."),
    export_format: ExportFormat = typer.Option(
        ..., "--format", help="vics, vics-cases, csv, plain."
    ),
    output: Path = typer.Option(..., "--output", "-o", metavar="FILE", help="The file to write."),
    category_map: Path | None = typer.Option(
        None, "--category-map", metavar="FILE", help=CATEGORY_MAP_HELP
    ),
    as_json: bool = typer.Option(False, "--json", help=JSON_OPTION_HELP),
) -> None:
    """Export a list as VICS 2.0 (`vics`: hash set, `vics-cases`: case form), CSV or plain text."""
    try:
        categories = load_categories(category_map)
        with command_context().transaction() as session:
            count = export_list(
                SqlHashListRepository(session), name, output, export_format, categories
            )
    except (UnknownListError, ListImportError) as error:
        raise BadInputError(str(error)) from error
    except OSError as error:
        raise BadInputError(f"{output}: {error.strerror or error}") from error
    result = {"name": name, "format": export_format.value, "output": str(output), "entries": count}
    emit(
        result,
        as_json=as_json,
        render=lambda c: c.print(f"{name}: {count:,} entries written to {output}", highlight=False),
    )


@app.command("delete")
def delete_command(
    name: str = typer.Argument(..., help="The list's name."),
    as_json: bool = typer.Option(False, "--json", help=JSON_OPTION_HELP),
) -> None:
    """Delete a list and its entries (and take them out of the matching index)."""
    context = command_context()
    try:
        deleted = delete_hashlist(name, context.transaction, context.settings.index_folder)
    except ListImportError as error:
        raise BadInputError(str(error)) from error
    found, indexed = deleted.hash_list, deleted.index
    result = {"name": name, "deleted": True, "entries": found.entry_count, "index": indexed}
    emit(
        result,
        as_json=as_json,
        render=lambda c: c.print(
            f"{name}: deleted ({found.entry_count:,} entries)", highlight=False
        ),
    )
