"""Account plans: where we are in the 13-week planning quarter, what this week's
stage asks of a manager, and the account plans behind it (coverage of key partners,
usage, goal against amount, reviews due)."""

import streamlit as st

from analytics import dates, metrics, plans
from ui import charts, common, figures

BULLET_PLANS = 25


st.title("Account plans")
st.caption(
    "Where we are in the quarter's planning cadence, what this week's stage asks, and "
    "the account plans behind it."
)
f = common.filters()
am = f.account_manager
quarter = plans.quarter_status(f.as_of, f.fiscal_start_month)
args = {
    "as_of": f.as_of,
    "fiscal_start_month": f.fiscal_start_month,
    "account_manager": am,
}

with st.spinner("Reading account plans..."):
    coverage = common.report(plans.coverage, as_of=f.as_of, account_manager=am)
    goals = common.report(plans.goal_vs_amount, **args)
    due = common.report(plans.reviews, **args)
    checklist = common.report(plans.checklist, **args)
    usage = common.report(plans.usage, **args)

key_total = int(coverage["key_partners"].sum())
st.subheader(
    f"Week {quarter['week']} of {dates.PLANNING_WEEKS} · stage {quarter['stage']}: "
    f"{quarter['stage_name']}"
)
st.caption(
    f"Quarter {quarter['quarter_start']:%d %b} to {quarter['quarter_end']:%d %b %Y}, "
    f"{quarter['days_left']} days left. Stage {quarter['stage']} runs in weeks "
    f"{quarter['stage_first_week']}–{quarter['stage_last_week']}."
)
tiles = st.columns(4)
common.note_tile(
    tiles[0],
    "Key partners with a plan",
    common.pct(coverage["with_plan"].sum() / key_total if key_total else None),
    f"{int(coverage['with_plan'].sum())} of {key_total}",
)
tiles[1].metric(
    "Plans on track",
    f"{int(goals['on_track'].eq(True).sum())} of {len(goals)}",
    border=True,
    height="stretch",
    help="Current amount at least the goal times the share of the quarter gone.",
)
common.note_tile(
    tiles[2],
    "Reviews overdue",
    f"{int((due['state'] == 'overdue').sum())}",
    f"{len(due)} due by quarter end",
)
common.note_tile(
    tiles[3],
    "Plans updated this quarter",
    f"{int(usage['updated_this_quarter'].sum()):,}",
    f"{int(usage['created_this_quarter'].sum()):,} created",
)

weeks = plans.planning_weeks(f.as_of, f.fiscal_start_month)
common.chart(
    charts.quarter_strip(weeks),
    weeks,
    "planning_quarter",
    config={"displayModeBar": False},
)

# --- this week's checklist --------------------------------------------------------
st.subheader("This week's checklist")
st.caption(
    f"What stage {quarter['stage']}, {quarter['stage_name']}, asks of a manager; each "
    "item is checked against the data as of the date in the sidebar."
)
for index, entry in enumerate(checklist):
    with st.container(border=True):
        text, figure = st.columns([5, 1], vertical_alignment="center")
        item, check = metrics.CHECKLIST[entry["key"]]
        text.markdown(f"**{item}**")
        text.markdown(check(entry["count"], entry["figures"]))
        if entry["count"] is not None:
            figure.metric("To look at", f"{entry['count']:,}")
        detail = entry["detail"]
        if detail is not None and not detail.empty:
            # Built only once opened (its state under the key): hidden, each
            # grid and its download cost the page's first draw.
            with st.expander(
                f"The rows behind this check ({len(detail):,})",
                key=f"checklist-{index + 1}",
                on_change="rerun",
            ) as rows:
                if rows.open:
                    common.table(detail, f"checklist_{index + 1}")

# --- coverage -----------------------------------------------------------------------
st.subheader("Plan coverage of key partners")
st.caption("Key partners: Champions League, Premiership or Key Account Management.")
if key_total == 0:
    st.info("No key partners.")
