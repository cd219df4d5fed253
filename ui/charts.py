"""The charts the pages draw (plotly, titled in the users' words, exact figures on
hover, ids in customdata for drill-downs), one colour per league, AM and status,
and the column settings the chart pages share."""

from __future__ import annotations

import datetime as dt
import html
from collections.abc import Iterable

import pandas as pd
import plotly.express as px
import plotly.graph_objects as go
import streamlit as st
from plotly.subplots import make_subplots

from analytics import dates
from analytics.schema import NO_LEAGUE, UNKNOWN_PARTNER, league_name
from ui import figures
from ui.figures import label

PERIOD_LABELS = {"month": "This month", "quarter": "This quarter"}
# Toggle options as shown (and kept in the URL) -> the analytics argument.
PERIOD_CHOICES = {"Month": "month", "Quarter": "quarter"}
GROUP_CHOICES = {"League": "league", "Account manager": "account_manager"}
STATUS_COLOURS = {
    "Ahead": "#2e7d32",
    "On pace": "#1565c0",
    "Behind": "#c62828",
    "No quota": "#9e9e9e",
}
# Status labels in tables: Streamlit theme colours, in STATUS_COLOURS' order.
STATUS_LABEL_COLOURS = ("green", "blue", "red", "gray")
GROUP_LABELS = {"league": "League", "account_manager": "Account manager"}
# The columns that identify a row of repurposing.rates / median_days for each `by`.
GROUPS_KEYS = {
    "league": ("league",),
    "account_manager": ("account_manager",),
    "partner": ("partner_id",),
}
# One colour per league in every chart (legends in league order, as the data
# comes), and a separate set for account managers: a colour never means a league
# in one chart and an AM in the next.
LEAGUE_COLOURS = {
    NO_LEAGUE: "#8d99ae",
    "Champions League": "#0b3d91",
    "Premiership": "#7b2cbf",
    "1st Division": "#2a9d8f",
    "2nd Division": "#e9a23b",
}
OTHER_LEAGUE_COLOUR = "#b5838d"
AM_PALETTE = (
    "#e76f51",
    "#3a86ff",
    "#588157",
    "#c9184a",
    "#6d597a",
    "#f4a261",
    "#264653",
    "#8ac926",
    "#ff70a6",
    "#7f5539",
)
CHART_HEIGHT = 360


def league_colour(league: str | None) -> str:
    return LEAGUE_COLOURS.get(league_name(league), OTHER_LEAGUE_COLOUR)


def am_colours(managers: Iterable[str]) -> dict[str, str]:
    """AM -> colour, by the AM's place in the full A-Z list of AMs (pass
    partners.account_managers), so an AM keeps one colour on every page."""
    return {
        am: AM_PALETTE[i % len(AM_PALETTE)] for i, am in enumerate(sorted(managers))
    }


def group_colours(
    groups: Iterable[str | None], by: str, managers: Iterable[str] = ()
) -> list[str]:
    """The colour of each league or AM in `groups`."""
    if by == "league":
        return [league_colour(group) for group in groups]
    known = am_colours(managers)
    return [known.get(group or "", OTHER_LEAGUE_COLOUR) for group in groups]


def group_label(value: object) -> str:
    """How a league or account manager reads in a chart or tile: the blank AM (of
    the unknown pseudo-partner) is `(no account manager)`, never `nan`."""
    return figures.account_manager_label(value)


def plain(value: object) -> str:
    """Text from the data as a chart shows it: literally. plotly reads a subset of
    HTML (<b>, <a href>, <br>...) in titles, legend entries, tick labels and hover
    text, and shows an entity as its character: so <, > and & become entities, and
    % too, so a name set into a hovertemplate cannot read a variable (`%{x}`)."""
    return html.escape(str(value), quote=False).replace("%", "&#37;")


def plain_groups(values: Iterable[object], by: str) -> list[str]:
    """`plain` labels of leagues, account managers or partners (`by`), the blank
    one named: No league, (no account manager), (unknown partner)."""
    name = {
        "league": league_name,
        "account_manager": group_label,
        "partner": lambda v: v if isinstance(v, str) and v else UNKNOWN_PARTNER,
    }[by]
    return [plain(name(value)) for value in values]


