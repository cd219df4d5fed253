"""What the dashboard, the partner report and the partner detail share: the report's
columns in the users' words, the KPI tiles' deltas and partner labels."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from urllib.parse import quote, quote_plus, unquote_plus, urlencode

import pandas as pd
import streamlit as st

from analytics.schema import STATUSES, UNKNOWN_PARTNER, league_names
from ui import common, figures
from ui.safe import md

OTHER_STATUSES = "Other or no status"
READY_MARK = "★ "  # before a partner ready for the next stage
SUBTOTAL_MARK = "Σ "  # before a status group's name on its subtotal row
NOTES_OK = "✓"
NOTES_MISSING = "missing"
# The partner report's grid, in the order an AM acts on: who (★ when ready for the
# next stage; a partner of the mixed status group with its status), when last
# touched, the notes task, plan progress, then the counts, the AM when several.
# Headers are the registry's (short) labels; each width here is the least its
# header needs, widened by `grid_columns` to the grid's longest text.
# `partner` is a link (by id) to the partner's detail; a status group's first row
# is its subtotal.
GRID_COLUMNS = {
    "partner": st.column_config.LinkColumn(
        "Partner",
        width=206,
        pinned=True,
        display_text=r"#(.+)$",
        help="★ ready for the next stage (repurposed at or above the business plan "
        "aim); Σ a status group's subtotal, with its number of partners; in the "
        "mixed group, the partner's "
        "account status in brackets. The name opens the partner in a new tab; "
        "select the row to open it here.",
    ),
    "last_touch": st.column_config.TextColumn(
        figures.short("days_since_touch"),
        width=52,
        help="Days since the last event, call, email or completed task.",
    ),
    "notes": st.column_config.TextColumn(
        figures.short("has_notes_task"),
        width=56,
        help="An open 'Account Management Notes' task; on a subtotal row, how many "
        "of the group's partners have one (✓ 12: twelve of them).",
    ),
    "plan": figures.progress_column(
        figures.short("plan_progress"),
        width=64,
        help="Plan progress: repurposed / business plan aim.",
    ),
    **{
        name: figures.column(name, label=figures.short(name), width=width)
        for name, width in (
            ("clients_total", 54),
            ("clients_active", 48),
            ("clients_repurposed", 80),
            ("business_plan_aim", 38),
            ("added_this_month", 46),
            ("churned_this_week", 58),
        )
    },
    "account_manager": st.column_config.TextColumn(
        "AM", width=70, help="Account manager."
    ),
}
PHONE_COLUMNS = {
    "partner": GRID_COLUMNS["partner"] | {"width": 190},
    "last_touch": GRID_COLUMNS["last_touch"] | {"width": 56},
    "notes": GRID_COLUMNS["notes"] | {"width": 64},
}
# summed on a status group's subtotal row (the aim too, when any is set)
COUNT_COLUMNS = [
    "clients_total",
    "clients_active",
    "clients_repurposed",
    "added_this_month",
    "churned_this_week",
]
# The room for a grid's columns: 980 pixels at 1440 with the sidebar open (820 at
# 1280), 358 on a 390 phone, less the row checkboxes (36), the borders (2) and a
# vertical scrollbar where it takes room (17 in Chrome on Windows; measured in
# Chromium: 978 - 36 = 942 px with an overlay one).
GRID_PX = 925
GRID_1280_PX = 765  # 820 - 36 - 2 - 17
PHONE_GRID_PX = 320
GRID_ROW_PX = 35
GRID_MAX_ROWS = 25  # a taller block scrolls inside its grid
# A league block of more partners shows each status group's first GROUP_ROWS
# (the most clients first) until its league is chosen.
BLOCK_ROWS = 100
GROUP_ROWS = 20


def grid_columns(
    grids: Iterable[pd.DataFrame], several_managers: bool, phone: bool
) -> dict:
    """The columns of a report's league grids (`report_grid`), the same widths in
    every block so that they line up: the AM only when the report spans several
    AMs; partner, touch and notes on a phone. Each column is as wide as its
    longest text (subtotals included) or its header needs, the partner's name
    as its own within what is left of GRID_PX (PHONE_GRID_PX), never below its
    least: nothing scrolls sideways at 1440 with the sidebar open (unless counts
    in the billions leave the name less than its least), nor at 1280 where the
    names whole (★ when ready) leave room there for every column (GRID_1280_PX:
    one AM's book of the usual names; a longer text, a status in brackets or a
    subtotal, is cut there instead). Elsewhere at 1280 the counts scroll, the
    partner, touch, notes and plan in view."""
    columns = dict(PHONE_COLUMNS if phone else GRID_COLUMNS)
    if not several_managers:
        columns.pop("account_manager", None)
    rows = pd.concat(grids, ignore_index=True)
    texts = {name: _widest(rows[name]) for name in columns if name != "plan"}
    texts["partner"] = rows["partner"].str.rsplit("#", n=1).str[-1].map(unquote_plus)
    if phone:  # touch and notes in view, the name cut
        return figures.fit_columns(columns, texts, "partner", PHONE_GRID_PX)
    # the names as drawn (★ when ready) without a mixed-group partner's status
    ready = texts["partner"].str.startswith(READY_MARK)
    names = (READY_MARK + rows["partner_name"]).where(ready, rows["partner_name"])
    whole = columns["partner"] | {
        "width": figures.fit_width(names, columns["partner"]["width"])
    }
    at_1280 = figures.fit_columns(
        columns | {"partner": whole}, texts, "partner", GRID_1280_PX
    )
    if sum(c["width"] for c in at_1280.values()) <= GRID_1280_PX:
        return at_1280
    return figures.fit_columns(columns, texts, "partner", GRID_PX)


def _widest(column: pd.Series) -> pd.Series | list[str]:
    """The texts a column's width is fitted to: a count column's largest count as
    the grid shows it (thousands separators), else every text."""
    if not pd.api.types.is_numeric_dtype(column):
        return column
    top = column.max()
    return [] if pd.isna(top) else [f"{top:,.0f}"]


def grid_height(grid: pd.DataFrame) -> int:
    return GRID_ROW_PX * (min(len(grid), GRID_MAX_ROWS) + 1) + 3


def short_name(name: object) -> str:
    """An AM as the grid's narrow column shows them: `Priya Sharma` -> `Priya S.`."""
    if not isinstance(name, str) or not name.strip():
        return ""
    first, *rest = name.split()
    return f"{first} {rest[-1][0]}." if rest else first


