"""Dashboard: how is the team doing today, and who needs a call?"""

import datetime as dt

import streamlit as st

from analytics import calls, churn, kpis, metrics, partners, quota, repurposing
from analytics.schema import DEFAULT_CADENCE_DAYS
from ui import auth, call_list, charts, common, figures
from ui.safe import md

f = common.filters()
books = auth.books()
one_book = f.account_manager or (books[0] if books and len(books) == 1 else None)
team = md(one_book) if one_book else "the team"  # an AM signed in reads their name

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

# On a phone the call list comes first, the tiles after it.
phone = common.is_phone()
top, bottom = st.container(), st.container()

with bottom if phone else top:
    # one a row on a phone, after the call list (two a row would cut their notes)
    added_tile, repurposed_tile, churned_tile, attention_tile = st.columns(4)
    figures.pace_tile(
        added_tile,
        "month_added",
        kpi["month_added"],
        kpi["month_status"],
        kpi["month_target"],
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
        delta_description=metrics.vs_last_week(
            kpi["churned_last_week_to_date"], f.as_of
        ),
    )
    figures.tile(
        attention_tile,
        "partners_needing_attention",
        kpi["partners_needing_attention"],
        short=True,  # the whole label does not fit a quarter of 1280 pixels
        help=f"No touch in {f.no_touch_days}+ days, no notes task, an overdue task, "
        "or 2+ clients churned this week.",
        height="stretch",
    )
    apart = metrics.no_quota_note(*(kpi[k] for k in metrics.NO_QUOTA_KEYS))
    if apart:
        st.caption(apart)

# --- call today -------------------------------------------------------------------
with top if phone else bottom:
    calls_today = common.report(
        calls.call_list, as_of=f.as_of, account_manager=f.account_manager
    )
    st.subheader(f"Call today · {figures.count(len(calls_today))} partners")
    rule = ", ".join(
        f"{league} {days}" for league, days in DEFAULT_CADENCE_DAYS.items()
    )
    who = (
        f"Never touched or outside their league's touch cadence (days: {rule}), or "
        "with no notes task or an overdue task"
    )
    if phone:  # the rule a tap away, so that the list comes first
        with st.container(horizontal=True, vertical_alignment="center", gap=None):
            st.caption("By league, the longest overdue first.", width="content")
            with st.popover("Who is listed", type="tertiary", icon=":material/info:"):
                st.markdown(f"{who}. A name opens the partner.")
    else:
        st.caption(
            f"{who}; by league, the longest overdue first. A name opens the partner."
        )
    if calls_today.empty:
        st.success(
            "Every partner is within its cadence, with a notes task and no overdue "
            "task."
        )
    else:
        # the AM said only when the list spans several (not in one AM's book)
        several = calls_today["account_manager"].nunique(dropna=False) > 1
        call_list.draw(calls_today, several, phone)
    st.page_link(
        "pages/partners.py", label="Partner report", icon=":material/table_rows:"
    )

# --- charts -----------------------------------------------------------------------
managers = common.report(partners.account_managers)
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
        pace_event = None
    else:
        pace_event = common.drill_chart(
            charts.pace_bars(month, "month"), month, "dashboard_quota_pace"
        )
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
        churn_event = None
    else:
        churn_event = common.drill_chart(
            charts.churn_chart(weekly, totals, "league", managers),
            totals,
            "dashboard_churn",
        )
    st.page_link(
        "pages/churn.py",
        label="Weekly churn and who churned",
        icon=":material/trending_down:",
    )

for am in charts.selected(pace_event):
    st.markdown(f"**Clients {md(am)} added this month**")
    added = common.report(
        quota.clients_added,
        as_of=f.as_of,
        period="month",
        fiscal_start_month=f.fiscal_start_month,
        account_manager=am,
    )
    common.table(added, f"clients_added_{am}", key=f"added-{am}")
for week, league, *_ in charts.selected_points(churn_event):
    monday = dt.date.fromisoformat(week)
    who = "all leagues" if league is None else league
    st.markdown(f"**Clients churned in the week of {monday:%d %b %Y}: {md(who)}**")
    churned = common.report(
        churn.churned_clients,
        as_of=f.as_of,
        week_start=monday,
        account_manager=f.account_manager,
        **({} if league is None else {"league": league}),
    )
    common.table(
        churned,
        f"churned_{week}_{who}",
        key=f"churned-{week}-{who}",
    )
if pace_event is not None or churn_event is not None:
    st.caption("Click a bar to list the clients behind it.")

velocity = common.report(
    repurposing.weekly_velocity, as_of=f.as_of, account_manager=f.account_manager
)
if velocity["repurposed_in_week"].sum() == 0:
    st.info("No clients repurposed in the last 26 weeks.")
else:
    common.chart(charts.velocity_bars(velocity), velocity, "dashboard_repurposing")
st.page_link(
    "pages/repurposing.py",
    label="Repurposing rates and cohorts",
    icon=":material/autorenew:",
)
