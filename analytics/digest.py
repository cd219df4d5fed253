"""The daily dashboard as a mail: the KPI tiles, the three charts (quota pace per
AM, weekly churn, repurposing trend) as PNG images, and the call list (partners
needing attention), with links that open the same filtered views in the app.

No script: it reads the same in a mail client with scripts off. Every figure comes
from the subject modules (kpis, quota, churn, repurposing, activity)."""

from __future__ import annotations

import base64
import datetime as dt
import os
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlencode

import duckdb
import jinja2
import pandas as pd

from analytics import access, activity, churn, kpis, metrics, quota, repurposing, schema
from analytics.chart_images import Chart, render
from analytics.schema import UNKNOWN_PARTNER

APP_URL_ENV = "AMD_APP_URL"
DEFAULT_APP_URL = "http://localhost:8501"
TEMPLATES = Path(__file__).with_name("templates")
# The call list's columns, in the users' words (its figures' labels come from the
# metric registry, analytics/metrics.py).
CALL_LIST_COLUMNS = ["Partner", "Account manager", "Why it needs attention"]
STATUS_COLOURS = {
    "Ahead": "#2e7d32",
    "On pace": "#1565c0",
    "Behind": "#c62828",
    "No quota": "#9e9e9e",
}
PACE_TITLE = "Quota pace this month: clients added per account manager"
# The app's page paths (app.py url_path) and the query parameters they read.
PAGES = {
    "dashboard": "",
    "quota": "quota",
    "churn": "churn",
    "repurposing": "repurposing",
    "activity": "activity",
    "partner": "partner",
}

templates = jinja2.Environment(
    loader=jinja2.FileSystemLoader(TEMPLATES),
    autoescape=jinja2.select_autoescape(["html"]),
    trim_blocks=True,
    lstrip_blocks=True,
)


@dataclass
class Link:
    """A table cell that links into the app."""

    text: str
    href: str


@dataclass
class Table:
    """A table as shown: the users' column names, rows of text (or Links), and the
    indexes of the columns to right-align."""

    columns: list[str]
    rows: list[list[str | Link]]
    numeric: set[int] = field(default_factory=set)


@dataclass
class Digest:
    """The digest's mail: subject, HTML, and its PNG images by content id (the HTML
    refers to them as `cid:` in a mail, or carries them as data URIs in a file)."""

    subject: str
    html: str
    images: dict[str, bytes]
    text: str = ""


def app_url(option: str | None = None, config: dict | None = None) -> str:
    """The app's base URL: the option, else $AMD_APP_URL, else the config file's
    [app] url, else the local default."""
    chosen = (
        option
        or os.environ.get(APP_URL_ENV)
        or (config or {}).get("app", {}).get("url")
        or DEFAULT_APP_URL
    )
    return chosen.rstrip("/")


def link(base: str, page: str, as_of: dt.date, account_manager: str | None, **more):
    """A URL into the app opening `page` with the sidebar's filters (`as_of`, `am`)
    as the pages read them from the URL."""
    params = {"as_of": as_of.isoformat()}
    if account_manager is not None:
        params["am"] = account_manager
    params |= more
    return f"{base}/{PAGES[page]}?{urlencode(params)}"


def reasons_text(reasons: str) -> str:
    """'no touch in 30+ days; no notes task' -> 'No touch in 30+ days; no notes
    task' (the reasons as one sentence)."""
    return reasons[:1].upper() + reasons[1:]


# --- figures -------------------------------------------------------------------


def book_of(
    con: duckdb.DuckDBPyConnection, account_managers: list[str] | None
) -> duckdb.DuckDBPyConnection:
    """`con` for everyone (None); otherwise the book of those AMs (access.book), so
    a team's figures come from the same report functions as the pages' (no sums
    of per-AM figures here)."""
    if account_managers is None:
        return con
    (path,) = con.execute(
        "select path from duckdb_databases()"
        " where path is not null and not internal order by database_name limit 1"
    ).fetchone()
    return access.book(path, account_managers)


def team_kpis(
    con: duckdb.DuckDBPyConnection,
    as_of: dt.date,
    account_managers: list[str] | None,
    no_touch_days: int = schema.DEFAULT_NO_TOUCH_DAYS,
) -> dict:
    """The dashboard tiles (kpis.dashboard_kpis) for everyone or a book."""
    return kpis.dashboard_kpis(
        book_of(con, account_managers), as_of, no_touch_days=no_touch_days
    )


