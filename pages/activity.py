"""Activity: what the account managers did week by week, the tasks still open, a
calendar, who needs attention, the Account Management Notes task and the touch
cadence per league."""

import datetime as dt

import streamlit as st

from analytics import activity, calls, dates, metrics, partners, schema
from ui import calendar_grid, charts, common, figures

CADENCE_KEYS = {
    "Champions League": "cad_cl",
    "Premiership": "cad_pl",
    "1st Division": "cad_d1",
    "2nd Division": "cad_d2",
    schema.NO_LEAGUE: "cad_nl",
}


st.title("Activity")
st.caption(
    "Who is calling, meeting and following up, what is open or overdue, and which "
    "partners need a call or a tidy-up in Salesforce."
)
f = common.filters()
am = f.account_manager

with st.spinner("Reading activities..."):
    by_week = common.report(
        activity.activity_by_week, as_of=f.as_of, weeks=26, account_manager=am
    )
    # The notes task is meant to stay open, and a near-miss one is a hygiene
    # problem of its own: both are followed in the notes-task section.
    task_counts = common.report(
        activity.open_task_counts, as_of=f.as_of, account_manager=am
    )
    fixes = common.report(activity.notes_task_fixes, account_manager=am)
    attention = common.report(
        activity.attention,
        as_of=f.as_of,
        no_touch_days=f.no_touch_days,
        account_manager=am,
    )
    notes = common.report(activity.notes_hygiene, as_of=f.as_of)
if am is not None:
    notes = notes[notes["account_manager"] == am].reset_index(drop=True)

this_week = by_week[by_week["week_start"] == dates.week_start(f.as_of)]
partners_total = int(notes["partners"].sum())
tiles = figures.tile_cells(4, common.is_phone())
tiles[0].metric(
    "Activities this week",
    f"{int(this_week['count'].sum()):,}",
    border=True,
    height="stretch",
    help="Tasks, events, calls and emails dated this week.",
)
common.note_tile(
    tiles[1],
    figures.label("overdue_tasks"),
    f"{task_counts['overdue']:,}",
    f"{task_counts['open']:,} open",
    help=metrics.get("overdue_tasks").definition,
)
figures.tile(
    tiles[2], "partners_needing_attention", len(attention), short=True, height="stretch"
)
common.note_tile(
    tiles[3],
    "With a notes task",  # "Partners with a notes task" is cut at 1280
    common.pct(
        notes["with_notes_task"].sum() / partners_total if partners_total else None
    ),
    f"{int(notes['missing_count'].sum()):,} missing",
    help=f"**Partners with a notes task**: an open task called "
    f"'{schema.NOTES_SUBJECT}'.",
)

# --- tasks and events by week ---------------------------------------------------
st.subheader("Tasks and events by week")
stack = common.choice("Colour by", ["Account manager", "Type"], key="act_by")
weekly = by_week[by_week["activity_type"].notna()]
if weekly["count"].sum() == 0:
    st.info("No activities in the last 26 weeks.")
else:
    colour = "account_manager" if stack == "Account manager" else "activity_type"
    managers = common.report(partners.account_managers)
    fig = charts.activity_bars(weekly, colour, managers)
    event = common.drill_chart(fig, weekly, "activity_by_week")
    points = event.selection.points if event else []
    if points:
        week = dt.date.fromisoformat(str(points[0]["x"])[:10])
        picked = {(p["customdata"][0], p["customdata"][1]) for p in points}
        items = common.report(
            activity.calendar_items,
            start=week,
            end=min(dates.week(week).end, f.as_of),
            account_manager=am,
        )
        chosen = items[
            [
                (a, t) in picked
                for a, t in zip(
                    items["account_manager"], items["activity_type"], strict=True
                )
            ]
        ]
        st.markdown(f"**Activities in the week of {week:%d %b %Y}** ({len(chosen):,})")
        common.table(chosen, "activities_selected")
    else:
        st.caption("Click a bar to list the activities behind it.")

# --- open and overdue tasks -----------------------------------------------------
st.subheader("Open and overdue tasks")
overdue_only = st.toggle(
    "Overdue only", value=False, key="overdue", bind="query-params"
)
# 10^5 open tasks and more at 5M clients: the first rows drawn, all downloaded
listed = {
    "as_of": f.as_of,
    "account_manager": am,
    "overdue_only": overdue_only,
    "without_notes_tasks": True,
}
shown = common.report_head(activity.open_tasks, **listed)
if shown.rows.empty:
    st.info("No overdue tasks." if overdue_only else "No open tasks.")
else:
    st.caption(
        f"Oldest due first; the '{schema.NOTES_SUBJECT}' tasks are followed below. "
        "Select a row to open the partner."
    )
    common.partner_table(
        shown.rows,
        None,
        {
            "account_manager": "Who",
            "partner_name": "Partner",
            "activity_date": st.column_config.DateColumn(
                "Due date", format="DD MMM YYYY"
            ),
            "subject": "Subject",
            "days_overdue": st.column_config.NumberColumn("Days overdue"),
        },
        key="open_tasks_pick",
        more=shown.more,
    )
    common.download_report(activity.open_tasks, "open_tasks", **listed)

# --- calendar -------------------------------------------------------------------
st.subheader("Calendar")
# One row on a wide screen; on a phone it wraps to two rows rather than stacking
# five (st.columns would), so the day chooser and the agenda show on the first screen.
with st.container(horizontal=True, vertical_alignment="bottom", gap="small"):
    view = common.choice(
        "View", calendar_grid.VIEWS, key=calendar_grid.VIEW_KEY, default="Week"
    )
    anchor = st.date_input(
        "Date",
        value=f.as_of,
        key=calendar_grid.DATE_KEY,
        bind="query-params",
        format="YYYY-MM-DD",
        width=150,
    )
    st.button(
        "Previous",
        icon=":material/chevron_left:",
        on_click=calendar_grid.move,
        args=(-1,),
    )
    st.button(
        "Next",
        icon=":material/chevron_right:",
        on_click=calendar_grid.move,
        args=(1,),
    )
    st.button(
        "As of",
        icon=":material/today:",
        on_click=calendar_grid.go_to,
        args=(f.as_of,),
        help="Back to the as-of date",
    )
