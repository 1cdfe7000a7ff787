"""`netsafe hashlist`: import, list, show, export and delete known-hash lists."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import typer
from rich.console import Console
from rich.table import Table
from sqlalchemy.exc import IntegrityError, OperationalError

from netsafe.cli.context import CommandContext, command_context
from netsafe.cli.output import JSON_OPTION_HELP, BadInputError, emit, progress_bar
from netsafe.hashlists.category_map import CategoryMap
from netsafe.hashlists.errors import HashListFormatError
from netsafe.hashlists.export import ExportFormat, UnknownListError, export_list
from netsafe.hashlists.formats import ListFormat
from netsafe.hashlists.importer import EmptyListError, ImportReport, import_list
from netsafe.hashlists.index_sync import sync_index
from netsafe.hashlists.known_good import KnownGoodSet
from netsafe.hashlists.known_good import recognise as recognise_known_good
from netsafe.hashlists.model import (
    DEFAULT_MAX_DISTANCE,
    DEFAULT_QUALITY_FLOOR,
    HashList,
    ListAction,
    ListSettings,
    Provenance,
)
from netsafe.hashlists.reading import ListReading
from netsafe.store.repositories.hashlists import SqlHashListRepository

app = typer.Typer(
    help="Known-hash lists: import, list, show, export, delete.", no_args_is_help=True
)

CATEGORY_MAP_HELP = "TOML file mapping VICS category numbers (default: the documented UK mapping)."


def _categories(path: Path | None) -> CategoryMap:
    try:
        return CategoryMap.load(path)
    except ValueError as error:
        raise BadInputError(str(error)) from error


def index_folder(context: CommandContext) -> Path:
    """Where the matching indexes live: the `index_folder` setting (NETSAFE_INDEX, else
    NETSAFE_HOME/index)."""
    return context.settings.index_folder


@app.command("import")
def import_command(
    file: Path = typer.Argument(..., help="The list file (VICS JSON, CSV, NSRL RDS, plain text)."),
    name: str = typer.Option(..., "--name", help="The list's name; an existing list is replaced."),
    list_format: ListFormat = typer.Option(ListFormat.AUTO, "--format", help="File format."),
    category_map: Path | None = typer.Option(None, "--category-map", help=CATEGORY_MAP_HELP),
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
    source: str | None = typer.Option(None, "--source", help="Where the list comes from."),
    version: str | None = typer.Option(None, "--version", help="The release's version."),
    released: str | None = typer.Option(None, "--released", help="Release date, YYYY-MM-DD."),
    handling_note: str | None = typer.Option(None, "--handling-note", help="How to handle it."),
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
    categories = _categories(category_map)
    try:
        released_on = date.fromisoformat(released) if released else None
    except ValueError as error:
        raise BadInputError(f"--released: {error}") from error
    if not file.is_file():
        raise BadInputError(f"{file}: no such file")
    try:
        known_good = recognise_known_good(file, list_format)
        if known_good is not None:
            # the set's own category number reads as ignorable unless a given map says otherwise
            categories = categories if category_map else known_good.categories(categories)
            action = action or known_good.action
            source = source or known_good.source
        reading = ListReading(file, list_format, categories, skip_invalid=skip_invalid)
        with context.transaction() as session, progress_bar() as progress:
            repository = SqlHashListRepository(session)
            repository.lock_imports()  # before reading the list: a concurrent import waits
            previous = repository.get(name)
            settings = _settings(previous, reading.list_format, action, max_distance, quality_floor)
            given = Provenance(source, version, released_on, handling_note)
            task = progress.add_task(f"importing {file.name}", total=None)
            report = import_list(
                repository,
                name,
                reading.batches(),
                list_format=reading.list_format.value,
                provenance=_provenance(previous, given),
                settings=settings,
                skipped=reading.skipped,
                on_batch=lambda n: progress.advance(task, n),
            )
    except (HashListFormatError, EmptyListError) as error:
        raise BadInputError(str(error)) from error
    except IntegrityError as error:
        message = f"list {name!r} was created by another import at the same time: import again"
        raise BadInputError(message) from error
    except OperationalError as error:
        if "locked" not in str(error).lower():
            raise
        message = f"another import held the lists for too long; nothing imported into {name!r}"
        raise BadInputError(message) from error
    indexed = _update_index(context)
    result = {
        **report.as_json(),
        "recognised_as": None if known_good is None else known_good.source,
        "index": indexed,
    }
    emit(result, as_json=as_json, render=lambda c: _render_import(c, report, known_good))


def _settings(
    previous: HashList | None,
    list_format: ListFormat,
    action: ListAction | None,
    max_distance: int | None,
    quality_floor: int | None,
) -> ListSettings:
    base = previous.settings if previous else ListSettings()
    if action is None:
        action = (
            base.action
            if previous
            else (ListAction.IGNORE if list_format is ListFormat.NSRL else ListAction.ALERT)
        )
    return ListSettings(
        action,
        base.max_distance if max_distance is None else max_distance,
        base.quality_floor if quality_floor is None else quality_floor,
    )


def _provenance(previous: HashList | None, given: Provenance) -> Provenance:
    """Options given win; otherwise a new version keeps the old provenance."""
    old = previous.provenance if previous else Provenance()
    return Provenance(
        given.source or old.source,
        given.version or old.version,
        given.released or old.released,
        given.handling_note or old.handling_note,
    )


def _update_index(context: CommandContext) -> dict[str, object]:
    with context.transaction() as session:
        changes = sync_index(index_folder(context), SqlHashListRepository(session))
    return changes.as_json()


def _render_import(console: Console, report: ImportReport, known_good: KnownGoodSet | None) -> None:
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
    """List every imported list: action, entries, revision, source and version."""
    with command_context().transaction() as session:
        lists = SqlHashListRepository(session).all()
    emit([hl.as_json() for hl in lists], as_json=as_json, render=lambda c: _render_lists(c, lists))


def _render_lists(console: Console, lists: list[HashList]) -> None:
    table = Table()
    for column in ("name", "action", "entries", "revision", "format", "source", "version"):
        table.add_column(column)
    for hl in lists:
        table.add_row(
            hl.name,
            hl.settings.action.value,
            f"{hl.entry_count:,}",
            str(hl.revision),
            hl.format,
            hl.provenance.source or "",
            hl.provenance.version or "",
        )
    console.print(table)


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


def _render_show(console: Console, data: dict[str, object]) -> None:
    for key, value in data.items():
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
    output: Path = typer.Option(..., "--output", "-o", help="The file to write."),
    category_map: Path | None = typer.Option(None, "--category-map", help=CATEGORY_MAP_HELP),
    as_json: bool = typer.Option(False, "--json", help=JSON_OPTION_HELP),
) -> None:
    """Export a list as VICS 2.0 (`vics`: hash set, `vics-cases`: case form), CSV or plain text."""
    categories = _categories(category_map)
    try:
        with command_context().transaction() as session:
            count = export_list(
                SqlHashListRepository(session), name, output, export_format, categories
            )
    except UnknownListError as error:
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
    with context.transaction() as session:
        repository = SqlHashListRepository(session)
        found = repository.get(name)
        if found is None:
            raise BadInputError(f"no hash list called {name!r}")
        repository.delete(found.id)
    indexed = _update_index(context)
    result = {"name": name, "deleted": True, "entries": found.entry_count, "index": indexed}
    emit(
        result,
        as_json=as_json,
        render=lambda c: c.print(
            f"{name}: deleted ({found.entry_count:,} entries)", highlight=False
        ),
    )
