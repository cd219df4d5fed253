"""Dashboard: how is the team doing today, and who needs a call?"""

import streamlit as st

from analytics import activity, churn, kpis, quota, repurposing
from ui import charts, common
from ui import partners as ui

f = common.filters()
team = ui.escape(f.account_manager) if f.account_manager else "the team"

st.title("Dashboard")
st.caption(
    f"Quota pace, repurposing, churn and partners needing attention for {team}, "
    f"as of {f.as_of:%A %d %B %Y}."
)

kpi = common.report(
    kpis.dashboard_kpis,
    as_of=f.as_of,
    fiscal_start_month=f.fiscal_start_month,
    account_manager=f.account_manager,
    no_touch_days=f.no_touch_days,
)

added_tile, repurposed_tile, churned_tile, attention_tile = st.columns(4)
colour, arrow = ui.STATUS_DELTA[kpi["month_status"]]
added_tile.metric(
    "Clients added this month",
    f"{kpi['added_this_month']:,}",
    delta=kpi["month_status"],
    delta_color=colour,
    delta_arrow=arrow,
    delta_description=(
        f"target {kpi['month_target']:,}" if kpi["month_target"] else "no quota set"
    ),
    help="Clients added in this calendar month up to the as-of date, against the "
    "month's quota; the status compares them with the target expected by today.",
    border=True,
)
repurposed_tile.metric(
    "Repurposed this month",
    f"{kpi['repurposed_this_month']:,}",
    delta=kpi["repurposed_this_month"] - kpi["repurposed_last_month"],
    delta_description=f"vs {kpi['repurposed_last_month']:,} last month",
    help="Clients repurposed this month up to the as-of date, against the same "
    "number of days into last month.",
    border=True,
)
churned_tile.metric(
    "Churned this week",
    f"{kpi['churned_this_week']:,}",
    delta=kpi["churned_this_week"] - kpi["churned_last_week"],
    delta_color="inverse",
    delta_description=f"vs {kpi['churned_last_week']:,} last week",
    help="Clients churned this week (Monday to the as-of date), against last week "
    "up to the same weekday.",
    border=True,
)
attention_tile.metric(
    "Partners needing attention",
    f"{kpi['partners_needing_attention']:,}",
    help=f"No touch in {f.no_touch_days}+ days, no notes task, an overdue task, "
    "or 2+ clients churned this week.",
    border=True,
    height="stretch",
)

left, right = st.columns(2)
with left:
    pace = common.report(
        quota.quota_pace,
        as_of=f.as_of,
        fiscal_start_month=f.fiscal_start_month,
        account_manager=f.account_manager,
    )
    month = pace[pace["period"] == "month"]
    if month.empty:
        st.info("No account managers or quotas yet: nothing to pace.")
    else:
        common.chart(charts.pace_bars(month, "month"), month, "dashboard_quota_pace")
    st.page_link("pages/quota.py", label="Quota pace by AM", icon=":material/speed:")

with right:
    weekly = common.report(
        churn.weekly_churn,
        as_of=f.as_of,
        by="league",
        account_manager=f.account_manager,
    )
    totals = common.report(
        churn.churn_totals, as_of=f.as_of, account_manager=f.account_manager
    )
    if totals["active_at_start"].sum() == 0 and totals["churned"].sum() == 0:
        st.info("No clients in the last 26 weeks: no churn to show.")
    else:
        common.chart(
            charts.churn_chart(weekly, totals, "league"), totals, "dashboard_churn"
        )
    st.page_link(
        "pages/churn.py",
        label="Weekly churn and who churned",
        icon=":material/trending_down:",
    )

left, right = st.columns([2, 3])
with left:
    velocity = common.report(
        repurposing.weekly_velocity, as_of=f.as_of, account_manager=f.account_manager
    )
    if velocity["repurposed"].sum() == 0:
        st.info("No clients repurposed in the last 26 weeks.")
    else:
        common.chart(charts.velocity_bars(velocity), velocity, "dashboard_repurposing")
    st.page_link(
        "pages/repurposing.py",
        label="Repurposing rates and cohorts",
        icon=":material/autorenew:",
    )

with right:
    st.markdown("**Partners needing attention**")
    attention = common.report(
        activity.attention,
        as_of=f.as_of,
        no_touch_days=f.no_touch_days,
        account_manager=f.account_manager,
    )
    if attention.empty:
        st.success(
            "Every partner has a recent touch, a notes task and no overdue task."
        )
    else:
        common.partner_table(
            attention,
            "partners_needing_attention",
            {
                "partner_name": "Partner",
                "account_manager": "Account manager",
                "reasons": st.column_config.TextColumn("Why", width="large"),
            },
            key="attention_table",
            height=300,
        )
    st.caption("Select a partner to open its detail.")
    st.page_link(
        "pages/partners.py", label="Partner report", icon=":material/table_rows:"
    )
    st.page_link(
        "pages/activity.py",
        label="Activity and hygiene",
        icon=":material/event_note:",
    )
