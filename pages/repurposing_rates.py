"""Repurposing: who repurposes fastest, by league, account manager and partner?"""

import pandas as pd
import streamlit as st

from ui import common
from ui import performance as perf

GROUPS = {
    "league": "League",
    "account_manager": "Account manager",
    "partner": "Partner",
}
TOP_PARTNERS = 15
PARTNER_COLUMNS = {
    "partner_name": "Partner",
    "account_manager": "Account manager",
    "league": "League",
    "clients_added": st.column_config.NumberColumn("Clients added"),
    "repurposed": st.column_config.NumberColumn("Repurposed"),
    "rate": perf.percent_column("Repurposing rate"),
}
PLAN_COLUMNS = {
    "partner_name": "Partner",
    "account_manager": "Account manager",
    "league": "League",
    "repurposed": st.column_config.NumberColumn("Repurposed"),
    "business_plan_aim": st.column_config.NumberColumn("Aim"),
    "to_go": st.column_config.NumberColumn("To go"),
    "plan_progress": st.column_config.ProgressColumn(
        "Plan progress", format="percent", min_value=0.0, max_value=1.0
    ),
}


def leader_tiles(table: pd.DataFrame, velocity: pd.DataFrame, ready: int) -> None:
    """The answer first: the highest rate, the quickest median, this week's
    repurposed clients and the partners ready for the next stage."""
    label = GROUPS[by].lower()
    name = "partner_name" if by == "partner" else by
    cells = st.columns(4)
    ranked = table.dropna(subset=["rate"]).sort_values(
        ["rate", "clients_added"], ascending=False
    )
    quickest = table.dropna(subset=["median_days"]).sort_values(
        ["median_days", "repurposed"], ascending=[True, False]
    )
    if ranked.empty:
        cells[0].metric(f"Highest rate ({label})", "–", border=True)
    else:
        top = ranked.iloc[0]
        cells[0].metric(
            f"Highest rate: {perf.group_label(top[name])}",
            f"{top['rate']:.0%}",
            border=True,
            help=f"{perf.group_label(top[name])}: {top['repurposed']:,} repurposed "
            f"of {top['clients_added']:,} added",
        )
    if quickest.empty:
        cells[1].metric(f"Quickest ({label})", "–", border=True)
    else:
        fast = quickest.iloc[0]
        cells[1].metric(
            f"Quickest: {perf.group_label(fast[name])}",
            f"{perf.days(fast['median_days'])} days",
            border=True,
            help=f"{perf.group_label(fast[name])}: median days from added to "
            f"repurposed over {fast['repurposed']:,} clients",
        )
    this_week, last_week = (
        velocity["repurposed"].iloc[-1],
        velocity["repurposed"].iloc[-2],
    )
    cells[2].metric(
        "Repurposed this week",
        f"{this_week:,}",
        delta=f"{this_week - last_week:+,} vs last week",
        border=True,
    )
    cells[3].metric("Partners ready for the next stage", f"{ready:,}", border=True)


def rate_table(table: pd.DataFrame) -> None:
    """Rate and median days per group, beside the chart."""
    key = "partner_name" if by == "partner" else by
    columns = {
        key: GROUPS[by],
        "clients_added": st.column_config.NumberColumn("Added"),
        "repurposed": st.column_config.NumberColumn("Repurposed"),
        "rate": perf.percent_column("Rate"),
        "median_days": st.column_config.NumberColumn("Median days", format="%.1f"),
    }
    common.table(
        table,
        f"repurposing_rates_by_{by}",
        column_config=columns,
        column_order=list(columns),
        key=f"rate-table-{by}",
        height=320 if by == "partner" else "auto",
    )


def drill_down(keys: list) -> None:
    """The partners behind the selected league or AM bars (or the selected
    partner), with a download."""
    if by == "partner":
        chosen = rates[rates["partner_id"].isin(keys)]
        for _, row in chosen.iterrows():
            if st.button(
                f"Open {row['partner_name']}", key=f"open-{row['partner_id']}"
            ):
                st.switch_page(
                    "pages/partner_detail.py",
                    query_params={"partner": row["partner_id"]},
                )
        return
    partners = common.call(
        "repurposing.rates",
        as_of=f.as_of,
        by="partner",
        account_manager=f.account_manager,
    )
    behind = partners[partners[by].isin(keys)].reset_index(drop=True)
    names = ", ".join(perf.group_label(k) for k in keys)
    st.subheader(f"Partners behind {names}")
    common.table(
        behind,
        f"repurposing_partners_{by}",
        column_config=PARTNER_COLUMNS,
        column_order=list(PARTNER_COLUMNS),
        key="drill-partners",
    )


