"""The operation briefing: HTML with the figures, and a one-page PDF that renders to an image."""

from __future__ import annotations

import random
import shutil
import subprocess
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from netsafe.platform.agencies import FORCE_SLUGS
from netsafe.reports.operation_report import CHART, Briefing, render_html, write_briefing
from netsafe.stats.service import StatsRequest, compute_statistics, monthly_series
from tests.stats.memory_sources import ContactLog, EventLog


@pytest.fixture(scope="module")
def briefing() -> Briefing:
    rng = random.Random(8)
    events, contacts = EventLog(), ContactLog()
    start = datetime(2015, 11, 1, tzinfo=UTC)
    for day in range(730):
        moment = start + timedelta(days=day, hours=10)
        for metric, rate in (("warrants_executed", 1.3), ("arrests", 0.9), ("devices_seized", 5.5)):
            for _ in range(int(rate) + (rng.random() < rate % 1)):
                events.add(metric, rng.choice(FORCE_SLUGS), moment)
        for _ in range(3):
            contacts.add(f"p{rng.randrange(5000)}", "call", "own-behaviour", "gwent", moment.date())
    request = StatsRequest(date(2016, 11, 1), date(2017, 10, 31))
    statistics = compute_statistics(events, contacts, request)
    series = monthly_series(events, contacts, statistics.period, None, CHART)
    return Briefing(statistics, series, date(2026, 11, 23))


def test_html_has_headline_figures_force_table_and_chart(briefing: Briefing) -> None:
    html = render_html(briefing)
    warrants = briefing.statistics.figures["warrants_executed"]
    assert f"{warrants.value:,}" in html
    assert "Dyfed-Powys Police" in html
    assert html.count("<svg") == 1
    assert "1 November 2016 to 31 October 2017" in html


@pytest.mark.slow
@pytest.mark.skipif(shutil.which("pdftoppm") is None, reason="poppler-utils not installed")
def test_pdf_is_one_page_that_renders(briefing: Briefing, tmp_path: Path) -> None:
    pdf, html = write_briefing(briefing, tmp_path / "out" / "report.pdf")
    assert html.read_text(encoding="utf-8").startswith("<!doctype html>")
    assert pdf.read_bytes().startswith(b"%PDF")
    subprocess.run(["pdftoppm", "-png", "-r", "40", str(pdf), str(tmp_path / "page")], check=True)
    pages = sorted(tmp_path.glob("page*.png"))
    assert len(pages) == 1, "the briefing must fit one page"
    image = np.asarray(Image.open(pages[0]).convert("L"))
    assert image.shape[0] > image.shape[1]  # A4 portrait
    dark = (image < 128).mean()
    assert 0.01 < dark < 0.5, f"page looks blank or solid ({dark:.3f} dark)"
    # The chart's coloured lines are on the page (Okabe-Ito blue and vermilion).
    colour = np.asarray(Image.open(pages[0]).convert("RGB")).astype(int)
    blue = (colour[..., 2] - colour[..., 0] > 80).sum()
    assert blue > 20
    text = subprocess.run(
        ["pdftotext", str(pdf), "-"], check=True, capture_output=True, text=True
    ).stdout
    assert "Warrants executed" in text
    assert "Dyfed-Powys" in text


def test_one_force_briefing_has_no_force_table() -> None:
    events, contacts = EventLog(), ContactLog()
    events.add("warrants_executed", "gwent", datetime(2017, 3, 3, 10, tzinfo=UTC))
    request = StatsRequest(date(2017, 3, 1), date(2017, 3, 31), force="gwent")
    statistics = compute_statistics(events, contacts, request)
    series = monthly_series(events, contacts, statistics.period, "gwent", CHART)
    html = render_html(Briefing(statistics, series, date(2026, 11, 23)))
    assert "Gwent Police" in html
    assert "By force" not in html
    assert "South Wales Police" not in html
