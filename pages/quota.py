"""Quota pace: am I on pace for this month's and this quarter's quota?"""

import datetime as dt

import pandas as pd
import streamlit as st

from analytics import dates, metrics, partners, quota
from ui import auth, charts, common, figures, targets
from ui.safe import md

# Widths fit the 514 pixels the leaderboard gets at 1280 with the sidebar open;
# expected by today and the target's source are in the chart, the caption under
# the AM's chart and the download.
LEADERBOARD = {
    "account_manager": st.column_config.TextColumn("Account manager", width=112),
    "status": charts.status_column(),
    "pace": figures.column("pace", width=46),
    "added": figures.column("added", width=52),
    "target": figures.column("target", width=52),
    "expected": figures.column("expected", label="Expected"),
    "projection": figures.column("projection", width=74),
    "needed_per_day": figures.column("needed_per_day", width=90),
    "source": figures.column("source"),
}
HIDDEN = ("expected", "source")
CLIENTS = {
    "client_id": st.column_config.TextColumn("CRN"),
    "partner_name": "Partner",
    "added_date": st.column_config.DateColumn("Added", format="YYYY-MM-DD"),
    "account_manager": "Account manager",
    "client_name": "Client",
}


def target_form(managers: list[str], am: str | None, as_of: dt.date) -> None:
    """AM, month and target, kept in the dataset as a target entered in the app."""
    months = [dates.add_months(as_of, n) for n in range(-3, 6)]
    with st.form("target_form", border=False):
        st.selectbox(
            "Account manager",
            managers,
            index=managers.index(am) if am in managers else 0,
            key="tgt_am",
        )
        st.selectbox(
            "Month",
            months,
            index=3,
            format_func=lambda m: f"{m:%B %Y}",
            key="tgt_month",
        )
        st.number_input("Clients target", min_value=0, step=1, key="tgt_value")
        st.form_submit_button(
            "Save target", on_click=targets.save_target, type="primary"
        )
    st.caption("Overrides the quotas file for that month; shown as *manual*.")


def am_tiles(row: pd.Series) -> None:
    """One AM's answer: status, added against target, pace, projection, per day."""
    has_target = not pd.isna(row["target"])
    cells = st.columns(5)
    cells[0].metric("Status", row["status"], border=True, height="stretch")
    cells[1].metric(
        "Added",
        figures.count(row["added"]),
        delta=f"{row['added'] - row['expected']:+.1f} vs expected"
        if has_target
        else None,
        delta_description=f"target {figures.count(row['target'])}"
        if has_target
        else "no target",
        help="Clients added in the period up to the as-of date, against the number "
        "expected by today.",
        border=True,
    )
    for cell, name in zip(
        cells[2:], ("pace", "projection", "needed_per_day"), strict=True
    ):
        figures.tile(cell, name, row[name], height="stretch")


def team_tiles(rows: pd.DataFrame, team: pd.Series) -> None:
    """The team's answer (SPEC 4 team quota: the AMs with a target, the others
    apart) and how many AMs are in each status."""
    counts = rows["status"].value_counts()
    cells = st.columns([1.6, 1, 1, 1, 1])  # the team tile has the longest words
    figures.pace_tile(
        cells[0], "team_row", team["added"], team["status"], team["target"]
    )
    for cell, status in zip(cells[1:], charts.STATUS_COLOURS, strict=True):
        cell.metric(
            f"AMs {status.lower()}", figures.count(counts.get(status, 0)), border=True
        )
    apart = metrics.no_quota_note(
        team["target"], int(team["no_quota_managers"]), int(team["no_quota_added"])
    )
    if apart:
        st.caption(apart)


def by_pace(rows: pd.DataFrame) -> pd.DataFrame:
    """AMs by pace, those without a quota last."""
    ranked = rows.sort_values(["pace", "added"], ascending=False, na_position="last")
    return ranked.reset_index(drop=True)


def leaderboard(rows: pd.DataFrame, name: str) -> None:
    """The AMs by pace with status as a coloured label (HIDDEN columns only in
    the download)."""
    board = rows[list(LEADERBOARD)]
    shown = figures.shown(board).assign(status=board["status"].map(lambda s: [s]))
    st.dataframe(
        shown,
        hide_index=True,
        column_config=LEADERBOARD,
        column_order=[c for c in LEADERBOARD if c not in HIDDEN],
        placeholder="–",
        key="board",
    )
    common.download(board, name)