def is_ready(report: pd.DataFrame) -> pd.Series:
    """Ready for the next stage (SPEC 4): plan progress of 100% or more, as on the
    partner detail."""
    return report["plan_progress"].astype("float64").ge(1).fillna(False)


def with_ready(report: pd.DataFrame) -> pd.DataFrame:
    """The partner report as downloaded: with its ready-for-the-next-stage flag."""
    return report.assign(is_ready=is_ready(report))


def download_with_ready(later: Callable[[], pd.DataFrame]) -> pd.DataFrame:
    """The download of `later()` (`common.report_later`) with its ready flag; a
    module function, not a page lambda, which would keep the page's namespace
    (its report and grids) alive with the session."""
    return with_ready(later())


def show_league(name: str) -> None:
    """ "Show all" of a league block: choose it in the League box (kept in the
    URL), which draws that block whole. Here, not in the page, for the reason
    above."""
    st.session_state["league"] = name


def report_grid(
    block: pd.DataFrame, as_of: dt.date, per_group: int | None = None
) -> pd.DataFrame:
    """One league's rows of the partner report as its grid: per status group, a
    subtotal row (the group's name, partner count and summed counts, of all its
    partners) and then its partners in report order, the first `per_group` of
    them (None: all). `partner_id` is empty on subtotal rows."""
    groups = block["account_status"].map(status_group)
    parts = []
    for group, members in block.groupby(groups, sort=False):
        parts.append(_subtotal(group, members, block["league"].iloc[0], as_of))
        parts.append(_partner_rows(members.head(per_group), group, as_of))
    return pd.concat(parts, ignore_index=True)[
        ["partner_id", "partner_name", *GRID_COLUMNS]
    ]


