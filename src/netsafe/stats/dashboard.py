"""The statistics dashboard's content: headline figures, two monthly charts and per-force bars,
each chart with the table of its numbers (exported as CSV), and the table of every figure.
"""

from __future__ import annotations

from dataclasses import dataclass

from netsafe.platform.agencies import FORCE_SLUGS
from netsafe.stats.charts import force_bars, monthly_chart
from netsafe.stats.figures import Figure
from netsafe.stats.metrics import HEADLINE, METRICS
from netsafe.stats.service import (
    Statistics,
    StatsRequest,
    compute_statistics,
    monthly_series,
)
from netsafe.stats.sources import EnforcementSource, PreventionSource
from netsafe.stats.tables import DataTable, figures_table, force_table, monthly_table

ENFORCEMENT_SERIES = ("warrants_executed", "arrests", "devices_seized")
PREVENTION_SERIES = ("people_seeking_help",)
FORCE_BARS = ("warrants_executed", "arrests", "devices_seized")


@dataclass(frozen=True, slots=True)
class Chart:
    """A chart as inline SVG and the table of its numbers."""

    title: str
    svg: str
    table: DataTable


@dataclass(frozen=True, slots=True)
class Dashboard:
    statistics: Statistics
    headline: list[Figure]
    charts: list[Chart]
    figures: DataTable

    def tables(self) -> dict[str, DataTable]:
        """Every table by its CSV name."""
        return {t.name: t for t in [*(c.table for c in self.charts), self.figures]}


def tables_only(
    enforcement: EnforcementSource, prevention: PreventionSource, request: StatsRequest
) -> dict[str, DataTable]:
    """The dashboard's tables without drawing its charts (for CSV export)."""
    return build_dashboard(enforcement, prevention, request, draw=False).tables()


def build_dashboard(
    enforcement: EnforcementSource,
    prevention: PreventionSource,
    request: StatsRequest,
    *,
    draw: bool = True,
) -> Dashboard:
    """Everything the dashboard shows for the request."""
    statistics = compute_statistics(enforcement, prevention, request)
    period, force = statistics.period, statistics.force
    charts: list[Chart] = []
    for name, title, names in (
        ("monthly-enforcement", "Police figures per month", ENFORCEMENT_SERIES),
        ("monthly-prevention", "People seeking help per month", PREVENTION_SERIES),
    ):
        series = monthly_series(enforcement, prevention, period, force, names)
        labelled = {METRICS[n].label: series.values[n] for n in names}
        svg = ""
        if draw:
            svg = monthly_chart(
                series.months, labelled, title=title, width=10, height=3, show_title=False
            )
        charts.append(Chart(title, svg, monthly_table(series, name)))
    if force is None:
        title = "By force"
        bars = {
            METRICS[n].label: [_int(statistics.figures[n].by_force[f].value) for f in FORCE_SLUGS]
            for n in FORCE_BARS
        }
        svg = ""
        if draw:
            svg = force_bars(FORCE_SLUGS, bars, title=title, width=10, height=3.6, show_title=False)
        charts.append(Chart(title, svg, force_table(statistics)))
    return Dashboard(
        statistics,
        [statistics.figures[name] for name in HEADLINE],
        charts,
        figures_table(statistics),
    )


def _int(value: int | str) -> int:
    """Police figures are never suppressed; a string here would be a bug."""
    if not isinstance(value, int):
        raise TypeError(f"a police figure should be a number, not {value!r}")
    return value