def share_bars(
    frame: pd.DataFrame,
    *,
    title: str,
    axis_title: str,
    text: list[str],
    custom_data: list[str],
    hovertemplate: str,
    colour: str,
) -> go.Figure:
    """A share (0 to 1, column `share`) per account manager as horizontal bars, in
    the frame's order, with `text` written on the bars."""
    fig = go.Figure(
        go.Bar(
            x=frame["share"],
            y=plain_groups(frame["account_manager"], "account_manager"),
            orientation="h",
            customdata=frame[custom_data].to_numpy(dtype=object),
            text=text,
            hovertemplate=hovertemplate,
            marker_color=colour,
        )
    )
    fig.update_layout(title=title, xaxis_title=axis_title)
    fig.update_layout(
        xaxis_tickformat=".0%",
        xaxis_range=[0, 1.05],
        yaxis_autorange="reversed",
        height=120 + 40 * len(frame),
    )
    return fig


def selected_points(event: object) -> list[tuple]:
    """The customdata of the points selected in a chart event, as tuples, in
    order and without repeats (empty when nothing is selected)."""
    points = getattr(getattr(event, "selection", None), "points", None) or []
    chosen = []
    for point in points:
        data = point.get("customdata")
        if data is None:
            continue
        values = tuple(data) if isinstance(data, list | tuple) else (data,)
        if values not in chosen:
            chosen.append(values)
    return chosen


def selected(event: object) -> list:
    """The first customdata value (the id) of each selected point."""
    return list(dict.fromkeys(point[0] for point in selected_points(event)))


def status_column(label: str = "Status") -> object:
    """Quota status as a coloured label (the cell holds a one-item list)."""
    return st.column_config.MultiselectColumn(
        label,
        options=list(STATUS_COLOURS),
        color=list(STATUS_LABEL_COLOURS),
        width="small",
    )


# --- quota pace ---------------------------------------------------------------


def pace_bars(rows: pd.DataFrame, period: str) -> go.Figure:
    """Clients added per AM (horizontal bars coloured by status) with the
    expected-by-today and the target marks; customdata of bars and marks
    carries the AM."""
    fig = go.Figure()
    for status, colour in STATUS_COLOURS.items():
        part = rows[rows["status"] == status]
        if part.empty:
            continue
        # the AM (the drill-down's key), then the figures as text ("–" without a
        # target: plotly would write NaN)
        custom = list(
            zip(
                part["account_manager"],
                part["target"].map(figures.count),
                part["expected"].map(figures.decimal),
                part["pace"].map(figures.percent),
                strict=True,
            )
        )
        fig.add_bar(
            x=part["added"],
            y=plain_groups(part["account_manager"], "account_manager"),
            orientation="h",
            name=status,
            marker_color=colour,
            showlegend=False,
            customdata=custom,
            hovertemplate=(
                f"<b>%{{y}}</b><br>{label('added')}: %{{x:,}}"
                f"<br>{label('target')}: %{{customdata[1]}}"
                f"<br>{label('expected')}: %{{customdata[2]}}"
                f"<br>{label('pace')}: %{{customdata[3]}}<extra>{status}</extra>"
            ),
        )
    # The marks carry the AM too: where a bar is shorter than its marks (few
    # added against a large target) a click on the bar lands on a mark.
    with_target = rows[rows["target"].notna()]
    for column, colour in (("expected", "#212121"), ("target", "#ff8f00")):
        name = label(column)
        fig.add_scatter(
            x=with_target[column],
            y=plain_groups(with_target["account_manager"], "account_manager"),
            customdata=[[am] for am in with_target["account_manager"]],
            mode="markers",
            name=name,
            marker={
                "symbol": "line-ns-open",
                "size": 22,
                "color": colour,
                "line": {"width": 3, "color": colour},
            },
            hovertemplate="%{y}<br>" + name + ": %{x:,.1f}<extra></extra>",
        )
    fig.update_layout(
        title=f"Clients added {PERIOD_LABELS[period].lower()} against target",
        height=CHART_HEIGHT,
        xaxis_title=figures.axis("added"),
        yaxis={
            "autorange": "reversed",
            "categoryorder": "array",
            "categoryarray": plain_groups(rows["account_manager"], "account_manager"),
        },
        legend={"orientation": "h", "y": -0.25, "x": 0},
        clickmode="event+select",
        barmode="overlay",
    )
    return fig


