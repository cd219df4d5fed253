"""Dashboard: how is the team doing today, and who needs a call?"""

import streamlit as st

from analytics import activity, churn, kpis, metrics, quota, repurposing
from ui import common, figures
from ui import partners as ui
from ui import performance as perf
from ui.safe import md

f = common.filters()
team = md(f.account_manager) if f.account_manager else "the team"

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
figures.tile(
    added_tile,
    "month_added",
    kpi["month_added"],
    delta=kpi["month_status"],
    delta_color=colour,
    delta_arrow=arrow,
    delta_description=metrics.quota_note(kpi["month_target"]),
)
figures.tile(
    repurposed_tile,
    "repurposed_this_month",
    kpi["repurposed_this_month"],
    delta=kpi["repurposed_this_month"] - kpi["repurposed_last_month_to_date"],
    delta_description=metrics.vs_last_month(
        kpi["repurposed_last_month_to_date"], f.as_of
    ),
)
figures.tile(
    churned_tile,
    "churned_this_week",
    kpi["churned_this_week"],
    delta=kpi["churned_this_week"] - kpi["churned_last_week_to_date"],
    delta_color="inverse",
    delta_description=metrics.vs_last_week(kpi["churned_last_week_to_date"], f.as_of),
)
figures.tile(
    attention_tile,
    "partners_needing_attention",
    kpi["partners_needing_attention"],
    help=f"No touch in {f.no_touch_days}+ days, no notes task, an overdue task, "
    "or 2+ clients churned this week.",
    height="stretch",
)

apart = metrics.no_quota_note(*(kpi[k] for k in metrics.NO_QUOTA_KEYS))
if apart:
    st.caption(apart)

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
        common.chart(perf.pace_bars(month, "month"), month, "dashboard_quota_pace")
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
            perf.churn_chart(weekly, totals, "league"), totals, "dashboard_churn"
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
    if velocity["repurposed_in_week"].sum() == 0:
        st.info("No clients repurposed in the last 26 weeks.")
    else:
        common.chart(perf.velocity_bars(velocity), velocity, "dashboard_repurposing")
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