def clients_table(args: dict, name: str, span: str) -> None:
    """The clients added (quota.clients_added with `args`): the first rows drawn
    and cached, the whole list queried by its download (10^5 a month at 5M)."""
    clients = common.report_head(quota.clients_added, **args)
    if clients.rows.empty:
        st.info(f"No clients added {span} yet.")
        return
    common.table(
        clients.rows,
        None,
        CLIENTS,
        more=clients.more,
        key=f"table-{name}",
        height=300,
    )
    common.download_report(quota.clients_added, name, **args)


def source_text(source: object) -> str:
    if pd.isna(source):
        return "no target yet"
    return "target entered in the app" if source == "manual" else "target from the file"


f = common.filters()
managers = common.report(partners.account_managers)

st.title("Quota pace")
st.caption(
    "Am I on pace? Clients added against the target, by working day, with the "
    "projection to the end of the period."
)
if "tgt_saved" in st.session_state:
    st.success(st.session_state.pop("tgt_saved"), icon=":material/check_circle:")

top = st.columns([3, 1], vertical_alignment="bottom")
with top[0]:
    choice = common.choice(
        "Period",
        list(charts.PERIOD_CHOICES),
        key="period",
        label_visibility="collapsed",
    )
period = charts.PERIOD_CHOICES[choice]
if managers and auth.viewer().is_admin:
    with top[1].popover("Enter a target", icon=":material/edit:", width="stretch"):
        target_form(managers, f.account_manager, f.as_of)

span = charts.PERIOD_LABELS[period].lower()
period_args = {
    "as_of": f.as_of,
    "fiscal_start_month": f.fiscal_start_month,
    "account_manager": f.account_manager,
}
with st.spinner("Working out the pace..."):
    detail = common.report(quota.quota_detail, **period_args)
    team = common.report(quota.team_pace, **period_args)
rows = by_pace(detail[detail["period"] == period])

if rows.empty:
    st.info(
        f"{md(f.account_manager)} owns no partners and has no target."
        if f.account_manager
        else "No account managers in the data yet: upload partners on the Data page."
    )
    st.stop()

if len(rows) == 1:
    chart_am = rows["account_manager"].iloc[0]
    am_tiles(rows.iloc[0])
    if rows["status"].iloc[0] == "No quota":
        st.info(f"{md(chart_am)} has no target {span}: use *Enter a target* above.")
else:
    team_tiles(rows, team[team["period"] == period].iloc[0])
    left, right = st.columns([4, 7])
    with left:
        event = common.drill_chart(
            charts.pace_bars(rows, period), rows, f"quota_pace_{period}"
        )
    with right:
        st.markdown(f"**Leaderboard, {span}**")
        leaderboard(rows, f"quota_leaderboard_{period}")
    chosen = charts.selected(event)
    if chosen and st.session_state.get("qam") != chosen[0]:
        st.session_state["qam"] = chosen[0]  # the chart below follows the bar
    for am in chosen:
        st.subheader(f"Clients {md(am)} added {span}")
        clients_table(
            {**period_args, "period": period, "account_manager": am},
            f"clients_added_{period}_{am}",
            span,
        )
    if not chosen:
        st.caption("Select a bar to see the clients that account manager added.")
    chart_am = None

if chart_am is None:
    chart_am = st.selectbox(
        "Account manager to chart",
        rows["account_manager"].tolist(),
        key="qam",
        bind="query-params",
        width=320,
    )
am_row = rows[rows["account_manager"] == chart_am].iloc[0]
cumulative = common.report(
    quota.cumulative_added,
    as_of=f.as_of,
    period=period,
    fiscal_start_month=f.fiscal_start_month,
    account_manager=chart_am,
)
common.chart(
    charts.cumulative_chart(
        cumulative,
        am_row["expected"],
        f.as_of,
        chart_am,
        period,
        projection=am_row["projection"],
    ),
    cumulative,
    f"cumulative_added_{period}",
)
st.caption(
    f"{am_row['elapsed_working_days']} of {am_row['working_days']} working days "
    f"gone; {source_text(am_row['source'])}."
)
common.pack_buttons(
    "1:1 pack",
    f"one_to_one_{chart_am}",
    f.as_of,
    help=f"{md(chart_am)}'s 1:1 account review as of {f.as_of:%d %b %Y}",
    account_manager=chart_am,
)
st.markdown(f"**Clients added {span}**")
clients_table({**period_args, "period": period}, f"clients_added_{period}", span)