def cumulative_chart(
    cumulative: pd.DataFrame,
    expected: float | None,
    as_of: dt.date,
    account_manager: str,
    period: str,
    projection: float | None = None,
) -> go.Figure:
    """One AM's clients added so far by working day, the target line, the
    expected-by-today marker and the projection to the period's end (dotted)."""
    fig = go.Figure()
    if cumulative["target_line"].notna().any():
        fig.add_scatter(
            x=cumulative["day"],
            y=cumulative["target_line"],
            mode="lines",
            name="Target line",
            line={"color": "#ff8f00", "dash": "dash"},
            hovertemplate="%{x|%a %d %b}<br>Target line: %{y:.1f}<extra></extra>",
        )
    added = cumulative[cumulative["added_cumulative"].notna()]
    fig.add_scatter(
        x=added["day"],
        y=added["added_cumulative"],
        mode="lines+markers",
        name=figures.axis("added"),
        line={"color": "#1565c0", "width": 3},
        hovertemplate="%{x|%a %d %b}<br>"
        + figures.axis("added")
        + " so far: %{y:,}<extra></extra>",
    )
    if projection is not None and not pd.isna(projection) and len(added):
        fig.add_scatter(
            x=[added["day"].iloc[-1], cumulative["day"].max()],
            y=[added["added_cumulative"].iloc[-1], projection],
            mode="lines+markers",
            name=f"{label('projection')} at this pace",
            line={"color": "#1565c0", "width": 2, "dash": "dot"},
            marker={"size": [0, 10], "color": "#1565c0"},
            cliponaxis=False,
            hovertemplate="%{x|%a %d %b}<br>"
            + label("projection")
            + ": %{y:,.1f}<extra></extra>",
        )
    if expected is not None and not pd.isna(expected):
        fig.add_scatter(
            x=[as_of],
            y=[expected],
            mode="markers",
            name=label("expected"),
            marker={"symbol": "diamond", "size": 13, "color": "#212121"},
            hovertemplate="%{x|%a %d %b}<br>"
            + label("expected")
            + ": %{y:.1f}<extra></extra>",
        )
    fig.update_layout(
        title=f"{plain(account_manager)}: clients added "
        f"{PERIOD_LABELS[period].lower()}, "
        "by working day",
        height=CHART_HEIGHT,
        yaxis_title=f"{figures.axis('added')} (cumulative)",
        yaxis_rangemode="tozero",
        xaxis_range=[cumulative["day"].min(), cumulative["day"].max()]
        if len(cumulative)
        else None,
        legend={"orientation": "h", "y": -0.15},
    )
    return fig


# --- repurposing ----------------------------------------------------------------


def rate_bars(rates: pd.DataFrame, by: str, title: str) -> go.Figure:
    """Repurposing rate per league, AM or partner; customdata carries the group
    key (partner_id for partners)."""
    label_column = "partner_name" if by == "partner" else by
    key_column = "partner_id" if by == "partner" else by
    custom = rates[[key_column, "ever_repurposed", "clients_added"]].to_numpy(
        dtype=object
    )
    fig = go.Figure(
        go.Bar(
            x=rates["rate"],
            y=plain_groups(rates[label_column], by),
            orientation="h",
            marker_color="#2e7d32",
            customdata=custom,
            text=rates["rate"].map(lambda r: "" if pd.isna(r) else f"{r:.0%}"),
            textposition="outside",
            hovertemplate=(
                "<b>%{y}</b><br>" + label("rate") + ": %{x:.1%}"
                "<br>" + label("ever_repurposed") + ": %{customdata[1]:,} of "
                "%{customdata[2]:,} added"
                "<extra></extra>"
            ),
        )
    )
    top = rates["rate"].max()
    fig.update_layout(
        title=title,
        height=CHART_HEIGHT,
        xaxis={
            "tickformat": ".0%",
            "title": f"{label('rate')} ({label('ever_repurposed').lower()} / added)",
            "range": [0, (top if top > 0 else 1) * 1.12],
        },
        yaxis={"autorange": "reversed", "title": ""},
        clickmode="event+select",
    )
    return fig


