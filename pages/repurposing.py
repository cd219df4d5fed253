"""Repurposing: who repurposes fastest, by league, account manager and partner?"""

import pandas as pd
import streamlit as st

from analytics import kpis, metrics, repurposing
from ui import charts, common, figures
from ui.safe import md

GROUPS = {
    "League": "league",
    "Account manager": "account_manager",
    "Partner": "partner",
}
TOP_PARTNERS = 15
PARTNER_COLUMNS = {
    "partner_name": "Partner",
    "account_manager": "Account manager",
    "league": "League",
    "clients_added": figures.column("clients_added"),
    "ever_repurposed": figures.column("ever_repurposed"),
    "rate": figures.column("rate"),
}
PLAN_COLUMNS = {
    "partner_name": "Partner",
    "account_manager": "Account manager",
    "league": "League",
    "clients_repurposed": figures.column("clients_repurposed"),
    "business_plan_aim": figures.column("business_plan_aim", label="Aim"),
    "to_go": figures.column("to_go"),
    "plan_progress": figures.column("plan_progress", bar=True),
}


def name_column(by: str) -> str:
    return "partner_name" if by == "partner" else by


def named(table: pd.DataFrame) -> pd.DataFrame:
    """The blank account manager named `(no account manager)`, never `None`."""
    if "account_manager" not in table:
        return table
    return table.assign(
        account_manager=table["account_manager"].map(charts.group_label)
    )


def rates_with_medians(rates: pd.DataFrame, medians: pd.DataFrame, by: str):
    """Rate and median days side by side; AMs and partners highest rate first
    (the blank AM and the unknown partner last), leagues in league order."""
    keys = list(charts.GROUPS_KEYS[by])
    table = rates.merge(medians[[*keys, "median_days"]], on=keys, how="left")
    if by == "league":
        return named(table)
    ranked = table.sort_values(["ranked", "rate", "clients_added"], ascending=False)
    return named(ranked.reset_index(drop=True))


def best_tiles(cells, table: pd.DataFrame, by: str) -> None:
    """The answer first: the highest rate and the quickest median, among the
    groups that may rank (not the blank AM, not the unknown partner)."""
    rankable = table[table["ranked"]]
    ranked = rankable.dropna(subset=["rate"]).sort_values(
        ["rate", "clients_added"], ascending=False
    )
    quickest = rankable.dropna(subset=["median_days"]).sort_values(
        ["median_days", "ever_repurposed"], ascending=[True, False]
    )
    best_tile(
        cells[0],
        "Highest rate",
        ranked,
        by,
        "{rate:.0%}",
        "{ever_repurposed:,} ever repurposed of {clients_added:,} added",
    )
    best_tile(
        cells[1],
        "Quickest",
        quickest.assign(
            days=quickest["median_days"].map(metrics.get("median_days").text)
        ),
        by,
        "{days} days",
        "median days from added to repurposed, over {ever_repurposed:,} clients",
    )


def best_tile(
    cell, label: str, ranked: pd.DataFrame, by: str, value: str, why: str
) -> None:
    """A tile naming the first group of `ranked`, its figure and, on hover, why
    (`value` and `why` are format strings over the group's row); a dash when no
    group qualifies."""
    if ranked.empty:
        cell.metric(label, "–", border=True, height="stretch")
        return
    top = ranked.iloc[0]
    who = md(charts.group_label(top[name_column(by)]))
    cell.metric(
        f"{label}: {who}",
        value.format_map(top),
        border=True,
        height="stretch",
        help=f"{who}: {why.format_map(top)}",
    )


def week_tiles(cells, counts: dict, ready: int, as_of) -> None:
    """This week's repurposed clients (against last week to the same weekday)
    and the partners at their aim."""
    this_week, last_week = (
        counts["repurposed_this_week"],
        counts["repurposed_last_week_to_date"],
    )
    figures.tile(
        cells[0],
        "repurposed_this_week",
        this_week,
        delta=this_week - last_week,
        delta_description=metrics.vs_last_week(last_week, as_of),
    )
    figures.tile(cells[1], "ready", ready, height="stretch")


def rate_table(table: pd.DataFrame, by: str, label: str) -> None:
    """Rate and median days per group, beside the chart."""
    columns = {
        name_column(by): label,
        "clients_added": figures.column("clients_added", label="Added"),
        "ever_repurposed": figures.column("ever_repurposed"),
        "rate": figures.column("rate", label="Rate"),
        "median_days": figures.column("median_days", label="Median days"),
    }
    rows = table.drop(columns="ranked")
    common.table(
        rows,
        f"repurposing_rates_by_{by}",
        columns,
        shown=figures.shown(rows),
        key=f"rate-table-{by}",
        height=320 if by == "partner" else "auto",
    )


