"""The Activity page's calendar: a day list, a week of day columns or a month grid
of the tasks, events, calls and emails from analytics.activity.calendar_items."""

from __future__ import annotations

import datetime as dt
import html

import pandas as pd
import streamlit as st

from analytics import dates

VIEWS = ("Day", "Week", "Month")
VIEW_KEY = "view"
DATE_KEY = "cal_date"
TYPE_SYMBOLS = {"Task": "☐", "Event": "◆", "Call": "☎", "Email": "✉"}
WEEKDAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
ITEM_STYLE = (
    "<style>.cal-item{font-size:0.78rem;line-height:1.35;margin-bottom:0.45rem;"
    "white-space:nowrap;overflow:hidden;text-overflow:ellipsis}"
    ".cal-item b,.cal-subject{display:inline-block;max-width:100%;overflow:hidden;"
    "text-overflow:ellipsis;vertical-align:top}.cal-subject{opacity:0.7}</style>"
)


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


def day_html(items: pd.DataFrame) -> str:
    """One day's items as compact lines (partner, then subject, cut to the column
    width); the full text shows on hover."""
    lines = [ITEM_STYLE]
    for row in items.itertuples():
        partner = row.partner_name if isinstance(row.partner_name, str) else "(none)"
        subject = row.subject if isinstance(row.subject, str) and row.subject else "–"
        status = row.status if isinstance(row.status, str) else ""
        done = row.activity_type == "Task" and status == "Completed"
        symbol = "☑" if done else TYPE_SYMBOLS.get(row.activity_type, "•")
        title = " · ".join(
            part
            for part in (
                row.activity_type,
                partner,
                subject,
                row.account_manager,
                status,
            )
            if isinstance(part, str) and part
        )
        lines.append(
            f'<div class="cal-item" title="{html.escape(title)}">'
            f"<b>{symbol} {html.escape(partner)}</b><br>"
            f'<span class="cal-subject">{html.escape(subject)}</span></div>'
        )
    return "".join(lines)


def type_counts(items: pd.DataFrame) -> str:
    """One day's items counted by type, two types a line: `☐ 3 · ☎ 1`."""
    counts = items["activity_type"].value_counts()
    kinds = [*TYPE_SYMBOLS, *sorted(set(counts.index) - set(TYPE_SYMBOLS))]
    parts = [
        f"{TYPE_SYMBOLS.get(kind, kind)} {counts[kind]}"
        for kind in kinds
        if counts.get(kind, 0)
    ]
    lines = [" · ".join(parts[i : i + 2]) for i in range(0, len(parts), 2)]
    return "  \n".join(f":small[{line}]" for line in lines)


def draw_week(items: pd.DataFrame, start: dt.date, as_of: dt.date) -> None:
    """Seven day columns, Monday to Sunday, each listing its items."""
    columns = st.columns(7, gap="small")
    for offset, column in enumerate(columns):
        day = start + dt.timedelta(days=offset)
        todays = items[items["date"] == day]
        with column:
            st.button(
                _day_label(day, as_of, "%a %d %b"),
                key=f"cal-week-{day.isoformat()}",
                type="tertiary",
                on_click=open_day,
                args=(day,),
                help="Show this day",
            )
            with st.container(border=True, height=340):
                if todays.empty:
                    st.caption("Nothing planned")
                else:
                    st.html(day_html(todays))


def draw_month(
    items: pd.DataFrame, start: dt.date, end: dt.date, anchor: dt.date, as_of: dt.date
) -> None:
    """A month grid, one row per week: each day shows how many items of each type it
    holds; its date button opens the day."""
    header = st.columns(7, gap="small")
    for name, column in zip(WEEKDAYS, header, strict=True):
        column.markdown(f"**{name}**")
    per_day = {day: frame for day, frame in items.groupby("date")}
    month = dates.month(anchor)
    day = start
    while day <= end:
        for column in st.columns(7, gap="small"):
            with column, st.container(border=True, height=134):
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


def _day_label(day: dt.date, as_of: dt.date, fmt: str) -> str:
    label = day.strftime(fmt)
    return f":blue[**{label}** · as of]" if day == as_of else f"**{label}**"