start, end = calendar_grid.date_range(view, anchor)
phone = common.is_phone()
span = {"start": start, "end": end, "as_of": f.as_of, "account_manager": am}
if view == "Month":
    counts = common.report(calls.day_counts, **span)
    st.markdown(
        f"**{anchor:%B %Y}** · {figures.count(counts['items'].sum())} items · "
        "click a day to see it alone"
    )
    st.caption(calendar_grid.LEGEND)
    calendar_grid.draw_month(counts, start, end, anchor, f.as_of, phone)
else:
    counts = common.report(calls.day_counts, **span)
    total, overdue = int(counts["items"].sum()), int(counts["overdue"].sum())
    summary = f"{figures.count(total)} items · {figures.count(overdue)} overdue"
    if view == "Week":
        st.markdown(
            f"**Week of {start:%d %b %Y}** · {summary} · click a day to see it alone"
        )
        calendar_grid.day_buttons(counts, start, f.as_of)
    else:
        st.markdown(f"**{anchor:%A %d %B %Y}** · {summary}")
    st.caption(calendar_grid.LEGEND)
    if total == 0:
        st.info("Nothing on this day." if view == "Day" else "Nothing this week.")
    else:
        calendar_grid.draw_agenda(
            span,
            total,
            f"calendar_{view.lower()}",
            with_day=view == "Week",
            phone=phone,
        )

# --- partners needing attention -------------------------------------------------
st.subheader("Partners needing attention")
if attention.empty:
    st.info("No partner needs attention.")
else:
    st.caption(
        f"No touch for {f.no_touch_days}+ days, no notes task, an overdue task, or 2+ "
        "clients churned this week. Select a row to open the partner."
    )
    common.partner_table(
        attention.assign(reasons=attention["reasons"].str.split("; ")),
        "attention",
        {
            "partner_name": "Partner",
            "account_manager": "Account manager",
            "reasons": st.column_config.ListColumn("Reasons", width="large"),
        },
        key="attention_pick",
    )

# --- notes-task hygiene ---------------------------------------------------------
st.subheader(f"'{schema.NOTES_SUBJECT}' task per account manager")
if notes.empty:
    st.info("No partners yet.")
else:
    chart_data = notes.drop(columns="missing")
    named = chart_data.assign(
        account_manager=chart_data["account_manager"].map(figures.account_manager_label)
    )
    fig = charts.share_bars(
        named,
        title="Share of partners with an open notes task",
        axis_title="Partners with a notes task",
        text=[common.pct(v) for v in named["share"]],
        custom_data=["with_notes_task", "partners", "missing_count"],
        hovertemplate="%{y}<br>%{x:.0%} with a notes task (%{customdata[0]} of "
        "%{customdata[1]})<br>%{customdata[2]} missing<extra></extra>",
        colour="#2e7d32",
    )
    common.chart(fig, chart_data, "notes_hygiene")
    if not fixes.empty:
        st.markdown(
            f"**Notes tasks to fix** ({len(fixes):,}) · "
            f"{metrics.get('notes_task_fix').definition}"
        )
        common.partner_table(
            fixes,
            "notes_tasks_to_fix",
            {
                "notes_task_fix": figures.column("notes_task_fix", label="Fix"),
                "partner_name": "Partner",
                "subject": "Subject",
                "status": "Status",
                "account_manager": "Who",
            },
            key="notes_fix_pick",
        )
    missing = common.report(activity.partners_missing_notes, account_manager=am)
    if missing.empty:
        st.success("Every partner has a notes task.")
    else:
        st.markdown(f"**Partners missing the notes task** ({len(missing):,})")
        common.partner_table(
            missing,
            "partners_missing_notes",
            common.PARTNER_COLUMNS,
            key="missing_notes_pick",
        )

# --- cadence ----------------------------------------------------------------------
st.subheader("Touch cadence per league")
with st.expander("Days allowed between touches"):
    columns = st.columns(len(CADENCE_KEYS))
    cadence_days = {
        league: int(
            column.number_input(
                league,
                min_value=1,
                max_value=365,
                value=schema.DEFAULT_CADENCE_DAYS[league],
                key=key,
                bind="query-params",
            )
        )
        for (league, key), column in zip(CADENCE_KEYS.items(), columns, strict=True)
    }
outside = common.report(activity.cadence, as_of=f.as_of, cadence_days=cadence_days)
if am is not None:
    outside = outside[outside["account_manager"] == am].reset_index(drop=True)
rule = ", ".join(f"{league} {days} days" for league, days in cadence_days.items())
st.caption(
    f"A partner is outside its cadence when its last touch is older than: {rule}."
)
if outside.empty:
    st.success("Every partner has been touched within its league's cadence.")
else:
    st.markdown(f"**Partners outside their cadence** ({len(outside):,})")
    common.partner_table(
        outside.assign(
            league=schema.league_names(outside["league"]),
            never_touched=outside["days_since_touch"].isna(),
        ),
        "cadence",
        {
            "partner_name": "Partner",
            "account_manager": "Account manager",
            "league": "League",
            "days_since_touch": st.column_config.NumberColumn("Days since touch"),
            "never_touched": st.column_config.CheckboxColumn("Never touched"),
            "allowed_days": st.column_config.NumberColumn("Days allowed"),
        },
        key="cadence_pick",
    )