def cohort_chart(cohorts: pd.DataFrame) -> go.Figure:
    """Share of each month's clients repurposed within 30, 60 and 90 days."""
    fig = go.Figure()
    months = pd.to_datetime(cohorts["cohort_month"], format="%Y-%m")
    shades = ("#a5d6a7", "#43a047", "#1b5e20")
    for window, colour in zip((30, 60, 90), shades, strict=True):
        custom = cohorts[[f"repurposed_{window}", f"eligible_{window}"]].to_numpy(
            dtype=object
        )
        fig.add_scatter(
            x=months,
            y=cohorts[f"rate_{window}"],
            mode="lines+markers",
            name=f"Within {window} days",
            line={"color": colour},
            customdata=custom,
            connectgaps=False,
            hovertemplate=(
                f"Added in %{{x|%b %Y}}<br>Repurposed within {window} days: %{{y:.1%}}"
                "<br>%{customdata[0]:,} of %{customdata[1]:,} old enough"
                "<extra></extra>"
            ),
        )
    fig.update_layout(
        title="Share repurposed within 30, 60 and 90 days, by month added",
        height=CHART_HEIGHT,
        yaxis={
            "tickformat": ".0%",
            "title": "Share repurposed within the window",
            "rangemode": "tozero",
        },
        xaxis={"title": "Month added", "tickformat": "%b %Y"},
        legend={"orientation": "h", "y": -0.2},
    )
    return fig


def velocity_bars(velocity: pd.DataFrame) -> go.Figure:
    """Clients repurposed per ISO week."""
    fig = go.Figure(
        go.Bar(
            x=velocity["week_start"],
            y=velocity["repurposed_in_week"],
            marker_color="#43a047",
            hovertemplate="Week of %{x|%d %b %Y}<br>"
            + label("repurposed_in_week")
            + ": %{y:,}<extra></extra>",
        )
    )
    fig.update_layout(
        title="Clients repurposed per week (last 26 weeks)",
        height=CHART_HEIGHT,
        yaxis_title=figures.axis("repurposed_in_week"),
        xaxis_title="Week starting",
    )
    return fig


def time_histogram(bins: pd.DataFrame) -> go.Figure:
    """Clients by days from added to repurposed, one bar per bin (the medians by
    league sit in the table beside it)."""
    width = int(bins["days_to"].iloc[0] - bins["days_from"].iloc[0] + 1)
    fig = go.Figure(
        go.Bar(
            x=bins["days_from"],
            y=bins["clients"],
            width=width,
            offset=0,
            marker_color="#66bb6a",
            marker_line={"color": "white", "width": 1},
            customdata=bins[["days_to"]].to_numpy(),
            hovertemplate=(
                "%{x}-%{customdata[0]} days<br>"
                + figures.axis("ever_repurposed")
                + ": %{y:,}"
                "<extra></extra>"
            ),
        )
    )
    fig.update_layout(
        title=f"Days from added to repurposed ({width}-day bins)",
        height=CHART_HEIGHT,
        xaxis_title="Days to repurpose",
        yaxis_title=figures.axis("ever_repurposed"),
    )
    return fig


# --- weekly churn ---------------------------------------------------------------


def churn_chart(
    weekly: pd.DataFrame, totals: pd.DataFrame, by: str, managers: Iterable[str] = ()
) -> go.Figure:
    """Churned clients per week stacked by league or AM (coloured as everywhere;
    `managers`: every AM, see am_colours), with the churn rate on a secondary
    axis; customdata carries (week_start, group) for the bars and (week_start,
    None) for the rate line."""
    fig = make_subplots(specs=[[{"secondary_y": True}]])
    groups = list(dict.fromkeys(weekly[by]))
    if by != "league" and not managers:
        managers = [g for g in groups if g]
    colours = group_colours(groups, by, managers)
    for group, colour in zip(groups, colours, strict=True):
        part = weekly[weekly[by] == group]
        custom = [[week.isoformat(), group] for week in part["week_start"]]
        fig.add_bar(
            x=part["week_start"],
            y=part["churned"],
            name=plain_groups([group], by)[0],
            marker_color=colour,
            customdata=custom,
            hovertemplate=(
                "Week of %{x|%d %b %Y}<br>%{fullData.name}<br>"
                + label("churned")
                + ": %{y:,}"
                "<extra></extra>"
            ),
            secondary_y=False,
        )
    fig.add_scatter(
        x=totals["week_start"],
        y=totals["churn_rate"],
        mode="lines+markers",
        name=f"{label('churn_rate')} (all)",
        line={"color": "#212121", "width": 2},
        customdata=[[w.isoformat(), None] for w in totals["week_start"]],
        text=[
            f"{c:,} of {a:,} {label('active_at_start').lower()}"
            for c, a in zip(totals["churned"], totals["active_at_start"], strict=True)
        ],
        hovertemplate=(
            "Week of %{x|%d %b %Y}<br>"
            + label("churn_rate")
            + ": %{y:.2%}<br>%{text}<extra></extra>"
        ),
        secondary_y=True,
    )
    fig.update_layout(
        title=f"Clients churned per week by {GROUP_LABELS[by].lower()}, "
        "with the churn rate",
        barmode="stack",
        height=CHART_HEIGHT + 20,
        legend={"orientation": "h", "y": -0.18, "traceorder": "normal"},
        clickmode="event+select",
    )
    fig.update_yaxes(title_text=figures.axis("churned"), secondary_y=False)
    fig.update_yaxes(
        title_text=label("churn_rate"),
        tickformat=".1%",
        rangemode="tozero",
        secondary_y=True,
        showgrid=False,
    )
    return fig


