"""How figures are shown, in one place: the text of each kind of number (from
analytics.metrics, which the digest and the packs use too), KPI tiles and table
columns from the metric registry (label, help, format), and the percent points a
share column needs. One figure reads the same on every page."""

from __future__ import annotations

import heapq
import math
from collections.abc import Iterable
from typing import Any

import pandas as pd
import streamlit as st

from analytics import metrics
from analytics.metrics import (  # noqa: F401  (the text formats, for the pages)
    EMPTY,
    count,
    days,
    decimal,
    money,
    percent,
    rate,
)

NO_ACCOUNT_MANAGER = "(no account manager)"
# A registry format -> the same format in a table column (sprintf): a share's
# column holds percent points (see `shown`), as a column format cannot multiply.
COLUMN_FORMATS = {
    ",": "%,d",
    ",.0f": "%,.0f",
    ",.1f": "%,.1f",
    ".0%": "%.0f%%",
    ".2%": "%.2f%%",
}


def label(name: str) -> str:
    return metrics.get(name).label


def short(name: str) -> str:
    """A registry figure's label where space is short (a grid column, a tile)."""
    return metrics.get(name).short_label


def axis(name: str) -> str:
    """A chart axis title for a registry figure: its label with its unit."""
    return metrics.axis(name)


def tile(
    cell: Any, name: str, value: object, short: bool = False, **kwargs: Any
) -> None:
    """A KPI tile for a registry figure: its label (`short`: its short label, for
    a narrow tile; the help then starts with the full one), formatted value and
    help (`label=` or `help=` override them)."""
    metric = metrics.get(name)
    label = metric.short_label if short else metric.label
    help_text = kwargs.pop("help", metric.tooltip)
    if label != metric.label:
        help_text = f"**{metric.label}**: {help_text}"
    kwargs.setdefault("border", True)
    cell.metric(
        kwargs.pop("label", label), metric.text(value), help=help_text, **kwargs
    )


STATUS_DELTA = {
    # pace status -> (delta colour, arrow) for a "clients added vs quota" tile
    "Ahead": ("green", "up"),
    "On pace": ("blue", "off"),
    "Behind": ("red", "down"),
    "No quota": ("gray", "off"),
}


def pace_tile(cell: Any, name: str, added: int, status: str, target: object) -> None:
    """A clients-added tile with its pace status and target (the Dashboard's and
    Quota pace's team tile)."""
    colour, arrow = STATUS_DELTA[status]
    tile(
        cell,
        name,
        added,
        delta=status,
        delta_color=colour,
        delta_arrow=arrow,
        delta_description=metrics.quota_note(target),
    )


def column(name: str, bar: bool = False, **kwargs: Any) -> Any:
    """An st.column_config column for a registry figure (label, help, format);
    keyword arguments override or add settings. A share's column shows percent
    points (draw the table's `shown(df)`), as a 0-100% bar with `bar=True`."""
    metric = metrics.get(name)
    kwargs.setdefault("help", metric.tooltip)
    title = kwargs.pop("label", metric.label)
    if bar:
        return progress_column(title, **kwargs)
    if metric.unit == "yes/no":
        return st.column_config.CheckboxColumn(title, **kwargs)
    if metric.unit in ("text", "status"):
        return st.column_config.TextColumn(title, **kwargs)
    kwargs.setdefault("format", COLUMN_FORMATS[metric.format])
    return st.column_config.NumberColumn(title, **kwargs)


def shown(df: pd.DataFrame) -> pd.DataFrame:
    """`df` as a table draws it: every column named for a share in the registry
    (rate, pace, plan_progress...) as percent points (0.42 -> 42.0) for its
    column's `%.0f%%`; the download keeps the fractions."""
    shares = [
        c for c in df.columns if c in metrics.METRICS and metrics.get(c).unit == "share"
    ]
    return df.assign(**{c: points(df[c]) for c in shares}) if shares else df


def points(fractions: pd.Series) -> pd.Series:
    """Fractions as percent points (0.42 -> 42.0) for the percentage columns."""
    return fractions.astype("float64") * 100


