"""`netsafe stats`: the operation's figures for a period, a force and a comparison."""

from __future__ import annotations

import typer

from netsafe.cli.context import command_context
from netsafe.cli.output import JSON_OPTION_HELP, BadInputError, Printer, emit, print_table
from netsafe.stats.comparison import compare_choices
from netsafe.stats.figures import format_change, format_count
from netsafe.stats.periods import StatsInputError, parse_date
from netsafe.stats.service import Statistics, StatsRequest, compute_statistics
from netsafe.store.repositories.stats import SqlEnforcementSource
from netsafe.store.repositories.stats_prevention import sql_prevention_source

COMPARE_HELP = (
    "previous (the period of the same length before), none, or a named baseline: "
    + ", ".join(compare_choices()[2:])
)


def stats_request(
    date_from: str | None, date_to: str | None, force: str | None, compare: str
) -> StatsRequest:
    """The request the options describe; a `BadInputError` naming the option when wrong."""
    try:
        return StatsRequest(
            first=None if date_from is None else parse_date(date_from, "--from"),
            last=None if date_to is None else parse_date(date_to, "--to"),
            force=force,
            compare=compare,
        )
    except StatsInputError as error:
        raise BadInputError(str(error)) from None


def load_statistics(request: StatsRequest) -> Statistics:
    """Every figure, counted in one read-only transaction."""
    context = command_context()
    with context.transaction() as session:
        try:
            return compute_statistics(
                SqlEnforcementSource(session), sql_prevention_source(session), request
            )
        except StatsInputError as error:
            raise BadInputError(str(error)) from None


def _render(statistics: Statistics, console: Printer) -> None:
    against = statistics.comparison.against
    table: list[tuple[str, str, str, str]] = []
    for figure in statistics.figures.values():
        total = figure.total
        table.append(
            (
                figure.name,
                format_count(total.value),
                format_count(total.previous),
                format_change(total.change_pct),
            )
        )
        for key, part in figure.breakdown.items():
            table.append(
                (
                    f"  {figure.breakdown_name}: {key}",
                    format_count(part.value),
                    format_count(part.previous),
                    format_change(part.change_pct),
                )
            )
    print_table(
        console,
        ("figure", "value", "previous", "change"),
        table,
        right=("value", "previous", "change"),
        title=f"Operation NetSafe — {statistics.force or 'all forces'}, "
        f"{statistics.period.label()} (UK dates)",
        caption=f"compared with {statistics.comparison.description}"
        if against
        else "no comparison",
    )


def stats(
    date_from: str | None = typer.Option(
        None,
        "--from",
        metavar="DATE",
        help="First UK date (YYYY-MM-DD); default 12 months before --to.",
    ),
    date_to: str | None = typer.Option(
        None,
        "--to",
        metavar="DATE",
        help="Last UK date, included; default the day of the latest record.",
    ),
    force: str | None = typer.Option(None, "--force", help="A force slug; default all forces."),
    compare: str = typer.Option("previous", "--compare", metavar="BASE", help=COMPARE_HELP),
    as_json: bool = typer.Option(False, "--json", help=JSON_OPTION_HELP),
) -> None:
    """The operation's figures, counted from its records, with the change on a comparison."""
    statistics = load_statistics(stats_request(date_from, date_to, force, compare))
    emit(statistics.to_json(), as_json=as_json, render=lambda c: _render(statistics, c))
