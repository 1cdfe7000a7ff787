"""The operation briefing: one A4 page of headline figures, the change on the comparison period,
a per-force table and one chart, as HTML and as PDF (WeasyPrint renders the same HTML)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path

from jinja2 import Environment, PackageLoader, select_autoescape
from markupsafe import Markup

from netsafe.platform.agencies import FORCE_SLUGS, OPERATION_AGENCIES
from netsafe.stats.charts import monthly_chart
from netsafe.stats.figures import format_change, format_count
from netsafe.stats.metrics import HEADLINE, METRICS
from netsafe.stats.service import MonthlySeries, Statistics

#: The per-force table's columns and the chart's lines.
FORCE_TABLE = (
    "referrals_received",
    "warrants_executed",
    "arrests",
    "devices_seized",
    "children_safeguarded",
)
CHART = ("warrants_executed", "arrests", "devices_seized")
FORCE_NAMES = {a.slug: a.name for a in OPERATION_AGENCIES}


@dataclass(frozen=True, slots=True)
class Briefing:
    """What the briefing shows: the figures and the monthly series of the chart."""

    statistics: Statistics
    series: MonthlySeries
    generated_on: date


def _environment() -> Environment:
    environment = Environment(
        loader=PackageLoader("netsafe.reports", "templates"),
        autoescape=select_autoescape(["html"]),
        trim_blocks=True,
        lstrip_blocks=True,
    )
    environment.filters["count"] = format_count
    environment.filters["change"] = format_change
    return environment


def render_html(briefing: Briefing) -> str:
    """The briefing as one self-contained HTML page (inline CSS and SVG)."""
    statistics = briefing.statistics
    figures = statistics.figures
    chart = monthly_chart(
        briefing.series.months,
        {METRICS[name].label: briefing.series.values[name] for name in CHART},
        title="Per month: " + ", ".join(METRICS[name].label for name in CHART),
        width=7.2,
        height=2.1,
        show_title=False,
    )
    forces = [] if statistics.force else list(FORCE_SLUGS)
    rows = [
        {
            "name": FORCE_NAMES.get(slug, slug),
            "cells": [figures[name].by_force[slug] for name in FORCE_TABLE],
        }
        for slug in forces
    ]
    others = [f for name, f in figures.items() if name not in HEADLINE]
    half = (len(others) + 1) // 2
    return (
        _environment()
        .get_template("operation_report.html")
        .render(
            statistics=statistics,
            headline=[figures[name] for name in HEADLINE],
            force_columns=[METRICS[name].label for name in FORCE_TABLE],
            force_totals=[figures[name].total for name in FORCE_TABLE],
            force_rows=rows,
            other_columns=[others[:half], others[half:]],
            chart=Markup(chart),  # noqa: S704 (our own SVG, text escaped by matplotlib)
            area=FORCE_NAMES.get(statistics.force or "", "All four forces"),
            generated_on=briefing.generated_on,
        )
    )


def render_pdf(html: str) -> bytes:
    """The HTML briefing as PDF bytes."""
    from weasyprint import HTML  # imported here: loading WeasyPrint takes a moment

    pdf: bytes = HTML(string=html).write_pdf()
    return pdf


def write_briefing(briefing: Briefing, pdf_path: Path) -> tuple[Path, Path]:
    """Write the PDF at `pdf_path` and the HTML beside it (same name, `.html`)."""
    html = render_html(briefing)
    html_path = pdf_path.with_suffix(".html")
    pdf_path.parent.mkdir(parents=True, exist_ok=True)
    html_path.write_text(html, encoding="utf-8")
    pdf_path.write_bytes(render_pdf(html))
    return pdf_path, html_path
