"""Partner report: my partners in league order, how far each is from its business
plan aim, and what happened this month and this week."""

import streamlit as st

from analytics import partners
from ui import common
from ui import partners as ui
from ui.safe import md

ALL_LEAGUES = "All leagues"
ALL_STATUSES = "All statuses"
BLANK_STATUS = "(blank)"

f = common.filters()

st.title("Partner report")
st.caption(
    "Partners by league and account status with their clients, plan progress, this "
    f"month's adds, this week's churn and the last touch, as of {f.as_of:%d %B %Y}. "
    "Select a row to open the partner."
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

report = common.report(
    partners.partner_report,
    as_of=f.as_of,
    account_manager=f.account_manager,
    league=None if league == ALL_LEAGUES else league,
    account_status={ALL_STATUSES: None, BLANK_STATUS: ""}.get(status, status),
    search=search.strip() or None,
    no_touch_days=f.no_touch_days,
)

if report.empty:
    st.info("No partners match these filters.")
    st.stop()

report = report.assign(league=report["league"].map(ui.league_label))
summary, download = st.columns([4, 1], vertical_alignment="center")
summary.caption(
    f"{len(report):,} partners · {report['clients_total'].sum():,} clients · "
    f"{report['clients_repurposed'].sum():,} repurposed"
)
with download.container(horizontal_alignment="right"):
    common.download(report, "partner_report")

groups = report.assign(status_group=report["account_status"].map(ui.status_group))
for league_name, block in groups.groupby("league", sort=False):
    st.header(md(league_name), divider="gray")
    st.markdown(
        f"**{len(block):,}** partners · **{block['clients_total'].sum():,}** clients · "
        f"**{block['clients_active'].sum():,}** active · "
        f"**{block['clients_repurposed'].sum():,}** repurposed · "
        f"**{block['added_this_month'].sum():,}** added this month · "
        f"**{block['churned_this_week'].sum():,}** churned this week"
    )
    for status_name, rows in block.groupby("status_group", sort=False):
        st.subheader(status_name)
        shown = ui.report_order(with_status=status_name == ui.OTHER_STATUSES)
        event = st.dataframe(
            rows[shown],
            hide_index=True,
            column_config=ui.REPORT_COLUMNS,
            placeholder="–",
            on_select="rerun",
            selection_mode="single-row",
            key=f"report-{league_name}-{status_name}",
        )
        common.open_selected_partner(event, rows)