# --- activity -----------------------------------------------------------------

TYPE_COLOURS = {
    "Task": "#90a4ae",
    "Event": "#5c6bc0",
    "Call": "#26a69a",
    "Email": "#ffb300",
}


def activity_bars(
    weekly: pd.DataFrame, colour_by: str, managers: Iterable[str] = ()
) -> go.Figure:
    """Activities per week stacked by account manager (coloured as everywhere)
    or by type; customdata carries (account manager, type) for the drill-down."""
    fig = go.Figure()
    groups = list(dict.fromkeys(weekly[colour_by]))
    if colour_by == "activity_type":
        colours = [TYPE_COLOURS.get(g, OTHER_LEAGUE_COLOUR) for g in groups]
    else:
        colours = group_colours(groups, "account_manager", managers)
    for group, colour in zip(groups, colours, strict=True):
        part = weekly[weekly[colour_by] == group]
        # (account manager, type) for the drill-down, then both as shown
        custom = list(
            zip(
                part["account_manager"],
                part["activity_type"],
                plain_groups(part["account_manager"], "account_manager"),
                map(plain, part["activity_type"]),
                strict=True,
            )
        )
        fig.add_bar(
            x=part["week_start"],
            y=part["count"],
            name=plain_groups([group], "account_manager")[0]
            if colour_by == "account_manager"
            else plain(group),
            marker_color=colour,
            customdata=custom,
            hovertemplate="Week of %{x|%d %b %Y}<br>%{customdata[2]} · "
            "%{customdata[3]}<br>%{y:,} activities<extra></extra>",
        )
    fig.update_layout(
        title="Activities per week, last 26 weeks",
        barmode="stack",
        legend_traceorder="normal",
        height=CHART_HEIGHT,
        xaxis_title="Week starting",
        yaxis_title="Activities",
        clickmode="event+select",
    )
    return fig


# --- account plans ---------------------------------------------------------------

STAGE_COLOURS = (
    "#1f77b4",
    "#2ca02c",
    "#17becf",
    "#9467bd",
    "#ff7f0e",
    "#d62728",
    "#7f7f7f",
)
ON_TRACK_COLOURS = {"On track": "#2e7d32", "Off track": "#c62828", "No goal": "#9e9e9e"}


def wrap(name: str) -> str:
    """A stage name on two lines, split at the space nearest its middle."""
    words = name.split()
    if len(words) < 2:
        return name
    cut = min(
        range(1, len(words)),
        key=lambda i: abs(len(" ".join(words[:i])) - len(" ".join(words[i:]))),
    )
    return " ".join(words[:cut]) + "<br>" + " ".join(words[cut:])


