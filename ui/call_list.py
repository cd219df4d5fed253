"""The Dashboard's call list as rows an AM reads on any screen: the first partners
to call, each a link (by partner id) to its detail with the reasons in full words
beside it, wrapping under it on a phone; every partner in a grid with its download
one click away (from analytics.calls.call_list)."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from ui import common, figures
from ui import partners as ui
from ui.safe import md

ROWS = 10  # partners drawn as rows; every one in the grid below them


def row_meta(call: pd.Series, several_managers: bool) -> str:
    """What a row says beside the reasons: the last touch (when the reasons do
    not already give it), the league and, when the list spans several AMs, the
    account manager."""
    parts = [call["league"]]
    if several_managers:
        parts.append(figures.account_manager_label(call["account_manager"]))
    over = call["days_over"]
    if pd.notna(over) and over <= 0:  # touched within the cadence
        touch = figures.days(call["days_since_touch"])
        parts.append("touched today" if touch == "today" else f"touched {touch} ago")
    return " · ".join(md(part) for part in parts)


def draw(calls: pd.DataFrame, several_managers: bool, phone: bool) -> None:
    """The first ROWS partners of `calls` (calls.call_list) as rows: the partner's
    name opens its detail by id; then an expander with all of them as a grid and
    the CSV download."""
    rows = ui.call_rows(calls)
    with st.container(border=True, gap="medium" if phone else "small"):
        for _, call in rows.head(ROWS).iterrows():
            # side by side on a wide screen; on a phone the reasons go under the name
            name, why = st.columns([2, 3], gap="small", vertical_alignment="center")
            name.page_link(
                common.DETAIL_PAGE,
                label=f":blue[**{md(call['partner_name'])}**]",
                query_params={"partner": call["partner_id"]},
                width="stretch",
            )
            why.markdown(
                f"{md(call['reasons'])} "
                f":small[:gray[· {row_meta(call, several_managers)}]]"
            )
    label = (
        f"All {figures.count(len(rows))} partners as a table"
        if len(rows) > ROWS
        else "As a table"
    )
    with st.expander(
        f"{label}, with the CSV download", key="call-today-table", on_change="rerun"
    ) as table:
        if not table.open:  # built once opened: the Dashboard draws no hidden grid
            return
        common.partner_table(
            calls,
            "call_today",
            ui.call_columns(several_managers, phone),
            key="call_today",
            shown=rows,
            height=ui.CALL_LIST_HEIGHT,
        )
