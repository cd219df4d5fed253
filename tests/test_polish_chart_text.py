"""Untrusted text in charts (issue 14's leftover): plotly reads a subset of HTML in
titles, legend entries, tick labels and hover text, so a partner, league or AM
named `<b>x</b>` showed bold and `<a href=...>` a link. Every name from the data
reaches a figure escaped (shown literally); the drill-down keys stay raw."""

from __future__ import annotations

import datetime as dt
import json
from types import SimpleNamespace

import pandas as pd
import pytest

from ui import charts

BOLD = "<b>x</b>"
LINK = '<a href="http://127.0.0.1:1/">Link</a> & Co'
TEMPLATE = "100%{x} Ltd"  # would read the bar's x if set into a hovertemplate
# As plotly must receive them: entities, and % as &#37;.
BOLD_SHOWN = "&lt;b&gt;x&lt;/b&gt;"
LINK_SHOWN = '&lt;a href="http://127.0.0.1:1/"&gt;Link&lt;/a&gt; &amp; Co'
TEMPLATE_SHOWN = "100&#37;{x} Ltd"
MONDAY = dt.date(2026, 11, 16)


def shown_text(fig) -> str:
    """Everything of a figure plotly renders as text: the JSON without the
    customdata (the keys the drill-downs read back, never drawn)."""
    spec = fig.to_plotly_json()
    for trace in spec["data"]:
        trace.pop("customdata", None)
    return json.dumps(spec, default=str)


def assert_no_raw_markup(fig) -> None:
    text = shown_text(fig)
    for raw in ("<b>x", "<a href", "& Co", "%{x} Ltd"):
        assert raw not in text, raw


def test_plain_escapes_markup_and_template_variables():
    assert charts.plain(BOLD) == BOLD_SHOWN
    assert charts.plain(LINK) == LINK_SHOWN
    assert charts.plain(TEMPLATE) == TEMPLATE_SHOWN
    assert charts.plain("Acme") == "Acme"


def test_pace_bars_escape_the_account_managers_keep_the_key():
    rows = pd.DataFrame(
        {
            "account_manager": [BOLD, LINK],
            "status": ["Ahead", "Behind"],
            "added": [12, 3],
            "target": [1234, 8],
            "expected": [9.5, 7.6],
            "pace": [12 / 9.5, 3 / 7.6],
        }
    )
    fig = charts.pace_bars(rows, "month")
    ahead, behind = fig.data[0], fig.data[1]
    assert list(ahead.y) == [BOLD_SHOWN] and list(behind.y) == [LINK_SHOWN]
    assert list(fig.layout.yaxis.categoryarray) == [BOLD_SHOWN, LINK_SHOWN]
    assert ahead.customdata[0][0] == BOLD  # what the drill-down opens
    # hover figures as text: 1,234 target, 9.5 expected, 12/9.5 = 126% pace
    assert list(ahead.customdata[0][1:]) == ["1,234", "9.5", "126%"]
    assert list(fig.data[2].y) == [BOLD_SHOWN, LINK_SHOWN]  # the expected marks
    assert_no_raw_markup(fig)


def test_pace_marks_open_their_account_manager():
    """A click on an AM's expected or target mark opens that AM's clients, as a
    click on the bar does (at 1M clients a bar can be shorter than its marks)."""
    rows = pd.DataFrame(
        {
            "account_manager": ["Ann", "Ben", "Cy"],
            "status": ["Behind", "Behind", "No quota"],
            "added": [1800, 1300, 1200],
            "target": [47000, 32000, None],
            "expected": [2000.0, 1400.0, None],
            "pace": [0.9, 0.93, None],
        }
    )
    fig = charts.pace_bars(rows, "month")
    expected, target = fig.data[2], fig.data[3]  # after the Behind, No quota bars
    assert (expected.name, target.name) == ("Expected by today", "Target")
    # Cy has no target: no mark; Ann's and Ben's marks carry their names
    assert [list(c) for c in expected.customdata] == [["Ann"], ["Ben"]]
    assert [list(c) for c in target.customdata] == [["Ann"], ["Ben"]]
    # a click on Ben's target mark comes back as that point's customdata
    point = {"curve_number": 3, "point_index": 1, "customdata": ["Ben"]}
    event = SimpleNamespace(selection=SimpleNamespace(points=[point]))
    assert charts.selected(event) == ["Ben"]


def test_cumulative_chart_title_escapes_the_account_manager():
    days = pd.date_range("2026-11-02", periods=3, freq="B")
    cumulative = pd.DataFrame(
        {"day": days, "target_line": [1.0, 2.0, 3.0], "added_cumulative": [1, 3, 4]}
    )
    fig = charts.cumulative_chart(cumulative, 2.0, days[1].date(), LINK, "month")
    assert fig.layout.title.text.startswith(LINK_SHOWN + ": clients added")
    assert_no_raw_markup(fig)


def test_rate_bars_escape_partner_names_and_name_the_unknown_partner():
    rates = pd.DataFrame(
        {
            "partner_id": ["P1", "P2", "P9"],
            "partner_name": [BOLD, TEMPLATE, None],
            "ever_repurposed": [1, 2, 0],
            "clients_added": [4, 4, 2],
            "rate": [0.25, 0.5, 0.0],
        }
    )
    fig = charts.rate_bars(rates, "partner", "Rates")
    assert list(fig.data[0].y) == [BOLD_SHOWN, TEMPLATE_SHOWN, "(unknown partner)"]
    assert [row[0] for row in fig.data[0].customdata] == ["P1", "P2", "P9"]
    assert_no_raw_markup(fig)


