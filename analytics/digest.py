"""The daily dashboard as one self-contained HTML file (plotly.js inlined once), for
e-mail or a shared drive: KPIs, quota pace, weekly churn, repurposing trend and the
partners needing attention."""

from __future__ import annotations

import datetime as dt
import html
from pathlib import Path

import duckdb
import pandas as pd
import plotly.graph_objects as go

from analytics import activity, churn, kpis, metrics, quota, repurposing

STYLE = """
body { font-family: system-ui, sans-serif; margin: 2rem auto; max-width: 1100px;
       color: #1b2733; }
h1 { margin-bottom: 0; } .sub { color: #5b6b7b; margin-top: .2rem; }
.tiles { display: grid; grid-template-columns: repeat(4, 1fr); gap: 1rem;
         margin: 1.5rem 0; }
.tile { border: 1px solid #d5dde5; border-radius: .5rem; padding: .8rem 1rem; }
.tile .label { color: #5b6b7b; font-size: .9rem; } .tile .value { font-size: 1.8rem; }
.tile .delta { font-size: .85rem; color: #5b6b7b; }
table { border-collapse: collapse; width: 100%; font-size: .9rem; }
th, td { text-align: left; padding: .3rem .5rem; border-bottom: 1px solid #e3e8ee; }
"""


def _tile(name: str, kpi: dict, delta: str = "") -> str:
    """A KPI tile: the registry's label and format for figure `name`."""
    metric = metrics.get(name)
    return (
        f'<div class="tile"><div class="label">{html.escape(metric.label)}</div>'
        f'<div class="value">{html.escape(metric.text(kpi[name]))}</div>'
        f'<div class="delta">{html.escape(delta)}</div></div>'
    )


def _quota_chart(pace: pd.DataFrame) -> go.Figure:
    month = pace[pace["period"] == "month"]
    fig = go.Figure(
        [
            go.Bar(
                name="Added",
                x=month["account_manager"],
                y=month["added"],
                hovertemplate="%{x}<br>Added: %{y}<extra></extra>",
            ),
            go.Bar(
                name="Expected by today",
                x=month["account_manager"],
                y=month["expected"],
                hovertemplate="%{x}<br>Expected: %{y:.1f}<extra></extra>",
            ),
            go.Scatter(
                name="Month target",
                x=month["account_manager"],
                y=month["target"],
                mode="markers",
                marker={"symbol": "line-ew-open", "size": 30},
                hovertemplate="%{x}<br>Target: %{y}<extra></extra>",
            ),
        ]
    )
    fig.update_layout(
        title="Quota pace this month: clients added per account manager",
        barmode="group",
    )
    return fig


def _churn_chart(totals: pd.DataFrame) -> go.Figure:
    fig = go.Figure(
        [
            go.Bar(
                name="Churned",
                x=totals["week_start"],
                y=totals["churned"],
                hovertemplate="Week of %{x|%d %b %Y}<br>Churned: %{y}<extra></extra>",
            ),
            go.Scatter(
                name="Churn rate",
                x=totals["week_start"],
                y=totals["churn_rate"],
                yaxis="y2",
                mode="lines+markers",
                hovertemplate="Week of %{x|%d %b %Y}<br>Churn rate: %{y:.2%}"
                "<extra></extra>",
            ),
        ]
    )
    fig.update_layout(
        title="Weekly churn, last 26 weeks",
        yaxis={"title": "Clients churned"},
        yaxis2={
            "title": "Churn rate",
            "overlaying": "y",
            "side": "right",
            "tickformat": ".1%",
        },
    )
    return fig


def _repurposing_chart(velocity: pd.DataFrame) -> go.Figure:
    fig = go.Figure(
        go.Bar(
            x=velocity["week_start"],
            y=velocity["repurposed_in_week"],
            hovertemplate="Week of %{x|%d %b %Y}<br>Repurposed: %{y}<extra></extra>",
        )
    )
    fig.update_layout(
        title="Repurposing trend: clients repurposed per week",
        yaxis={"title": "Clients repurposed"},
    )
    return fig


def build_digest(con: duckdb.DuckDBPyConnection, as_of: dt.date) -> str:
    """The digest's HTML text."""
    k = kpis.dashboard_kpis(con, as_of)
    pace = quota.quota_pace(con, as_of)
    attention = activity.attention(con, as_of)
    figures = [
        _quota_chart(pace),
        _churn_chart(churn.churn_totals(con, as_of)),
        _repurposing_chart(repurposing.weekly_velocity(con, as_of)),
    ]
    charts = [
        fig.update_layout(height=380).to_html(
            full_html=False, include_plotlyjs=(i == 0)
        )
        for i, fig in enumerate(figures)
    ]
    quota_note = " ".join(
        [
            f"{k['month_status']} · {metrics.quota_note(k['month_target'])}.",
            metrics.no_quota_note(*(k[key] for key in metrics.NO_QUOTA_KEYS)),
        ]
    ).strip()
    tiles = "".join(
        [
            _tile("month_added", k, quota_note),
            _tile(
                "repurposed_this_month",
                k,
                metrics.vs_last_month(k["repurposed_last_month_to_date"], as_of),
            ),
            _tile(
                "churned_this_week",
                k,
                metrics.vs_last_week(k["churned_last_week_to_date"], as_of),
            ),
            _tile("partners_needing_attention", k),
        ]
    )
    table = (
        attention.to_html(index=False, escape=True, border=0)
        if len(attention)
        else ("<p>No partner needs attention.</p>")
    )
    return f"""<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<title>Account management digest {as_of:%d %b %Y}</title><style>{STYLE}</style></head>
<body>
<h1>Account management digest</h1>
<p class="sub">As of {as_of:%A %d %B %Y}</p>
<div class="tiles">{tiles}</div>
{"".join(charts)}
<h2>Partners needing attention ({len(attention)})</h2>
{table}
</body></html>
"""


def write_digest(con: duckdb.DuckDBPyConnection, as_of: dt.date, out: Path) -> Path:
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(build_digest(con, as_of), encoding="utf-8")
    return out