def _partner_rows(members: pd.DataFrame, group: str, as_of: dt.date) -> pd.DataFrame:
    """A status group's partners as grid rows: the name a link to the partner (★
    when ready; in the mixed group, its own status in brackets, blank: none)."""
    own = members["account_status"] if group == OTHER_STATUSES else None
    link_tail = "&as_of=" + as_of.isoformat() + "#"
    return members.assign(
        partner=[
            f"partner?partner={quote(pid or UNKNOWN_PARTNER)}{link_tail}"
            + quote_plus(
                (READY_MARK if ready else "")
                + (name if isinstance(name, str) else UNKNOWN_PARTNER)
                + (f" ({status})" if isinstance(status, str) and status.strip() else "")
            )
            for pid, name, ready, status in zip(
                members["partner_id"],
                members["partner_name"],
                is_ready(members),
                [None] * len(members) if own is None else own,
                strict=True,
            )
        ],
        last_touch=members["days_since_touch"].map(figures.days),
        notes=members["has_notes_task"].map({True: NOTES_OK, False: NOTES_MISSING}),
        plan=figures.points(members["plan_progress"]),
        account_manager=members["account_manager"].map(short_name),
    )


@dataclass(frozen=True)
class LeagueGrid:
    """One league block of the partner report: its grid and how many of its
    partners the grid leaves out (each status group's first GROUP_ROWS shown)."""

    league: str
    grid: pd.DataFrame
    left_out: int


@st.cache_data(max_entries=8, max_size=common.CACHE_MB * 2**18, show_spinner=False)
def league_grids(
    _report: pd.DataFrame, key: tuple, as_of: dt.date, whole: bool
) -> list[LeagueGrid]:
    """A LeagueGrid per league block of a partner report, in report order (leagues
    named). Unless `whole`, a block of more than BLOCK_ROWS partners shows each
    status group's first GROUP_ROWS: no grid is built or sent for the thousands
    of partners a league has at scale (the subtotals count them all). Cached on
    `key` (the dataset version and the report's arguments) rather than on the
    frame, within a quarter of the reports' budget."""
    named = _report.assign(league=league_names(_report["league"]))
    grids = []
    for league, block in named.groupby("league", sort=False):
        per_group = None if whole or len(block) <= BLOCK_ROWS else GROUP_ROWS
        grid = report_grid(block, as_of, per_group)
        shown = int(grid["partner_id"].notna().sum())
        grids.append(LeagueGrid(league, grid, len(block) - shown))
    return grids


@st.cache_data(max_entries=16, show_spinner=False)
def report_columns(
    _grids: list[LeagueGrid], key: tuple, whole: bool, several: bool, phone: bool
) -> dict:
    """`grid_columns` of `league_grids(report, key, as_of, whole)`, cached on
    the same key (measuring 20,000 names takes 0.1 s)."""
    return grid_columns([block.grid for block in _grids], several, phone)


def _subtotal(
    group: str, members: pd.DataFrame, league: str, as_of: dt.date
) -> pd.DataFrame:
    """A status group's subtotal row; its link opens the report on that group."""
    count = len(members)
    query = {"league": league, "as_of": as_of.isoformat()}
    if group != OTHER_STATUSES:
        query["status"] = group
    label = f"{SUBTOTAL_MARK}{group} · {count:,} partner{'' if count == 1 else 's'}"
    sums = members[COUNT_COLUMNS].sum()
    row = {
        "partner_id": None,
        "partner_name": label,
        "partner": f"partners?{urlencode(query)}#{quote_plus(label)}",
        "last_touch": "",
        "notes": f"{NOTES_OK} {int(members['has_notes_task'].sum()):,}",
        "plan": None,
        **{column: int(sums[column]) for column in COUNT_COLUMNS},
        "business_plan_aim": members["business_plan_aim"].sum(min_count=1),
        "account_manager": "",
    }
    return pd.DataFrame([row])


