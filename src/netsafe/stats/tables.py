"""The tables under the charts, and their CSV export: every figure, the monthly series and the
per-force split, each a `DataTable` that the dashboard shows and `to_csv` writes."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass

from netsafe.platform.agencies import FORCE_SLUGS, OPERATION_AGENCIES
from netsafe.prevention.suppression import ShownCount
from netsafe.stats.metrics import ENFORCEMENT_METRICS, METRICS
from netsafe.stats.service import MonthlySeries, Statistics

Cell = ShownCount | float | None

#: The CSV's column names (stable, for scripts) in words, for people reading the page.
COLUMN_WORDS = {
    "figure": "Figure",
    "part": "Part",
    "value": "Value",
    "previous": "Previous period",
    "change_pct": "Change (%)",
    "month": "Month",
    "force": "Force",
}
#: Row names in words: force slugs as the force's name, "all" as all forces.
ROW_WORDS = {a.slug: a.name for a in OPERATION_AGENCIES} | {"all": "All forces"}


def in_words(name: str) -> str:
    """A column or row name as people read it: a figure's label (`referrals_received` →
    "Referrals received"), its `_previous` and `_change_pct` columns, a force's name; a
    breakdown part `source=public-report` as "source: public report"."""
    if name in COLUMN_WORDS:
        return COLUMN_WORDS[name]
    if name in ROW_WORDS:
        return ROW_WORDS[name]
    if name in METRICS:
        return METRICS[name].label
    for suffix, words in (("_previous", "previous period"), ("_change_pct", "change (%)")):
        if name.endswith(suffix) and name.removesuffix(suffix) in METRICS:
            return f"{METRICS[name.removesuffix(suffix)].label}, {words}"
    if "=" in name:
        key, _, value = name.partition("=")
        return f"{key.replace('_', ' ')}: {value.replace('-', ' ').replace('_', ' ')}"
    return name


@dataclass(frozen=True, slots=True)
class DataTable:
    """A titled table: `name` is its CSV file name (without `.csv`)."""

    name: str
    title: str
    columns: list[str]
    rows: list[list[Cell]]

    @property
    def headings(self) -> list[str]:
        """The column names in words (the page's headers; the CSV keeps `columns`)."""
        return [in_words(column) for column in self.columns]


def _cell(value: Cell) -> str:
    if value is None:
        return ""
    return str(value)


def to_csv(table: DataTable) -> str:
    """The table as CSV (header row first; empty cells for no value; "<5" kept as text)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(table.columns)
    writer.writerows([_cell(c) for c in row] for row in table.rows)
    return buffer.getvalue()


def figures_table(statistics: Statistics) -> DataTable:
    """Every figure and each part of its breakdown: value, previous and change."""
    rows: list[list[Cell]] = []
    for figure in statistics.figures.values():
        total = figure.total
        rows.append([figure.name, "", total.value, total.previous, total.change_pct])
        for key, part in figure.breakdown.items():
            rows.append(
                [
                    figure.name,
                    f"{figure.breakdown_name}={key}",
                    part.value,
                    part.previous,
                    part.change_pct,
                ]
            )
    return DataTable(
        "figures",
        f"All figures, {statistics.period.label()}",
        ["figure", "part", "value", "previous", "change_pct"],
        rows,
    )


def monthly_table(series: MonthlySeries, name: str = "monthly") -> DataTable:
    """One row per month, one column per figure."""
    names = list(series.values)
    rows: list[list[Cell]] = [
        [month, *(series.values[n][index] for n in names)]
        for index, month in enumerate(series.months)
    ]
    return DataTable(
        name, "Per month: " + ", ".join(METRICS[n].label for n in names), ["month", *names], rows
    )


def force_table(statistics: Statistics, names: list[str] | None = None) -> DataTable:
    """One row per force (and the all-forces total), value and change of each police figure."""
    names = names or [m.name for m in ENFORCEMENT_METRICS]
    columns = ["force"]
    for name in names:
        columns += [name, f"{name}_previous", f"{name}_change_pct"]
    rows: list[list[Cell]] = []
    for force in FORCE_SLUGS:
        row: list[Cell] = [force]
        for name in names:
            part = statistics.figures[name].by_force.get(force)
            row += (
                [None, None, None] if part is None else [part.value, part.previous, part.change_pct]
            )
        rows.append(row)
    total_row: list[Cell] = ["all"]
    for name in names:
        total = statistics.figures[name].total
        total_row += [total.value, total.previous, total.change_pct]
    rows.append(total_row)
    return DataTable("by-force", "By force", columns, rows)
