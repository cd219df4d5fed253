"""Weekly churn: who churned this week, and how churn runs over 26 weeks."""

import datetime as dt

import pandas as pd
import streamlit as st

from analytics import activity, churn, kpis, metrics
from analytics.schema import league_names
from ui import charts, common, figures
from ui.safe import md

FLAG_AT = activity.CHURN_ALERT_CLIENTS  # SPEC 4 "Needs attention"
CLIENT_COLUMNS = {
    "partner_name": "Partner",
    "client_id": "CRN",
    "league": "League",
    "account_manager": "Account manager",
    "churned_date": st.column_config.DateColumn("Churned", format="YYYY-MM-DD"),
    "flagged": st.column_config.CheckboxColumn(
        f"{FLAG_AT}+ lost", help=f"The partner lost {FLAG_AT} or more clients that week"
    ),
    "partner_churn_count": figures.column("partner_churn_count"),
    "client_name": "Client",
}


def for_display(clients: pd.DataFrame) -> pd.DataFrame:
    """Churned clients with the league named and the 2+ flag."""
    shown = clients.copy()
    shown["league"] = league_names(shown["league"])
    shown["flagged"] = shown["partner_churn_count"] >= FLAG_AT
    return shown


def week_tiles(counts: dict, flagged: pd.DataFrame, as_of: dt.date) -> None:
    """This week (up to the as-of date) against last week up to the same weekday;
    last week in full in the help."""
    churned, before = counts["churned_this_week"], counts["churned_last_week_to_date"]
    cells = st.columns(4)
    figures.tile(
        cells[0],
        "churned_this_week",
        churned,
        delta=churned - before,
        delta_color="inverse",
        delta_description=metrics.vs_last_week(before, as_of),
        help=f"{metrics.get('churned_this_week').definition} "
        f"{metrics.last_week_in_full(counts['churned_last_week_full'])}.",
    )
    rate_change = (
        None
        if counts["churn_rate_this_week"] is None
        or counts["churn_rate_last_week_to_date"] is None
        else counts["churn_rate_this_week"] - counts["churn_rate_last_week_to_date"]
    )
    figures.tile(
        cells[1],
        "churn_rate",
        counts["churn_rate_this_week"],
        label="Churn rate this week",
        delta=figures.change_in_points(rate_change),
        delta_color="inverse",
        delta_description=metrics.vs_last_week(
            counts["churn_rate_last_week_to_date"], as_of, write=figures.rate
        ),
        height="stretch",
        help="Churned this week / active at its start. Last week to the same "
        f"weekday: {figures.rate(counts['churn_rate_last_week_to_date'])}; last "
        f"week in full: {figures.rate(counts['churn_rate_last_week_full'])} "
        f"({counts['churned_last_week_full']:,} of "
        f"{counts['active_at_start_last_week']:,} active at its start).",
    )
    figures.tile(
        cells[2],
        "active_at_start",
        counts["active_at_start_this_week"],
        height="stretch",
    )
    cells[3].metric(
        f"Partners losing {FLAG_AT}+ this week",
        f"{flagged['partner_id'].nunique():,}",
        border=True,
        height="stretch",
    )


def clients_table(clients: pd.DataFrame, name: str, key: str) -> None:
    common.table(for_display(clients), name, CLIENT_COLUMNS, key=key)


def drill_down(points: list[tuple], by: str, mine: dict) -> None:
    """The clients behind the selected bars (week x group) or rate points (week)."""
    for week, group in points:
        monday = dt.date.fromisoformat(week)
        filters = dict(mine)
        if group is not None:
            filters[by] = group
        clients = common.report(churn.churned_clients, week_start=monday, **filters)
        who = "all" if group is None else charts.group_label(group)
        st.subheader(f"Churned in the week of {monday:%d %b %Y}: {md(who)}")
        if clients.empty:
            st.info("No client churned in that week and group.")
        else:
            clients_table(clients, f"churned_{week}_{who}", key=f"drill-{week}-{who}")


f = common.filters()
mine = {"as_of": f.as_of, "account_manager": f.account_manager}

st.title("Weekly churn")
st.caption(
    "Who churned this week? Clients lost per week over the last 26 weeks, by league "
    "or account manager, with the churn rate."
)

with st.spinner("Counting churned clients..."):
    totals = common.report(churn.churn_totals, **mine)
    week_counts = common.report(kpis.period_counts, **mine)
    this_week = common.report(churn.churned_clients, **mine)

flagged = this_week[this_week["partner_churn_count"] >= FLAG_AT]
week_tiles(week_counts, flagged, f.as_of)
if not flagged.empty:
    counts = flagged.drop_duplicates("partner_id")
    names = ", ".join(
        f"{md(row.partner_name)} ({row.partner_churn_count})"
        for row in counts.itertuples()
    )
    st.warning(
        f"{FLAG_AT}+ clients churned this week: {names}", icon=":material/warning:"
    )

choice = common.choice("Split by", list(charts.GROUP_CHOICES), key="cby")
by = charts.GROUP_CHOICES[choice]
weekly = common.report(churn.weekly_churn, by=by, **mine)
if weekly.empty:
    st.info("No partners in the data yet: upload partners on the Data page.")
    event = None
else:
    event = common.drill_chart(
        charts.churn_chart(weekly, totals, by), weekly, f"weekly_churn_by_{by}"
    )

points = [(week, group) for week, group, *_ in charts.selected_points(event)]
if points:
    drill_down(points, by, mine)
else:
    st.caption("Select a bar to see the clients churned in that week and group.")

st.subheader(
    f"Clients churned this week (week of {totals['week_start'].iloc[-1]:%d %b})"
)
if this_week.empty:
    st.info("No client churned this week.")
else:
    clients_table(this_week, "churned_this_week", key="churned-this-week")
