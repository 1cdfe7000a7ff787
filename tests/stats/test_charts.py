"""Charts: SVG text, deterministic, labelled, with suppressed values left out."""

from __future__ import annotations

import xml.etree.ElementTree as ET

from netsafe.stats.charts import force_bars, monthly_chart

FORCES = ["south-wales", "gwent", "dyfed-powys", "north-wales"]


def test_monthly_chart_is_deterministic_labelled_svg() -> None:
    months = ["2016-11", "2016-12", "2017-01"]
    series = {"warrants_executed": [40, 38, 45], "people_seeking_help": [110, "<5", 120]}
    first = monthly_chart(months, series, title="Monthly figures")
    assert first == monthly_chart(months, series, title="Monthly figures")
    root = ET.fromstring(first)  # noqa: S314 (our own output)
    assert root.tag.endswith("svg")
    assert root.attrib["aria-label"] == "Monthly figures"
    assert "2016-12" in first
    assert "warrants_executed" in first


def test_force_bars_show_each_force_and_value() -> None:
    svg = force_bars(FORCES, {"arrests": [150, 70, 60, 61]}, title="Arrests by force")
    ET.fromstring(svg)  # noqa: S314 (our own output)
    for force in FORCES:
        assert force in svg
    assert ">61<" in svg or "61" in svg


def test_charts_have_no_inline_styles_for_a_strict_content_security_policy() -> None:
    svg = monthly_chart(["2017-01"], {"arrests": [3]}, title="t")
    bars = force_bars(FORCES, {"arrests": [1, 2, 3, 4]}, title="b")
    for text in (svg, bars):
        assert "style=" not in text
        assert "<style" not in text
    assert 'fill="#0072b2"' in svg.lower() or 'stroke="#0072b2"' in svg.lower()