def test_churn_chart_legend_escapes_leagues_and_names_no_league():
    weekly = pd.DataFrame(
        {
            "week_start": [MONDAY, MONDAY, MONDAY],
            "league": [None, BOLD, LINK],
            "churned": [1, 2, 3],
        }
    )
    totals = pd.DataFrame(
        {
            "week_start": [MONDAY],
            "churned": [6],
            "active_at_start": [200],
            "churn_rate": [6 / 200],
        }
    )
    fig = charts.churn_chart(weekly, totals, "league")
    assert [trace.name for trace in fig.data[:3]] == [
        "No league",
        BOLD_SHOWN,
        LINK_SHOWN,
    ]
    # the legend name on hover, through plotly's own variable (not spliced in)
    assert "%{fullData.name}" in fig.data[1].hovertemplate
    assert fig.data[1].customdata[0][1] == BOLD  # the week's drill-down key
    assert_no_raw_markup(fig)


def test_activity_bars_escape_managers_and_types_keep_the_keys():
    weekly = pd.DataFrame(
        {
            "week_start": [MONDAY, MONDAY],
            "account_manager": [BOLD, ""],
            "activity_type": [LINK, "Call"],
            "count": [3, 1],
        }
    )
    fig = charts.activity_bars(weekly, "account_manager", managers=[BOLD])
    assert [trace.name for trace in fig.data] == [BOLD_SHOWN, "(no account manager)"]
    # (AM, type) raw for the drill-down, then both as shown on hover
    assert list(fig.data[0].customdata[0]) == [BOLD, LINK, BOLD_SHOWN, LINK_SHOWN]
    by_type = charts.activity_bars(weekly, "activity_type")
    assert by_type.data[0].name == LINK_SHOWN
    assert_no_raw_markup(fig)
    assert_no_raw_markup(by_type)


@pytest.mark.browser
def test_plotly_shows_the_escaped_names_literally(page, tmp_path):
    """In Chromium, plotly draws the escaped legend entries and tick labels as the
    names' own characters: no bold, no link."""
    weekly = pd.DataFrame(
        {"week_start": [MONDAY, MONDAY], "league": [BOLD, LINK], "churned": [1, 2]}
    )
    totals = pd.DataFrame(
        {
            "week_start": [MONDAY],
            "churned": [3],
            "active_at_start": [100],
            "churn_rate": [0.03],
        }
    )
    rows = pd.DataFrame(
        {
            "account_manager": [TEMPLATE],
            "status": ["Ahead"],
            "added": [3],
            "target": [2],
            "expected": [1.0],
            "pace": [3.0],
        }
    )
    churn = tmp_path / "churn.html"
    churn.write_text(charts.churn_chart(weekly, totals, "league").to_html())
    pace = tmp_path / "pace.html"
    pace.write_text(charts.pace_bars(rows, "month").to_html())

    page.goto(churn.as_uri())
    page.wait_for_selector(".legendtext")
    legend = [t.text_content() for t in page.query_selector_all(".legendtext")]
    assert legend == [BOLD, LINK, "Churn rate (all)"]
    assert page.query_selector_all("svg a") == []
    assert page.query_selector_all("tspan[style*='bold']") == []

    page.goto(pace.as_uri())
    page.wait_for_selector(".ytick text")
    ticks = [t.text_content() for t in page.query_selector_all(".ytick text")]
    assert ticks == [TEMPLATE]


def test_pace_hover_of_an_am_without_a_target_says_dash_not_nan():
    rows = pd.DataFrame(
        {
            "account_manager": ["Hannah"],
            "status": ["No quota"],
            "added": [106],
            "target": [None],
            "expected": [None],
            "pace": [None],
        }
    )
    bar = charts.pace_bars(rows, "month").data[0]
    assert list(bar.customdata[0]) == ["Hannah", "–", "–", "–"]


def test_account_plan_charts_escape_partners_and_managers():
    named = pd.DataFrame(
        {
            "label": [BOLD, "Acme"],
            "track": ["Off track", "No goal"],
            "current_amount": [250.0, 90.0],
            "revenue_goal": [1000.0, None],
            "attainment": [0.25, None],
            "account_manager": [LINK, None],
        }
    )
    goals = charts.goal_bars(named, 0.5, "Goals")
    off, no_goal = goals.data[0], goals.data[1]
    assert list(off.y) == [BOLD_SHOWN]
    # goal 1,000, 250 / 1000 = 25%; no goal: dashes, not NaN
    assert list(off.customdata[0]) == ["1,000", "25%", LINK_SHOWN]
    assert list(no_goal.customdata[0]) == ["–", "–", "(no account manager)"]
    assert list(goals.layout.yaxis.categoryarray) == [BOLD_SHOWN, "Acme"]
    assert_no_raw_markup(goals)

    usage = pd.DataFrame(
        {"account_manager": [BOLD], "created_this_quarter": [2], "updated": [1]}
    )
    fig = charts.created_and_updated(
        usage,
        "account_manager",
        {"created_this_quarter": "Created", "updated": "Updated"},
        "Plans",
        x_label="",
        x_hover="%{x}",
    )
    assert [list(trace.x) for trace in fig.data] == [[BOLD_SHOWN], [BOLD_SHOWN]]
    assert_no_raw_markup(fig)