else:
    shown = coverage[coverage["key_partners"] > 0]
    fig = charts.share_bars(
        shown.assign(
            account_manager=charts.plain_groups(
                shown["account_manager"], "account_manager"
            )
        ),
        title="Share of key partners with an account plan",
        axis_title=figures.label("coverage"),
        text=[
            f"{w} of {k}"
            for w, k in zip(shown["with_plan"], shown["key_partners"], strict=True)
        ],
        custom_data=["with_plan", "key_partners"],
        hovertemplate="%{y}<br>%{x:.0%} "
        "(%{customdata[0]} of %{customdata[1]} key partners)<extra></extra>",
        colour="#1f77b4",
    )
    # the table behind it names the share for the registry figure it is
    common.chart(fig, coverage.rename(columns={"share": "coverage"}), "plan_coverage")
    uncovered = common.report(
        plans.uncovered_key_partners, as_of=f.as_of, account_manager=am
    )
    if uncovered.empty:
        st.success("Every key partner has an account plan.")
    else:
        st.markdown(
            f"**Key partners without a plan** ({len(uncovered):,}) · select a "
            "row to open the partner"
        )
        common.partner_table(
            uncovered,
            "key_partners_without_plan",
            common.PARTNER_COLUMNS,
            key="uncovered_pick",
        )

# --- usage and summary by week ----------------------------------------------------
left, right = st.columns(2)
with left:
    st.subheader("Plan usage this quarter")
    if usage.empty or usage["plans"].sum() == 0:
        st.info("No account plans yet.")
    else:
        fig = charts.created_and_updated(
            usage,
            "account_manager",
            {"created_this_quarter": "Created", "updated_this_quarter": "Updated"},
            "Plans created and updated per account manager",
            x_label="",
            x_hover="%{x}",
        )
        common.chart(fig, usage, "plan_usage")
with right:
    st.subheader("Plan activity by week")
    summary = common.report(plans.summary_by_week, **args)
    if summary.empty or summary[["created", "updated"]].to_numpy().sum() == 0:
        st.info("No plan created or updated this quarter yet.")
    else:
        fig = charts.created_and_updated(
            summary,
            "week_start",
            {"created": "Created", "updated": "Updated"},
            "Plans created and updated per week this quarter",
            x_label="Week starting",
            x_hover="Week of %{x|%d %b %Y}",
        )
        common.chart(fig, summary, "plan_summary_by_week")

# --- goal vs amount -----------------------------------------------------------------
st.subheader("Goal against amount")
if goals.empty:
    st.info("No account plans yet.")
else:
    share_gone = goals["elapsed_share"].iloc[0]
    st.caption(
        f"{share_gone:.0%} of the quarter has gone: a plan is on track when its "
        "current amount is at least that share of its revenue goal."
    )
    track = (
        goals["on_track"].map({True: "On track", False: "Off track"}).fillna("No goal")
    )
    named = goals.assign(
        track=track,
        label=goals["partner_name"]
        .fillna("(no partner)")
        .where(
            ~goals["partner_name"].duplicated(keep=False),
            goals["partner_name"].fillna("") + " · " + goals["plan_id"],
        ),
    ).head(BULLET_PLANS)
    title = (
        "Current amount against revenue goal"
        if len(goals) <= BULLET_PLANS
        else f"Current amount against revenue goal: the {BULLET_PLANS} plans "
        "furthest behind"
    )
    fig = charts.goal_bars(named, share_gone, title)
    common.chart(fig, named.drop(columns=["label"]), "goal_vs_amount_chart")
    st.markdown("**Every plan** · off track first · select a row to open the partner")
    common.partner_table(
        goals,
        "goal_vs_amount",
        {
            "partner_name": "Partner",
            "account_manager": "Plan owner",
            "revenue_goal": figures.column("revenue_goal"),
            "current_amount": figures.column("current_amount"),
            "attainment": figures.column("attainment", bar=True),
            "on_track": figures.column("on_track"),
            "status": "Plan status",
        },
        key="goals_pick",
        shown=figures.shown(goals),
    )

# --- reviews --------------------------------------------------------------------------
st.subheader("Reviews (QBRs) due this quarter")
if due.empty:
    st.info("No plan review is due this quarter.")
else:
    counts = due["state"].value_counts()
    tiles = st.columns(3)
    for tile, state in zip(tiles, plans.REVIEW_STATES, strict=True):
        tile.metric(state.capitalize(), f"{int(counts.get(state, 0)):,}", border=True)
    common.partner_table(
        due,
        "reviews",
        {
            "state": "When",
            "next_review_date": st.column_config.DateColumn(
                "Review date", format="DD MMM YYYY"
            ),
            "partner_name": "Partner",
            "account_manager": "Plan owner",
        },
        key="reviews_pick",
    )
