"""Charts as static images (PNG for mail, SVG for the PDF pack), drawn with
matplotlib's Agg renderer: no browser, about 30 ms a chart (plotly's kaleido starts
a Chromium per call, 12-14 s). A `Chart` holds only what is drawn; the same Chart
becomes a native PowerPoint chart in analytics/packs.py."""

from __future__ import annotations

import io
import math
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import pandas as pd

if TYPE_CHECKING:
    from matplotlib.figure import Figure

PALETTE = ("#1565c0", "#ff8f00", "#2e7d32", "#c62828", "#6a1b9a", "#00838f")
MUTED = "#5b6b7b"
WIDTH_IN, HEIGHT_IN = 6.8, 3.0  # 680 x 300 px at 100 dpi
PNG_DPI = 150  # sharp on high-density screens, still ~25-40 kB a chart


@dataclass
class Chart:
    """A chart as data: categories along one axis, one or more series of bars (or
    lines), and optionally rates (fractions 0-1) as lines on a second axis in whole
    percentages. `kind`: "bar", "barh" (one row per category) or "line". `percent`
    says the main series are fractions too. `colours`: one per category for a
    single bar series (the quota status colours)."""

    title: str
    categories: list[str]
    series: dict[str, list[float | None]]
    kind: str = "bar"
    axis_title: str = ""
    percent: bool = False
    rates: dict[str, list[float | None]] = field(default_factory=dict)
    rate_axis_title: str = ""
    colours: list[tuple[str, str]] | None = None
    marks: dict[str, list[float | None]] = field(default_factory=dict)


def _values(values: list[float | None]) -> list[float]:
    return [math.nan if pd.isna(v) else float(v) for v in values]


def _whole_percent(axis, values: list[list[float]]) -> None:
    """Fractions drawn on an axis of whole percentages (0%, 1%, 2%...; 0-1% at
    least), at most six ticks."""
    top = max((v for series in values for v in series if not math.isnan(v)), default=0)
    top_pct = max(1, math.ceil(top * 100))
    nice = (s for s in (1, 2, 5, 10, 20, 25, 50, 100) if s * 5 >= top_pct)
    step = next(nice, math.ceil(top_pct / 500) * 100)
    top_pct = step * math.ceil(top_pct / step)
    axis.set_ylim(0, top_pct / 100)
    axis.set_yticks([p / 100 for p in range(0, top_pct + 1, step)])
    axis.set_yticklabels([f"{p}%" for p in range(0, top_pct + 1, step)])


def _thin_labels(labels: list[str], most: int = 9) -> list[str]:
    """Every n-th category label on a crowded axis (26 weeks), the last kept."""
    step = max(1, math.ceil(len(labels) / most))
    last = len(labels) - 1
    return [label if (last - i) % step == 0 else "" for i, label in enumerate(labels)]


def draw(chart: Chart) -> Figure:
    """The matplotlib figure of a chart (not attached to pyplot: thread-safe).
    matplotlib is imported here, on first use: pages that import this module for
    the pack downloads do not pay its 0.6 s import."""
    from matplotlib.figure import Figure
    from matplotlib.patches import Patch
    from matplotlib.ticker import MaxNLocator

    rows = len(chart.categories)
    height = max(HEIGHT_IN, 0.9 + 0.32 * rows) if chart.kind == "barh" else HEIGHT_IN
    fig = Figure(figsize=(WIDTH_IN, height), dpi=100, layout="constrained")
    ax = fig.add_subplot()
    ax.set_title(chart.title, loc="left", fontsize=11, fontweight="bold")
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)
    ax.tick_params(labelsize=8, colors=MUTED)
    positions = list(range(rows))
    count = max(len(chart.series), 1)
    width = 0.8 / count
    for i, (name, raw) in enumerate(chart.series.items()):
        values = _values(raw)
        colour = PALETTE[i % len(PALETTE)]
        if chart.kind == "line":
            ax.plot(positions, values, marker="o", ms=3, color=colour, label=name)
            continue
        offsets = [p - 0.4 + width * (i + 0.5) for p in positions]
        colours = [c for _, c in chart.colours] if chart.colours else colour
        if chart.kind == "barh":
            ax.barh(offsets, values, height=width, color=colours, label=name)
        else:
            ax.bar(offsets, values, width=width, color=colours, label=name)
    for i, (name, raw) in enumerate(chart.marks.items()):
        colour = ("#212121", "#ff8f00")[i % 2]
        ax.scatter(
            _values(raw), positions, marker="|", s=260, linewidths=2.5, color=colour,
            label=name, zorder=3,
        )  # fmt: skip
    if chart.kind == "barh":
        ax.set_yticks(positions, chart.categories)
        ax.invert_yaxis()
        ax.set_xlabel(chart.axis_title, fontsize=9, color=MUTED)
        ax.xaxis.set_major_locator(MaxNLocator(integer=True))
    else:
        ax.set_xticks(positions, _thin_labels(chart.categories))
        ax.set_ylabel(chart.axis_title, fontsize=9, color=MUTED)
        if chart.percent:
            _whole_percent(ax, [_values(v) for v in chart.series.values()])
        else:
            ax.yaxis.set_major_locator(MaxNLocator(integer=True))
            ax.set_ylim(bottom=0)
    handles, labels = ax.get_legend_handles_labels()
    if chart.colours:  # one legend entry per colour name instead of the series
        names = dict(chart.colours)
        marks = [
            (h, la) for h, la in zip(handles, labels, strict=True) if la in chart.marks
        ]
        handles = [Patch(color=c) for c in names.values()] + [h for h, _ in marks]
        labels = list(names) + [la for _, la in marks]
    if chart.rates:
        right = ax.twinx()
        right.spines["top"].set_visible(False)
        right.tick_params(labelsize=8, colors=MUTED)
        for i, (name, raw) in enumerate(chart.rates.items()):
            colour = PALETTE[(i + 3) % len(PALETTE)]
            right.plot(
                positions, _values(raw), marker="o", ms=3, color=colour, label=name
            )
        _whole_percent(right, [_values(v) for v in chart.rates.values()])
        right.set_ylabel(chart.rate_axis_title, fontsize=9, color=MUTED)
        more_handles, more_labels = right.get_legend_handles_labels()
        handles, labels = handles + more_handles, labels + more_labels
    if len(labels) > 1:
        fig.legend(
            handles, labels, loc="outside lower left", ncols=4, fontsize=8,
            frameon=False,
        )  # fmt: skip
    return fig


def render(chart: Chart, fmt: str = "png") -> bytes:
    """The chart as PNG bytes (for mail) or SVG text as bytes (for the PDF)."""
    buffer = io.BytesIO()
    options = {"dpi": PNG_DPI} if fmt == "png" else {"metadata": {"Date": None}}
    draw(chart).savefig(buffer, format=fmt, facecolor="white", **options)
    return buffer.getvalue()
