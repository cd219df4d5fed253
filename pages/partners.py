"""Partner report: my partners in league order, who needs a touch or a notes task,
who is ready for the next stage, and their clients this month and this week."""

from functools import partial

import streamlit as st

from analytics import partners
from analytics.schema import league_names
from ui import auth, common, figures
from ui import partners as ui
from ui.safe import md

ALL_LEAGUES = "All leagues"
ALL_STATUSES = "All statuses"
BLANK_STATUS = "(blank)"


f = common.filters()

st.title("Partner report")
st.caption(
    f"As of {f.as_of:%d %B %Y}: each league's partners by account status (the first "
    "row of a group is its subtotal). Select a row to open the partner."
)

league_box, status_box, search_box = st.columns([1, 1, 2])
league = league_box.selectbox(
    "League",
    [ALL_LEAGUES, *common.report(partners.leagues)],
    key="league",
    bind="query-params",
)
status = status_box.selectbox(
    "Account status",
    [ALL_STATUSES, *common.report(partners.statuses), BLANK_STATUS],
    key="status",
    bind="query-params",
)
search = search_box.text_input(
    "Search partners",
    key="q",
    bind="query-params",
    placeholder="Part of a partner's name or id",
)

filters = {
    "as_of": f.as_of,
    "account_manager": f.account_manager,
    "league": None if league == ALL_LEAGUES else league,
    "account_status": {ALL_STATUSES: None, BLANK_STATUS: ""}.get(status, status),
    "search": search.strip() or None,
}
report = common.report(partners.partner_report, **filters)

if report.empty:
    st.info("No partners match these filters.")
    st.stop()

ready = ui.is_ready(report)
summary, download = st.columns([3, 2], vertical_alignment="center")
summary.caption(
    f"{figures.count(len(report))} partners · "
    f"{figures.count(report['clients_total'].sum())} clients · "
    f"{figures.count(report['clients_repurposed'].sum())} repurposed · "
    f"{figures.count(ready.sum())} ready for the next stage"
)
with download.container(horizontal_alignment="right"):
    later = common.report_later(partners.partner_report, **filters)
    common.download(partial(ui.download_with_ready, later), "partner_report")

several_managers = report["account_manager"].nunique(dropna=False) > 1
phone = common.is_phone()
key = (common.dataset_version(), auth.books(), *filters.values())  # per viewer
blocks = dict(list(report.groupby(league_names(report["league"]), sort=False)))
whole = league != ALL_LEAGUES  # a chosen league is drawn whole
block_grids = ui.league_grids(report, key, f.as_of, whole)
columns = ui.report_columns(block_grids, key, whole, several_managers, phone)
for block_grid in block_grids:
    league_name, grid = block_grid.league, block_grid.grid
    block = blocks[league_name]
    st.header(md(league_name), divider="gray")
    st.markdown(
        f"**{figures.count(len(block))}** partners · "
        f"**{figures.count(block['clients_total'].sum())}** clients · "
        f"**{figures.count(block['clients_active'].sum())}** active · "
        f"**{figures.count(block['clients_repurposed'].sum())}** repurposed · "
        f"**{figures.count(block['added_this_month'].sum())}** added this month · "
        f"**{figures.count(block['churned_this_week'].sum())}** churned this week"
    )
    common.partner_table(
        grid,
        None,
        columns,
        key=f"report-{league_name}",
        height=ui.grid_height(grid),
        placeholder="",
    )
    if block_grid.left_out:
        with st.container(horizontal=True, vertical_alignment="center"):
            st.caption(
                f"Each status group's first {ui.GROUP_ROWS} partners (most clients"
                f" first); {figures.count(block_grid.left_out)} more in this league."
            )
            st.button(
                f"Show all {figures.count(len(block))} partners",
                key=f"all-{league_name}",
                icon=":material/unfold_more:",
                on_click=ui.show_league,
                args=(league_name,),
            )
