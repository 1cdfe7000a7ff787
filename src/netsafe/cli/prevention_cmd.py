"""`netsafe prevention`: import contact records, export aggregates, check the prevention file.

Run by the charity's operator on the server. Records go in through the same validation as the API
(`prevention.contact_fields`); only aggregates come out, suppressed under 5.
"""

from __future__ import annotations

import csv
from datetime import date
from pathlib import Path
from typing import Any

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
from netsafe.platform.roles import Role, Viewer
from netsafe.prevention.access_audit import AccessAction, audit_access
from netsafe.prevention.aggregates import (
    default_period,
    figures_across_the_wall,
    prevention_figures,
)
from netsafe.prevention.code_words import CodeWordHasher
from netsafe.prevention.contact_fields import (
    CONTACT_FIELDS,
    REQUIRED_FIELDS,
    ContactFieldsError,
    parse_contact,
)
from netsafe.prevention.contacts import Area, ContactDraft, record_contact
from netsafe.prevention.settings_file import (
    PREVENTION_FILE_NAME,
    PreventionFileError,
    load_prevention_config,
)
from netsafe.store.repositories.prevention import (
    SqlAccessAuditRepository,
    SqlContactRepository,
    SqlPreventionAggregates,
)

app = typer.Typer(
    help="Prevention: import anonymous contact records, export suppressed aggregates.",
    no_args_is_help=True,
)

#: The CLI acts as the charity's helpline when it imports (it runs on the server, by the operator).
CLI_IMPORTER = Viewer(user_id=0, username="netsafe-cli", agency="charity", role=Role.HELPLINE)
MAX_ERRORS_SHOWN = 25


def read_contacts_csv(path: Path, hasher: CodeWordHasher, today: date) -> list[ContactDraft]:
    """Every row of a contacts CSV as a validated draft; `BadInputError` naming each bad line and
    field when anything is wrong (so nothing is imported)."""
    try:
        handle = path.open(encoding="utf-8-sig", newline="")
    except OSError as error:
        raise BadInputError(f"{path}: can't read: {error.strerror}") from None
    with handle:
        reader = csv.DictReader(handle)
        header = reader.fieldnames or []
        unknown = [name for name in header if name not in CONTACT_FIELDS]
        missing = [name for name in REQUIRED_FIELDS if name not in header]
        if unknown or missing or not header:
            parts = [f"unknown column(s) {', '.join(unknown)}"] if unknown else []
            parts += [f"missing column(s) {', '.join(missing)}"] if missing else []
            raise BadInputError(
                f"{path}: line 1 (header): {'; '.join(parts) or 'empty file'} "
                f"(columns: {', '.join(CONTACT_FIELDS)})"
            )
        drafts: list[ContactDraft] = []
        errors: list[str] = []
        with progress_bar() as progress:
            task = progress.add_task("checking contacts", total=None)
            for row in reader:
                line = reader.line_num
                if None in row:
                    errors.append(f"{path}: line {line}: more cells than columns")
                    continue
                try:
                    drafts.append(parse_contact(row, hasher=hasher, today=today))
                except ContactFieldsError as error:
                    errors += [f"{path}: line {line}: {problem}" for problem in error.problems]
                progress.advance(task)
    if errors:
        shown = errors[:MAX_ERRORS_SHOWN]
        more = len(errors) - len(shown)
        raise BadInputError(
            f"{len(errors)} problem(s), nothing imported:\n"
            + "\n".join(shown)
            + (f"\n… and {more} more" if more else "")
        )
    return drafts


def import_contacts(
    file: Path = typer.Argument(..., help="CSV with a header: " + ", ".join(CONTACT_FIELDS)),
    as_json: bool = typer.Option(False, "--json", help=JSON_OPTION_HELP),
) -> None:
    """Import contact records from a CSV: all or nothing, every bad line and field named."""
    context = command_context()
    hasher = CodeWordHasher.from_secret(context.settings.secret_key)
    drafts = read_contacts_csv(file, hasher, date.today())
    with context.transaction() as session:
        repository = SqlContactRepository(session)
        ids = [record_contact(repository, CLI_IMPORTER, draft).id for draft in drafts]
        if ids:
            audit_access(
                SqlAccessAuditRepository(session), CLI_IMPORTER, AccessAction.IMPORT, date.today()
            )
    result = {"file": str(file), "imported": len(ids), "first_id": ids[0] if ids else None}
    emit(
        result,
        as_json=as_json,
        render=lambda c: c.print(f"imported {len(ids)} contact(s) from {file}"),
    )