def plan_table(plans: pd.DataFrame, name: str, key: str) -> None:
    """Partners with their plan progress; a selected row opens the partner."""
    shown = plans.reset_index(drop=True)
    event = common.table(
        shown,
        name,
        column_config=PLAN_COLUMNS,
        column_order=list(PLAN_COLUMNS),
        on_select="rerun",
        selection_mode="single-row",
        key=key,
        height=250,
    )
    rows = event.selection.rows if event else []
    if rows:
        partner = shown.iloc[rows[0]]["partner_id"]
        st.switch_page("pages/partner_detail.py", query_params={"partner": partner})


f = common.filters()

st.title("Repurposing")
st.caption(
    "Who repurposes fastest? The share of clients moved onto the product, how soon "
    "after they were added, and the partners nearest their business plan aim."
)
choice = st.segmented_control(
    "Rate by",
    list(GROUPS.values()),
    default="League",
    required=True,
    key="rby",
    bind="query-params",
)
by = next(key for key, label in GROUPS.items() if label == choice)

with st.spinner("Working out repurposing rates..."):
    rates = common.call(
        "repurposing.rates", as_of=f.as_of, by=by, account_manager=f.account_manager
    )
    medians = common.call(
        "repurposing.median_days",
        as_of=f.as_of,
        by=by,
        account_manager=f.account_manager,
    )
    velocity = common.call(
        "repurposing.weekly_velocity", as_of=f.as_of, account_manager=f.account_manager
    )
    plans = common.call(
        "repurposing.plan_progress", as_of=f.as_of, account_manager=f.account_manager
    )

group_keys = list(perf.GROUPS_KEYS[by])
table = rates.merge(medians[[*group_keys, "median_days"]], on=group_keys, how="left")
if by != "league":
    table = table.sort_values(
        ["rate", "clients_added"], ascending=False, na_position="last"
    )

if rates["clients_added"].sum() == 0:
    st.info("No clients added yet: upload clients on the Data page.")
    st.stop()

leader_tiles(table, velocity, int(plans["ready"].sum()))

left, right = st.columns(2)
with left:
    bars = table.head(TOP_PARTNERS) if by == "partner" else table
    title = f"Repurposing rate by {GROUPS[by].lower()}"
    if by == "partner":
        title = f"The {len(bars)} partners with the highest repurposing rate"
    event = common.chart(
        perf.rate_bars(bars, by, title),
        table,
        f"repurposing_rate_by_{by}",
        on_select="rerun",
        selection_mode="points",
    )
with right:
    st.markdown(f"**Rate and speed by {GROUPS[by].lower()}**")
    rate_table(table)

keys = perf.selected(event)
if keys:
    drill_down(keys)
else:
    st.caption("Select a bar to see the partners behind it.")

left, right = st.columns(2)
with left:
    cohorts = common.call(
        "repurposing.cohorts", as_of=f.as_of, account_manager=f.account_manager
    )
    common.chart(perf.cohort_chart(cohorts), cohorts, "repurposing_cohorts")
with right:
    common.chart(perf.velocity_bars(velocity), velocity, "repurposing_velocity")

left, right = st.columns([3, 2])
times = common.call(
    "repurposing.time_to_repurpose",
    as_of=f.as_of,
    by="league",
    account_manager=f.account_manager,
)
league_medians = common.call(
    "repurposing.median_days",
    as_of=f.as_of,
    by="league",
    account_manager=f.account_manager,
)
with left:
    if times.empty:
        st.info("No client has been repurposed yet.")
    else:
        common.chart(perf.time_histogram(times), times, "time_to_repurpose")
with right:
    st.markdown("**Median days to repurpose, by league**")
    common.table(
        league_medians,
        "median_days_by_league",
        column_config={
            "league": "League",
            "repurposed": st.column_config.NumberColumn("Repurposed"),
            "median_days": st.column_config.NumberColumn("Median days", format="%.1f"),
        },
        key="league-medians",
    )

st.subheader("Business plan aims")
ready, to_go = plans[plans["ready"]], plans[~plans["ready"]]
left, right = st.columns(2)
with left:
    st.markdown(
        f"**Ready for the next stage** ({len(ready):,} partners at or above aim)"
    )
    if ready.empty:
        st.info("No partner has reached its business plan aim yet.")
    else:
        plan_table(ready, "partners_ready", "plans-ready")
with right:
    st.markdown("**Closest to their business plan aim**")
    if to_go.empty:
        st.info("No partner is still working towards an aim.")
    else:
        plan_table(to_go, "partners_closest_to_aim", "plans-closest")
