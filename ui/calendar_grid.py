"""The Activity page's calendar: an agenda for a day or a week (one line per task,
event, call or email, the overdue ones marked, a page at a time) and a month grid
of per-day counts with its legend, from analytics.calls.agenda / day_counts."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import streamlit as st

from analytics import calls, dates
from analytics.schema import UNKNOWN_PARTNER
from ui import common, figures
from ui.partners import GRID_PX, short_name

VIEWS = ("Day", "Week", "Month")
VIEW_KEY = "view"
DATE_KEY = "cal_date"
PAGE_KEY = "cal_page"
PAGE_ROWS = 500  # agenda lines sent to the browser at once
TYPE_SYMBOLS = {"Task": "☐", "Event": "◆", "Call": "☎", "Email": "✉"}
DONE_SYMBOL = "☑"
OVERDUE = "⚠ Overdue"  # an overdue task's type in the agenda
LEGEND = (
    " · ".join(f"{mark} {kind.lower()}" for kind, mark in TYPE_SYMBOLS.items())
    + f" · {DONE_SYMBOL} completed task · ⚠ overdue tasks (open, due before the "
    "as-of date)"
)
# The least width of each column; `agenda_columns` widens them to the page's
# longest text and gives the partner the room left (ui.partners.GRID_PX). An
# overdue task says so in its type (only a task can be overdue).
AGENDA_COLUMNS = {
    "day": st.column_config.TextColumn("Day", width=60),
    "partner_name": st.column_config.TextColumn("Partner", width=186),
    "type": st.column_config.TextColumn("Type", width=72),
    "subject": st.column_config.TextColumn("Subject", width=150),
    "status": st.column_config.TextColumn("Status", width=88),
    "account_manager": st.column_config.TextColumn("Who", width=74),
}
# A phone: the partner pinned while the rest scroll, the subject next to it.
PHONE_ORDER = ("partner_name", "subject", "type", "status", "day", "account_manager")
PHONE_PARTNER_PX = 150
WEEKDAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
CELL = 48  # pixels of a phone's month cell: seven fit the 358 a 390 phone gives


def date_range(view: str, anchor: dt.date) -> tuple[dt.date, dt.date]:
    """The days a view shows: the day, its ISO week, or its month widened to whole
    weeks (Monday to Sunday) so the grid has full rows."""
    if view == "Day":
        return anchor, anchor
    if view == "Week":
        span = dates.week(anchor)
        return span.start, span.end
    span = dates.month(anchor)
    return dates.week_start(span.start), dates.week(span.end).end


def shift(view: str, anchor: dt.date, steps: int) -> dt.date:
    """The anchor date `steps` days, weeks or months away (a month keeps the day of
    the month, cut at the month's end)."""
    if view == "Day":
        return anchor + dt.timedelta(days=steps)
    if view == "Week":
        return anchor + dt.timedelta(weeks=steps)
    first = dates.add_months(anchor, steps)
    return first.replace(day=min(anchor.day, dates.month(first).end.day))


def move(steps: int) -> None:
    """Button callback: move the calendar's anchor date by `steps` views."""
    state = st.session_state
    state[DATE_KEY] = shift(state.get(VIEW_KEY) or "Week", state[DATE_KEY], steps)


def go_to(day: dt.date) -> None:
    """Button callback: move the calendar to `day`, keeping the view."""
    st.session_state[DATE_KEY] = day


def open_day(day: dt.date) -> None:
    """Button callback: show one day of the month grid in the day view."""
    st.session_state[VIEW_KEY] = "Day"
    st.session_state[DATE_KEY] = day


def symbol(activity_type: object, status: object) -> str:
    """The legend's symbol of an item: a completed task is ticked."""
    if activity_type == "Task" and status == "Completed":
        return DONE_SYMBOL
    return TYPE_SYMBOLS.get(activity_type, "•")


def agenda_rows(items: pd.DataFrame) -> pd.DataFrame:
    """The agenda's lines as shown: day (in the week the buttons above name),
    partner, type with its symbol (an overdue task: ⚠ Overdue), subject, status
    (partner_id kept to open the partner)."""
    return items.assign(
        day=[f"{day:%a %d}" for day in items["date"]],
        partner_name=items["partner_name"].fillna(UNKNOWN_PARTNER),
        type=[
            OVERDUE if overdue else f"{symbol(kind, status)} {kind}"
            for kind, status, overdue in zip(
                items["activity_type"],
                items["status"],
                items["is_overdue"],
                strict=True,
            )
        ],
        subject=items["subject"].fillna(""),
        status=items["status"].fillna(""),
        account_manager=items["account_manager"].map(short_name),
    )


def agenda_columns(rows: pd.DataFrame, with_day: bool, phone: bool) -> dict:
    """The columns of the agenda lines `rows` (agenda_rows): the day only in a
    week, who only when the lines name several people; each as wide as its
    longest text, the partner the room left at 1440 with the sidebar open. On
    a phone the partner is pinned and the subject comes next."""
    columns = dict(AGENDA_COLUMNS)
    if phone:
        columns = {name: columns[name] for name in PHONE_ORDER}
    if not with_day:
        del columns["day"]
    if rows["account_manager"].nunique(dropna=False) <= 1:
        del columns["account_manager"]
    columns = figures.fit_columns(
        columns, {name: rows[name] for name in columns}, "partner_name", GRID_PX
    )
    if phone:
        columns["partner_name"] |= {"width": PHONE_PARTNER_PX, "pinned": True}
    return columns


def draw_agenda(
    span: dict, total: int, name: str, with_day: bool, phone: bool = False
) -> None:
    """The items of `span` (calls.agenda's arguments; `total` of them) as an agenda
    grid, a page of PAGE_ROWS lines at a time, each page queried alone (the
    browser and the cache never hold a whole busy week); a row opens its partner.
    The download has every item."""
    pages = max(1, -(-total // PAGE_ROWS))
    page = 1
    if pages > 1:
        if st.session_state.get(PAGE_KEY, 1) > pages:  # a quieter week than before
            st.session_state[PAGE_KEY] = 1
        page = int(
            st.number_input(
                f"Page (of {pages:,})", min_value=1, max_value=pages, key=PAGE_KEY
            )
        )
    first = (page - 1) * PAGE_ROWS
    shown = common.report(calls.agenda, **span, offset=first, limit=PAGE_ROWS)
    if pages > 1:
        st.caption(
            f"Items {first + 1:,}–{first + len(shown):,} of {total:,}, by day, "
            "the overdue first."
        )
    rows = agenda_rows(shown)
    common.partner_table(
        shown,
        None,
        agenda_columns(rows, with_day, phone),
        key="calendar_pick",
        shown=rows,
        height=min(len(shown) + 1, 16) * 35 + 3,
    )
    common.download_report(calls.agenda, name, **span)


def day_buttons(counts: pd.DataFrame, start: dt.date, as_of: dt.date) -> None:
    """Seven day buttons, Monday to Sunday, each with its number of items (and
    of overdue tasks); a click opens that day alone. In one row that wraps (to
    two on a phone) rather than columns that stack seven high."""
    per_day = counts.groupby("date")[["items", "overdue"]].sum()
    with st.container(horizontal=True, gap="small"):
        for offset in range(7):
            day = start + dt.timedelta(days=offset)
            items, overdue = per_day.loc[day] if day in per_day.index else (0, 0)
            label = _day_label(day, as_of, "%a %d")
            note = f"{figures.count(items)}" + (f" · ⚠ {overdue:,}" if overdue else "")
            st.button(
                f"{label}  \n{note}",
                key=f"cal-week-{day.isoformat()}",
                on_click=open_day,
                args=(day,),
                help="Show this day alone",
                width="stretch",
            )


def type_counts(counts: pd.DataFrame) -> str:
    """One day's overdue tasks, then its items counted by type, two types a line
    (`☐ 3  ☎ 1`, each symbol and its number kept together when a narrow cell
    wraps)."""
    by_kind = counts.groupby("activity_type")["items"].sum().to_dict()
    done = int(counts["completed"].sum())
    by_kind["Task"] = by_kind.get("Task", 0) - done  # open tasks; ☑ the rest
    kinds = [*TYPE_SYMBOLS, *sorted(set(by_kind) - set(TYPE_SYMBOLS))]
    parts = [
        f"{TYPE_SYMBOLS.get(kind, kind)}\u00a0{by_kind[kind]:,}"
        for kind in kinds
        if by_kind.get(kind, 0)
    ]
    if done:
        parts.append(f"{DONE_SYMBOL}\u00a0{done:,}")
    lines = [" ".join(parts[i : i + 2]) for i in range(0, len(parts), 2)]
    overdue = int(counts["overdue"].sum())
    if overdue:
        lines.insert(0, f":red[⚠\u00a0{overdue:,}]")  # the legend names it
    return "  \n".join(f":small[{line}]" for line in lines)


def draw_month(
    counts: pd.DataFrame,
    start: dt.date,
    end: dt.date,
    anchor: dt.date,
    as_of: dt.date,
    compact: bool = False,
) -> None:
    """A month grid, one row per week: each day shows how many items of each type it
    holds (`counts`: calls.day_counts) and its overdue tasks; its date button opens
    the day. `compact`: a phone's grid (see _draw_compact_month)."""
    per_day = {day: frame for day, frame in counts.groupby("date")}
    month = dates.month(anchor)
    if compact:
        _draw_compact_month(per_day, start, end, month, as_of)
        return
    header = st.columns(7, gap="small")
    for name, column in zip(WEEKDAYS, header, strict=True):
        column.markdown(f"**{name}**")
    day = start
    while day <= end:
        for column in st.columns(7, gap="small"):
            with column, st.container(border=True, height=180):
                st.button(
                    _day_label(day, as_of, "%d") if day in month else f"{day:%d %b}",
                    key=f"cal-month-{day.isoformat()}",
                    type="tertiary",
                    on_click=open_day,
                    args=(day,),
                    disabled=day not in month,
                )
                todays = per_day.get(day)
                if todays is not None:
                    st.markdown(type_counts(todays))
            day += dt.timedelta(days=1)


def _draw_compact_month(
    per_day: dict, start: dt.date, end: dt.date, month: dates.Period, as_of: dt.date
) -> None:
    """The month grid of a phone: a row of seven cells of a fixed width per week
    (columns would stack on a phone), each a button with the date and the day's
    number of items, red with ⚠ when some are overdue."""
    with st.container(horizontal=True, gap=None):
        for name in WEEKDAYS:
            st.markdown(f"**{name}**", width=CELL)
    day = start
    while day <= end:
        with st.container(horizontal=True, gap=None):
            for _ in range(7):
                st.button(
                    _compact_label(day, per_day.get(day), as_of),
                    key=f"cal-month-{day.isoformat()}",
                    type="tertiary",
                    on_click=open_day,
                    args=(day,),
                    disabled=day not in month,
                    width=CELL,
                )
                day += dt.timedelta(days=1)


def _compact_label(day: dt.date, counts: pd.DataFrame | None, as_of: dt.date) -> str:
    """A phone's month cell: the date (blue on the as-of date), then the day's
    items, red with ⚠ when some are overdue."""
    date = f":blue[**{day:%d}**]" if day == as_of else f"**{day:%d}**"
    if counts is None:
        return f"{date}  \n·"
    items = figures.count(counts["items"].sum())
    note = f":red[{items}⚠]" if counts["overdue"].sum() else items
    return f"{date}  \n:small[{note}]"


def _day_label(day: dt.date, as_of: dt.date, fmt: str) -> str:
    label = day.strftime(fmt)
    return f":blue[**{label}** · as of]" if day == as_of else f"**{label}**"
