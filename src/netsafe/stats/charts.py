"""Charts as server-rendered SVG (matplotlib, Agg backend): a monthly time series and per-force
bars. The SVG is deterministic (fixed ids, no date), keeps its text as text, has no inline
styles (the pages' Content-Security-Policy forbids them) and carries an `aria-label`; the pages
put the same numbers in a table under each chart.
"""

from __future__ import annotations

import functools
import io
import re
from collections.abc import Mapping, Sequence
from html import escape

import matplotlib
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure as MplFigure

from netsafe.prevention.suppression import ShownCount

#: Colour-blind-safe palette (Okabe-Ito), dark enough on white.
PALETTE = ("#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9")
FONT = "DejaVu Sans"
#: Charts kept after drawing (a dashboard draws three; each SVG is 10-20 kB).
CACHED_CHARTS = 64


def _new_figure(width: float, height: float) -> MplFigure:
    # No pyplot: a figure of its own on an Agg canvas, so no global state is shared between
    # requests (the web server renders charts from several threads).
    figure = MplFigure(figsize=(width, height), dpi=100, facecolor="white")
    FigureCanvasAgg(figure)
    return figure


_STYLE_ATTRIBUTE = re.compile(r'style="([^"]*)"')
_STYLE_ELEMENT = re.compile(r"<style[^>]*>.*?</style>", re.DOTALL)


def _presentation_attributes(match: re.Match[str]) -> str:
    """`style="fill: #fff; stroke: #000"` as `fill="#fff" stroke="#000"`."""
    pairs = (part.split(":", 1) for part in match.group(1).split(";") if ":" in part)
    return " ".join(f'{key.strip()}="{escape(value.strip(), quote=True)}"' for key, value in pairs)


def without_inline_styles(svg: str) -> str:
    """The SVG with every `style` attribute turned into presentation attributes and the
    `<style>` element dropped (its rule set on the root instead): pages served with a strict
    Content-Security-Policy (no inline styles) draw it the same."""
    svg = _STYLE_ELEMENT.sub("", svg)
    svg = _STYLE_ATTRIBUTE.sub(_presentation_attributes, svg)
    return svg.replace("<svg ", '<svg stroke-linejoin="round" stroke-linecap="butt" ', 1)


def _to_svg(figure: MplFigure, label: str) -> str:
    buffer = io.StringIO()
    with matplotlib.rc_context(
        {"svg.hashsalt": "netsafe", "svg.fonttype": "none", "font.family": FONT}
    ):
        figure.savefig(buffer, format="svg", metadata={"Date": None}, bbox_inches="tight")
    svg = buffer.getvalue()
    svg = without_inline_styles(svg[svg.index("<svg") :])
    return svg.replace("<svg ", f'<svg role="img" aria-label="{escape(label)}" ', 1)


def _numbers(values: Sequence[ShownCount]) -> list[float]:
    """Suppressed values ("<5") are not plotted: they become gaps."""
    return [float(v) if isinstance(v, int) else float("nan") for v in values]


def monthly_chart(
    months: Sequence[str],
    series: Mapping[str, Sequence[ShownCount]],
    *,
    title: str,
    width: float = 8.0,
    height: float = 3.2,
    show_title: bool = True,
) -> str:
    """A line per named series over the months (labels `YYYY-MM`), as SVG text. `title` is the
    SVG's accessible label, and drawn above the chart unless `show_title` is false. The same
    numbers give the same SVG, so recent charts are kept and not drawn again."""
    frozen = tuple((name, tuple(values)) for name, values in series.items())
    return _monthly_chart(tuple(months), frozen, title, width, height, show_title)


@functools.lru_cache(maxsize=CACHED_CHARTS)
def _monthly_chart(
    months: tuple[str, ...],
    frozen: tuple[tuple[str, tuple[ShownCount, ...]], ...],
    title: str,
    width: float,
    height: float,
    show_title: bool,
) -> str:
    series = dict(frozen)
    with matplotlib.rc_context({"font.family": FONT, "font.size": 9}):
        figure = _new_figure(width, height)
        axes = figure.add_subplot()
        positions = list(range(len(months)))
        for index, (name, values) in enumerate(series.items()):
            axes.plot(
                positions,
                _numbers(values),
                label=name,
                color=PALETTE[index % len(PALETTE)],
                marker="o",
                markersize=3,
                linewidth=1.6,
            )
        step = max(1, len(months) // 12)
        axes.set_xticks(positions[::step], [months[i] for i in positions[::step]], rotation=45)
        if show_title:
            axes.set_title(title, loc="left", fontsize=11, pad=18)
        axes.set_ylim(bottom=0)
        axes.grid(axis="y", color="#dddddd")
        axes.spines[["top", "right"]].set_visible(False)
        if series:
            axes.legend(
                frameon=False,
                fontsize=8,
                ncols=min(4, len(series)),
                loc="lower left",
                bbox_to_anchor=(0, 1.0),
            )
        return _to_svg(figure, title)


def force_bars(
    forces: Sequence[str],
    series: Mapping[str, Sequence[int]],
    *,
    title: str,
    width: float = 8.0,
    height: float = 3.2,
    show_title: bool = True,
) -> str:
    """Grouped horizontal bars: one group per force, one bar per named series, as SVG text."""
    frozen = tuple((name, tuple(values)) for name, values in series.items())
    return _force_bars(tuple(forces), frozen, title, width, height, show_title)


@functools.lru_cache(maxsize=CACHED_CHARTS)
def _force_bars(
    forces: tuple[str, ...],
    frozen: tuple[tuple[str, tuple[int, ...]], ...],
    title: str,
    width: float,
    height: float,
    show_title: bool,
) -> str:
    series = dict(frozen)
    with matplotlib.rc_context({"font.family": FONT, "font.size": 9}):
        figure = _new_figure(width, height)
        axes = figure.add_subplot()
        count = max(1, len(series))
        bar = 0.8 / count
        for index, (name, values) in enumerate(series.items()):
            offsets = [f + (index - (count - 1) / 2) * bar for f in range(len(forces))]
            bars = axes.barh(
                offsets, values, height=bar, label=name, color=PALETTE[index % len(PALETTE)]
            )
            axes.bar_label(bars, fmt="{:,.0f}", fontsize=7, padding=2)
        axes.set_yticks(list(range(len(forces))), list(forces))
        axes.invert_yaxis()
        if show_title:
            axes.set_title(title, loc="left", fontsize=11)
        axes.grid(axis="x", color="#dddddd")
        axes.set_axisbelow(True)
        axes.spines[["top", "right"]].set_visible(False)
        if series:
            axes.legend(frameon=False, fontsize=8, loc="lower right")
        return _to_svg(figure, title)