def change_in_points(change: object) -> str | None:
    """A change of a rate in percentage points for a tile's delta (`+0.12 pts`);
    none when it rounds to zero (an arrow on +0.00 would mislead)."""
    if change is None or pd.isna(change) or round(change * 100, 2) == 0:
        return None
    return f"{change * 100:+.2f} pts"


def account_manager_label(value: object) -> str:
    """An account manager as shown: the blank one is `(no account manager)`,
    never `nan` or `None`."""
    return value if isinstance(value, str) and value.strip() else NO_ACCOUNT_MANAGER


# --- table columns of a kind (st.column_config), the same formats --------------


def money_column(label: str, **kwargs: Any) -> Any:
    return st.column_config.NumberColumn(label, format=COLUMN_FORMATS[",.0f"], **kwargs)


def progress_column(label: str, **kwargs: Any) -> Any:
    """A bar from 0 to 100% of a column holding percent points (see `points`),
    its whole percentage beside it."""
    return st.column_config.ProgressColumn(
        label, format=COLUMN_FORMATS[".0%"], min_value=0, max_value=100, **kwargs
    )


# --- grid column widths --------------------------------------------------------------

# A grid cell's text in Chromium: Source Sans at 14 px, each character's width
# measured with canvas measureText and rounded to half a pixel (the demo's and
# the 1M-client data's partner names come within 2.5 px of their real width);
# any other character (★, ⚠, ✓, an accented letter) counts as 13.
_CHAR_PX = {
    char: px
    for px, chars in {
        3.0: " ",
        3.5: "',.:;Iijl|",
        4.0: "!()[]f{}",
        4.5: "-t",
        5.0: "/\\r",
        6.0: '"*?sxz',
        6.5: "JYcvy",
        7.0: "0123456789#$+<=>FLVX^_aegk~",
        7.5: "AESTZ`bhnou",
        8.0: "BCKPRdpq",
        8.5: "&DG",
        9.0: "HNU",
        9.5: "OQ",
        10.0: "Mw",
        11.0: "W",
        11.5: "%m",
        12.0: "@",
    }.items()
    for char in chars
}
OTHER_CHAR_PX = 13.0
CELL_PADDING_PX = 18  # 8.5 px either side, and 1 to spare
MEASURED = 50  # of a column's thousands of texts, the longest measured (fit_width)


def text_px(text: str) -> float:
    """The width of `text` in a grid cell, in pixels (without the padding)."""
    return sum(_CHAR_PX.get(char, OTHER_CHAR_PX) for char in text)


def fit_width(texts: Iterable[object], least: int, most: int | None = None) -> int:
    """A grid column's width for its longest text (padding included): at least
    `least` (its header's room), at most `most` (None: no limit). Of thousands
    of texts, those as long (in characters) as the MEASURED longest are
    measured."""
    strings = {text for text in texts if isinstance(text, str)}
    if len(strings) > MEASURED:
        shortest = heapq.nlargest(MEASURED, map(len, strings))[-1]
        strings = {text for text in strings if len(text) >= shortest}
    longest = max(map(text_px, strings), default=0.0)
    width = max(least, math.ceil(longest + CELL_PADDING_PX))
    return width if most is None else min(width, max(most, least))


def fit_columns(
    columns: dict, texts: dict[str, Iterable[object]], name: str, room: int
) -> dict:
    """`columns` (st.column_config settings, in order, each with its least
    width) with those in `texts` as wide as their longest text, and the column
    `name` as wide as its own within what is left of `room` pixels."""
    fitted = {
        column: config | {"width": fit_width(texts[column], config["width"])}
        if column in texts and column != name
        else config
        for column, config in columns.items()
    }
    rest = sum(c["width"] for column, c in fitted.items() if column != name)
    least = columns[name]["width"]
    fitted[name] = columns[name] | {"width": fit_width(texts[name], least, room - rest)}
    return fitted


def tile_cells(tiles: int, phone: bool) -> list:
    """Where that many KPI tiles go: side by side on a wide screen; on a phone,
    where columns stack one above the other, two a row."""
    if not phone:
        return list(st.columns(tiles))
    rows = [st.container(horizontal=True) for _ in range(0, tiles, 2)]
    return [rows[i // 2].container(height="stretch") for i in range(tiles)]