def team_churn(
    con: duckdb.DuckDBPyConnection, as_of: dt.date, account_managers: list[str] | None
) -> pd.DataFrame:
    """churn.churn_totals for everyone or a book."""
    return churn.churn_totals(book_of(con, account_managers), as_of)


def team_velocity(
    con: duckdb.DuckDBPyConnection, as_of: dt.date, account_managers: list[str] | None
) -> pd.DataFrame:
    """repurposing.weekly_velocity for everyone or a book."""
    return repurposing.weekly_velocity(book_of(con, account_managers), as_of)


def team_attention(
    con: duckdb.DuckDBPyConnection,
    as_of: dt.date,
    account_managers: list[str] | None,
    no_touch_days: int = schema.DEFAULT_NO_TOUCH_DAYS,
) -> pd.DataFrame:
    """activity.attention (partner report order) for everyone or a book."""
    return activity.attention(book_of(con, account_managers), as_of, no_touch_days)


def team_pace(
    con: duckdb.DuckDBPyConnection, as_of: dt.date, account_managers: list[str] | None
) -> pd.DataFrame:
    """quota.quota_pace's month rows for everyone or a book (A-Z)."""
    pace = quota.quota_pace(book_of(con, account_managers), as_of)
    return pace[pace["period"] == "month"].reset_index(drop=True)


# --- charts --------------------------------------------------------------------


def pace_chart(month: pd.DataFrame, title: str) -> Chart:
    """Clients added per AM this month (bars coloured by status; the status in
    the label too, for readers without colour), with expected and target marks."""
    return Chart(
        title=title,
        kind="barh",
        categories=[
            f"{am or '(no account manager)'} · {status}"
            for am, status in zip(
                month["account_manager"], month["status"], strict=True
            )
        ],
        series={metrics.axis("added"): month["added"].tolist()},
        colours=[(s, STATUS_COLOURS[s]) for s in month["status"]],
        marks={
            metrics.label("expected"): month["expected"].tolist(),
            metrics.label("target"): month["target"].tolist(),
        },
        axis_title=metrics.axis("added"),
    )


def week_labels(week_starts: pd.Series) -> list[str]:
    return [f"{day:%d %b}" for day in week_starts]


def churn_chart(totals: pd.DataFrame) -> Chart:
    """Clients churned per week (bars) and the churn rate (line, whole percentages;
    this week's rate written out, as weekly rates are often below 1%)."""
    rates = totals["churn_rate"].tolist()
    this_week = metrics.rate(rates[-1])
    return Chart(
        title="Weekly churn, last 26 weeks",
        categories=week_labels(totals["week_start"]),
        series={metrics.axis("churned"): totals["churned"].tolist()},
        rates={
            f"{metrics.label('churn_rate')} (right axis; this week {this_week})": rates,
        },
        axis_title=metrics.axis("churned"),
        rate_axis_title=metrics.label("churn_rate"),
    )


def velocity_chart(velocity: pd.DataFrame) -> Chart:
    return Chart(
        title="Repurposing trend: clients repurposed per week",
        categories=week_labels(velocity["week_start"]),
        series={
            metrics.axis("repurposed_in_week"): velocity["repurposed_in_week"].tolist()
        },
        axis_title=metrics.axis("repurposed_in_week"),
    )


# --- the digest ----------------------------------------------------------------


def tiles(k: dict, as_of: dt.date) -> list[dict]:
    """The four dashboard tiles: the registry's label, the figure and the note
    beside it, in the same sentences as the Dashboard's."""
    quota_note = " ".join(
        part
        for part in (
            f"{k['month_status']} · {metrics.quota_note(k['month_target'])}.",
            metrics.no_quota_note(*(k[key] for key in metrics.NO_QUOTA_KEYS)),
        )
        if part
    )
    return [
        {
            "label": metrics.label("month_added"),
            "value": metrics.count(k["month_added"]),
            "note": quota_note,
        },
        {
            "label": metrics.label("repurposed_this_month"),
            "value": metrics.count(k["repurposed_this_month"]),
            "note": metrics.vs_last_month(k["repurposed_last_month_to_date"], as_of),
        },
        {
            "label": metrics.label("churned_this_week"),
            "value": metrics.count(k["churned_this_week"]),
            "note": metrics.vs_last_week(k["churned_last_week_to_date"], as_of),
        },
        {
            "label": metrics.label("partners_needing_attention"),
            "value": metrics.count(k["partners_needing_attention"]),
            "note": "no touch, no notes task, overdue task or churn",
        },
    ]