def partners_behind(keys: list, by: str, mine: dict) -> None:
    """The partners behind the selected league or AM bars, with a download."""
    partners = named(common.report(repurposing.rates, by="partner", **mine))
    behind = partners[partners[by].isin(keys)].drop(columns="ranked")
    st.subheader(
        f"Partners behind {', '.join(md(charts.group_label(k)) for k in keys)}"
    )
    common.table(
        behind,
        f"repurposing_partners_by_{by}",
        PARTNER_COLUMNS,
        shown=figures.shown(behind),
        key="drill-partners",
    )


def open_buttons(chosen: pd.DataFrame) -> None:
    """A button per selected partner bar that opens the partner."""
    for row in chosen.itertuples():
        if st.button(f"Open {row.partner_name}", key=f"open-{row.partner_id}"):
            common.open_partner(row.partner_id)


f = common.filters()
mine = {"as_of": f.as_of, "account_manager": f.account_manager}

st.title("Repurposing")
st.caption(
    "Who repurposes fastest? The share of clients moved onto the product, how soon "
    "after they were added, and the partners nearest their business plan aim."
)
label = common.choice("Rate by", list(GROUPS), key="rby")
by = GROUPS[label]

with st.spinner("Working out repurposing rates..."):
    rates = common.report(repurposing.rates, by=by, **mine)
    medians = common.report(repurposing.median_days, by=by, **mine)
    velocity = common.report(repurposing.weekly_velocity, **mine)
    plans = common.report(repurposing.plan_progress, **mine)
    counts = common.report(kpis.period_counts, **mine)

if rates["clients_added"].sum() == 0:
    st.info("No clients added yet: upload clients on the Data page.")
    st.stop()

table = rates_with_medians(rates, medians, by)
cells = st.columns(4)
best_tiles(cells[:2], table, by)
week_tiles(cells[2:], counts, int(plans["ready"].sum()), f.as_of)

left, right = st.columns(2)
with left:
    if by == "partner":
        bars = table.head(TOP_PARTNERS)
        title = f"The {len(bars)} partners with the highest repurposing rate"
    else:
        bars, title = table, f"Repurposing rate by {label.lower()}"
    event = common.drill_chart(
        charts.rate_bars(bars, by, title),
        table.drop(columns="ranked"),
        f"repurposing_rate_by_{by}",
    )
with right:
    st.markdown(f"**Rate and speed by {label.lower()}**")
    rate_table(table, by, label)

keys = charts.selected(event)
if not keys:
    st.caption("Select a bar to see the partners behind it.")
elif by == "partner":
    open_buttons(table[table["partner_id"].isin(keys)])
else:
    partners_behind(keys, by, mine)

left, right = st.columns(2)
with left:
    cohorts = common.report(repurposing.cohorts, **mine)
    common.chart(charts.cohort_chart(cohorts), cohorts, "repurposing_cohorts")
with right:
    common.chart(charts.velocity_bars(velocity), velocity, "repurposing_velocity")

left, right = st.columns([3, 2])
with left:
    bins = common.report(repurposing.days_distribution, **mine)
    if bins.empty:
        st.info("No client has been repurposed yet.")
    else:
        common.chart(charts.time_histogram(bins), bins, "time_to_repurpose")
with right:
    st.markdown("**Median days to repurpose, by league**")
    common.table(
        common.report(repurposing.median_days, by="league", **mine).drop(
            columns="ranked"
        ),
        "median_days_by_league",
        {
            "league": "League",
            "ever_repurposed": figures.column("ever_repurposed"),
            "median_days": figures.column("median_days"),
        },
        key="league-medians",
    )

st.subheader("Business plan aims")
ready, to_go = plans[plans["ready"]], plans[~plans["ready"]]
for title, rows, name, empty in (
    (
        f"**Ready for the next stage** ({len(ready):,} partners at or above aim)",
        ready,
        "partners_ready",
        "No partner has reached its business plan aim yet.",
    ),
    (
        "**Closest to their business plan aim**",
        to_go,
        "partners_closest_to_aim",
        "No partner is still working towards an aim.",
    ),
):
    st.markdown(title)
    if rows.empty:
        st.info(empty)
        continue
    common.partner_table(
        rows,
        name,
        PLAN_COLUMNS,
        key=f"plans-{name}",
        shown=figures.shown(rows),
        height=250,
    )