def status_group(status: object) -> str:
    """The status group a partner sits in: one of the four, or the rest together."""
    return status if status in STATUSES else OTHER_STATUSES


def partner_labels(report: pd.DataFrame) -> dict[str, str]:
    """partner_id -> the name shown in a chooser; a name two partners share gets
    its id, so that every label is unique and names one partner."""
    names = report["partner_name"].fillna(UNKNOWN_PARTNER)
    repeated = set(names[names.duplicated()])
    return {
        pid: f"{name} ({pid})" if name in repeated else name
        for pid, name in zip(report["partner_id"], names, strict=True)
    }


def requested_partner(value: str | None, labels: dict[str, str]) -> str | None:
    """The partner a `?partner=` value names by its id or its chooser label; None
    when it names none (an 18-character id is resolved by the page, through
    analytics.partners.own_partner_id: the partner_key macro)."""
    if value is None:
        return None
    if value in labels:
        return value
    by_label = {label: pid for pid, label in labels.items()}
    return by_label.get(value)


def timeline_entry(row: object, as_of: dt.date | None = None) -> None:
    """One activity of a partner's timeline: date, type, subject, status, who, and
    its comments beneath; an overdue task (SPEC 4, at `as_of`) is marked."""
    parts = (row.activity_type, row.subject, row.status, row.account_manager)
    heading = " · ".join(md(p) for p in parts if isinstance(p, str) and p)
    overdue = (
        as_of is not None
        and row.is_open_task
        and not row.is_notes_task
        and row.activity_date < as_of
    )
    if overdue:
        icon = ":material/warning:"
        heading += (
            f" · :red[**overdue by {figures.days((as_of - row.activity_date).days)}**]"
        )
    else:
        icon = ":material/check_circle:" if row.is_touch else ":material/pending:"
    st.markdown(f"{icon} **{row.activity_date}** · {heading}")
    if isinstance(row.comments, str) and row.comments.strip():
        st.caption(md(row.comments.strip()).replace("\n", "  \n"))


# --- the call list (Dashboard) ------------------------------------------------------

CALL_LIST_HEIGHT = 35 * 11 + 3  # ten rows, then it scrolls
CALL_COLUMNS = {
    "partner_name": st.column_config.TextColumn("Partner", width=224),
    "reasons": st.column_config.TextColumn("Why call", width=266),
    "last_touch": st.column_config.TextColumn("Last touch", width=76),
    "account_manager": st.column_config.TextColumn("Account manager", width=120),
    "league": st.column_config.TextColumn("League", width=120),
}


PHONE_CALL_COLUMNS = {
    # pinned: the name stays while the reasons scroll sideways
    "partner_name": CALL_COLUMNS["partner_name"] | {"width": 140, "pinned": True},
    "reasons": CALL_COLUMNS["reasons"] | {"width": 400},
}


def call_columns(several_managers: bool, phone: bool = False) -> dict:
    """The call list's columns; the AM only when it spans several AMs; partner and
    reasons first on a phone."""
    if phone:
        return PHONE_CALL_COLUMNS
    columns = dict(CALL_COLUMNS)
    if not several_managers:
        del columns["account_manager"]
    return columns


def call_rows(calls: pd.DataFrame) -> pd.DataFrame:
    """The call list as the grid shows it: leagues named, touch in days."""
    return calls.assign(
        league=league_names(calls["league"]),
        last_touch=calls["days_since_touch"].map(figures.days),
        partner_name=calls["partner_name"].fillna(UNKNOWN_PARTNER),
    )