def call_list(
    attention: pd.DataFrame, base: str, as_of: dt.date, am: str | None
) -> Table:
    """The partners needing attention: partner (linking to its detail), AM, why."""
    rows = [
        [
            Link(
                name or UNKNOWN_PARTNER,
                link(base, "partner", as_of, am, partner=partner_id),
            ),
            manager or "(no account manager)",
            reasons_text(reasons),
        ]
        for partner_id, name, manager, reasons in attention[
            ["partner_id", "partner_name", "account_manager", "reasons"]
        ].itertuples(index=False)
    ]
    return Table(CALL_LIST_COLUMNS, rows)


def data_uri(content: bytes, mime: str = "image/png") -> str:
    return f"data:{mime};base64," + base64.b64encode(content).decode("ascii")


def build_digest(
    con: duckdb.DuckDBPyConnection,
    as_of: dt.date,
    account_managers: list[str] | None = None,
    *,
    base_url: str = DEFAULT_APP_URL,
    book: str | None = None,
    embed: str = "data",
    no_touch_days: int = schema.DEFAULT_NO_TOUCH_DAYS,
) -> Digest:
    """The digest for everyone (None), one AM's book or a team's. `book` names it
    in the title ("Ann Lee", "Maria's team"). `embed`: "data" puts the images in the
    HTML as data URIs (a file); "cid" refers to them as mail parts."""
    one = account_managers is not None and len(account_managers) == 1
    am = account_managers[0] if one else None
    book = book or am or "the team"
    con = book_of(con, account_managers)  # every figure below: this book only
    # (content id, chart, the app page it opens, the link's text)
    charts = [
        (
            "quota_pace@digest",
            pace_chart(team_pace(con, as_of, None), PACE_TITLE),
            "quota",
            "Quota pace by account manager",
        ),
        (
            "weekly_churn@digest",
            churn_chart(team_churn(con, as_of, None)),
            "churn",
            "Weekly churn and who churned",
        ),
        (
            "repurposing@digest",
            velocity_chart(team_velocity(con, as_of, None)),
            "repurposing",
            "Repurposing rates and cohorts",
        ),
    ]
    images = {cid: render(chart) for cid, chart, _, _ in charts}
    attention = team_attention(con, as_of, None, no_touch_days)
    title = f"Account management digest: {book}"
    subtitle = f"As of {as_of:%A %d %B %Y}"
    shown_tiles = tiles(
        kpis.dashboard_kpis(con, as_of, no_touch_days=no_touch_days), as_of
    )
    calls = call_list(attention, base_url, as_of, am)
    links = {
        "dashboard": link(base_url, "dashboard", as_of, am),
        "activity": link(base_url, "activity", as_of, am),
    }
    html = templates.get_template("digest.html").render(
        title=title,
        subtitle=subtitle,
        tiles=shown_tiles,
        charts=[
            {
                "src": f"cid:{cid}" if embed == "cid" else data_uri(images[cid]),
                "alt": chart.title,
                "href": link(base_url, page, as_of, am),
                "link_text": text,
            }
            for cid, chart, page, text in charts
        ],
        attention_count=len(attention),
        call_list=calls,
        links=links,
        footer="Figures as the dashboard shows them on this date. "
        "Links open the app with the same filters.",
    )
    text = "\n".join(
        [
            title,
            subtitle,
            "",
            *(f"{t['label']}: {t['value']} ({t['note']})" for t in shown_tiles),
            "",
            f"Partners needing attention ({len(attention)}):",
            *(f"- {p.text} ({manager}): {why}" for p, manager, why in calls.rows),
            "",
            f"Open the dashboard: {links['dashboard']}",
        ]
    )
    return Digest(f"{title}, {as_of:%d %b %Y}", html, images, text)


def write_digest(
    con: duckdb.DuckDBPyConnection,
    as_of: dt.date,
    out: Path,
    account_managers: list[str] | None = None,
    base_url: str = DEFAULT_APP_URL,
) -> Path:
    """The digest as one self-contained HTML file (images as data URIs)."""
    digest = build_digest(con, as_of, account_managers, base_url=base_url)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(digest.html, encoding="utf-8")
    return out