def _render_aggregates(console: Printer, data: dict[str, Any]) -> None:
    period = data["period"]
    console.print(
        f"prevention aggregates {period['from']} to {period['to']}"
        f" ({data['area'] or 'all areas'}); counts under 5 read <5"
    )
    contacts = data["contacts"]
    table: list[tuple[str, str]] = []
    for name in ("total", "people", "returning_people", "follow_ups"):
        table.append((f"contacts: {name.replace('_', ' ')}", str(contacts[name])))
    for group in ("by_channel", "by_who", "by_concern", "by_area", "by_heard_via"):
        for key, value in contacts[group].items():
            table.append((f"contacts {group.replace('_', ' ')}: {key}", str(value)))
    for module, events in data["self_help"].items():
        for event, value in events.items():
            table.append((f"self-help {module}: {event}", str(value)))
    for step, value in data["funnel"].items():
        table.append((f"deterrence funnel: {step}", str(value)))
    print_table(console, ("figure", "value"), table)


def export(
    aggregate: bool = typer.Option(
        False, "--aggregate", help="Export aggregates (the only export there is: required)."
    ),
    date_from: str | None = typer.Option(
        None, "--from", metavar="DATE", help="First day (YYYY-MM-DD); default a year before --to."
    ),
    date_to: str | None = typer.Option(
        None,
        "--to",
        metavar="DATE",
        help=(
            "Last day (YYYY-MM-DD); default the latest day with a contact "
            "(the counters' latest day when there is none)."
        ),
    ),
    area: str | None = typer.Option(None, help="A force area, elsewhere or unknown."),
    as_json: bool = typer.Option(False, "--json", help=JSON_OPTION_HELP),
) -> None:
    """Export prevention aggregates (counts under 5 read "<5"); records never leave."""
    if not aggregate:
        raise BadInputError("--aggregate is required: only aggregates leave prevention, no records")
    try:
        last = date.fromisoformat(date_to) if date_to else None
        first = date.fromisoformat(date_from) if date_from else None
        chosen_area = None if area is None else Area(area)
    except ValueError as error:
        raise BadInputError(f"--from/--to/--area: {error}") from None
    context = command_context()
    with context.transaction() as session:
        source = SqlPreventionAggregates(session)
        try:
            period = default_period(first, last, latest=source.latest_day(), today=date.today())
        except ValueError as error:
            raise BadInputError(f"--from/--to: {error}") from None
        figures = prevention_figures(source, period, chosen_area)
    data = figures_across_the_wall(figures)
    emit(data, as_json=as_json, render=lambda c: _render_aggregates(c, data))


def check_config(
    file: Path | None = typer.Argument(
        None, help=f"The prevention file; default NETSAFE_HOME/{PREVENTION_FILE_NAME}."
    ),
    as_json: bool = typer.Option(False, "--json", help=JSON_OPTION_HELP),
) -> None:
    """Check a prevention file (helpline details, deterrence patterns, self-help modules)."""
    path = file or command_context().settings.home / PREVENTION_FILE_NAME
    if file is not None and not file.is_file():
        raise BadInputError(f"{file}: no such file")
    try:
        config = load_prevention_config(path)
    except PreventionFileError as error:
        raise BadInputError(str(error)) from None
    patterns = config.patterns
    result = {
        "file": str(path),
        "found": path.is_file(),
        "helpline": config.helpline.as_json(),
        "terms": len(patterns.terms),
        "url_patterns": len(patterns.url_patterns),
        "hashes": len(patterns.hashes),
        "self_help_modules": list(config.self_help_modules),
    }
    emit(
        result,
        as_json=as_json,
        render=lambda c: c.print(
            f"{path}: {'ok' if path.is_file() else 'not found (defaults: no patterns)'}; "
            f"{len(patterns.terms)} terms, {len(patterns.url_patterns)} URL patterns, "
            f"{len(patterns.hashes)} hashes, {len(config.self_help_modules)} self-help modules"
        ),
    )


app.command("import-contacts")(import_contacts)
app.command("export")(export)
app.command("check-config")(check_config)
