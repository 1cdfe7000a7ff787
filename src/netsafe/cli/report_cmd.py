"""`netsafe report operation`: the one-page operation briefing as PDF and HTML."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import typer

from netsafe.cli.context import command_context
from netsafe.cli.output import JSON_OPTION_HELP, BadInputError, emit, progress_bar
from netsafe.cli.stats_cmd import COMPARE_HELP, stats_request
from netsafe.stats.periods import StatsInputError, uk_date
from netsafe.stats.service import compute_statistics, monthly_series
from netsafe.store.repositories.stats import SqlEnforcementSource
from netsafe.store.repositories.stats_prevention import sql_prevention_source

app = typer.Typer(help="Reports: the operation briefing.", no_args_is_help=True)


@app.command("operation")
def operation(
    date_from: str | None = typer.Option(
        None, "--from", metavar="DATE", help="First UK date (YYYY-MM-DD)."
    ),
    date_to: str | None = typer.Option(
        None, "--to", metavar="DATE", help="Last UK date, included."
    ),
    output: Path = typer.Option(
        Path("report.pdf"),
        "-o",
        "--output",
        metavar="PDF",
        help="The PDF to write; the HTML goes beside it.",
    ),
    force: str | None = typer.Option(None, "--force", help="A force slug; default all forces."),
    compare: str = typer.Option("previous", "--compare", metavar="BASE", help=COMPARE_HELP),
    as_json: bool = typer.Option(False, "--json", help=JSON_OPTION_HELP),
) -> None:
    """Write the one-page briefing: headline figures, change, per-force table and a chart."""
    # Imported here: matplotlib and WeasyPrint take most of a second, and every other command
    # would pay for them at start-up.
    from netsafe.reports.operation_report import CHART, Briefing, write_briefing

    request = stats_request(date_from, date_to, force, compare)
    context = command_context()
    with progress_bar(disable=as_json) as bar:
        task = bar.add_task("counting the figures", total=2)
        with context.transaction() as session:
            enforcement = SqlEnforcementSource(session)
            prevention = sql_prevention_source(session)
            try:
                statistics = compute_statistics(enforcement, prevention, request)
            except StatsInputError as error:
                raise BadInputError(str(error)) from None
            series = monthly_series(
                enforcement, prevention, statistics.period, statistics.force, CHART
            )
        bar.update(task, advance=1, description="writing the PDF and HTML")
        briefing = Briefing(statistics, series, uk_date(datetime.now(UTC)))
        pdf_path, html_path = write_briefing(briefing, output)
        bar.update(task, advance=1)
    result = {
        "pdf": str(pdf_path),
        "html": str(html_path),
        "period": statistics.to_json()["period"],
        "force": statistics.force or "all",
    }
    emit(
        result,
        as_json=as_json,
        render=lambda c: c.print(f"briefing written: {pdf_path} and {html_path}"),
    )