def quarter_strip(weeks: pd.DataFrame) -> go.Figure:
    """The 13 planning weeks as one strip of blocks coloured by stage, the current
    week solid and outlined, the stage names above their weeks."""
    current = weeks["is_current"]
    fig = go.Figure(
        go.Bar(
            x=weeks["week"],
            y=[1] * len(weeks),
            marker={
                "color": [STAGE_COLOURS[s - 1] for s in weeks["stage"]],
                "opacity": [1.0 if c else 0.35 for c in current],
                "line": {
                    "color": ["#111" if c else "white" for c in current],
                    "width": [4 if c else 1 for c in current],
                },
            },
            text=[f"<b>W{w}</b>" for w in weeks["week"]],
            textposition="inside",
            textfont={"color": ["white" if c else "#333" for c in current]},
            insidetextanchor="middle",
            customdata=list(
                zip(
                    weeks["week_start"].astype(str),
                    weeks["week_end"].astype(str),
                    weeks["stage"],
                    weeks["stage_name"],
                    strict=True,
                )
            ),
            hovertemplate="Week %{x}: %{customdata[0]} to %{customdata[1]}<br>"
            "Stage %{customdata[2]}: %{customdata[3]}<extra></extra>",
        )
    )
    for number, name, first, last in dates.STAGES:
        fig.add_annotation(
            x=(first + last) / 2,
            y=1.02,
            yref="y",
            yanchor="bottom",
            showarrow=False,
            text=f"<b>{number}</b> {wrap(name)}",
            font={"size": 11},
        )
    now = weeks[current].iloc[0]
    fig.add_annotation(
        x=now["week"], y=-0.12, yref="y", showarrow=False, text="<b>this week</b>"
    )
    fig.update_layout(
        title="The planning quarter: 13 weeks, 7 stages",
        height=230,
        bargap=0.08,
        showlegend=False,
        xaxis={"visible": False, "range": [0.5, 13.5]},
        yaxis={"visible": False, "range": [-0.25, 1.4]},
    )
    return fig


def created_and_updated(
    frame: pd.DataFrame,
    x: str,
    what: dict[str, str],
    title: str,
    x_label: str,
    x_hover: str,
) -> go.Figure:
    """Plans created and updated side by side per `x` (account managers shown
    escaped); `what` names the count columns for the legend, `x_hover` is how an
    `x` reads on hover."""
    if x == "account_manager":
        frame = frame.assign(account_manager=plain_groups(frame[x], x))
    long = frame.melt(
        id_vars=x, value_vars=list(what), var_name="what", value_name="plans_count"
    )
    long["what"] = long["what"].map(what)
    fig = px.bar(
        long,
        x=x,
        y="plans_count",
        color="what",
        barmode="group",
        title=title,
        labels={x: x_label, "plans_count": "Plans", "what": ""},
    )
    fig.update_traces(
        hovertemplate=x_hover + "<br>%{y} plans<extra>%{fullData.name}</extra>"
    )
    fig.update_layout(height=360)
    return fig


def goal_bars(named: pd.DataFrame, share_gone: float, title: str) -> go.Figure:
    """Each plan's current amount (bars coloured on/off track, `track`) against its
    revenue goal and the amount expected by now (goal x `share_gone`); `label`
    names the plan's partner."""
    fig = go.Figure()
    for name, colour in ON_TRACK_COLOURS.items():
        part = named[named["track"] == name]
        if part.empty:
            continue
        fig.add_bar(
            y=part["label"].map(plain),
            x=part["current_amount"],
            orientation="h",
            name=name,
            marker_color=colour,
            customdata=list(
                zip(
                    part["revenue_goal"].map(figures.money),
                    part["attainment"].map(figures.percent),
                    plain_groups(part["account_manager"], "account_manager"),
                    strict=True,
                )
            ),
            hovertemplate="%{y} (%{customdata[2]})<br>amount %{x:,.0f} of goal "
            "%{customdata[0]} (%{customdata[1]})"
            "<extra>%{fullData.name}</extra>",
        )
    fig.add_scatter(
        y=named["label"].map(plain),
        x=named["revenue_goal"],
        mode="markers",
        name=figures.label("revenue_goal"),
        marker={
            "symbol": "line-ns-open",
            "size": 18,
            "line": {"width": 3},
            "color": "#111",
        },
        hovertemplate="%{y}<br>goal %{x:,.0f}<extra></extra>",
    )
    fig.add_scatter(
        y=named["label"].map(plain),
        x=named["revenue_goal"] * share_gone,
        mode="markers",
        name="Expected by now",
        marker={"symbol": "diamond", "size": 8, "color": "#555"},
        hovertemplate="%{y}<br>expected by now %{x:,.0f}<extra></extra>",
    )
    fig.update_layout(
        title=title,
        barmode="overlay",
        height=140 + 26 * len(named),
        yaxis={
            "autorange": "reversed",
            "categoryorder": "array",
            "categoryarray": list(named["label"].map(plain)),
        },
        xaxis_title="Amount",
    )
    return fig
