"""What the dashboard, the partner report and the partner detail share: the report's
columns in the users' words, the KPI tiles' deltas and partner labels."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from analytics import metrics
from analytics.schema import NO_LEAGUE, STATUSES, UNKNOWN_PARTNER
from ui import figures
from ui.safe import md

OTHER_STATUSES = "Other or no status"
STATUS_DELTA = {
    # status -> (delta colour, arrow) for the "clients added vs quota" tile
    "Ahead": ("green", "up"),
    "On pace": ("blue", "off"),
    "Behind": ("red", "down"),
    "No quota": ("gray", "off"),
}

REPORT_COLUMNS = {
    "partner_name": st.column_config.TextColumn("Partner", width=250, pinned=True),
    "account_status": st.column_config.TextColumn("Account status", width=150),
    "clients_total": figures.column("clients_total", width=58),
    "clients_active": figures.column("clients_active", width=54),
    "clients_repurposed": figures.column("clients_repurposed", width=88),
    "business_plan_aim": figures.column("business_plan_aim", width=122),
    "plan_progress": st.column_config.ProgressColumn(
        figures.label("plan_progress"),
        width=112,
        help=metrics.get("plan_progress").tooltip,
        format="percent",
        min_value=0.0,
        max_value=1.0,
        color="blue",
    ),
    "added_this_month": figures.column("added_this_month", width=120),
    "churned_this_week": figures.column("churned_this_week", width=126),
    "days_since_touch": figures.column("days_since_touch", width=114),
    "has_notes_task": figures.column("has_notes_task", width=78),
    "account_manager": st.column_config.TextColumn("Account manager", width=130),
}


def report_order(with_status: bool) -> list[str]:
    """The report's visible columns; the status only in the mixed 'other' group."""
    columns = list(REPORT_COLUMNS)
    if not with_status:
        columns.remove("account_status")
    return columns


def league_label(league: object) -> str:
    return (
        NO_LEAGUE if league is None or pd.isna(league) or league == "" else str(league)
    )


def status_group(status: object) -> str:
    """The status group a partner sits in: one of the four, or the rest together."""
    return status if status in STATUSES else OTHER_STATUSES


def partner_labels(report: pd.DataFrame) -> dict[str, str]:
    """partner_id -> the name shown in a chooser; a name two partners share gets
    its id, so that every label is unique and names one partner."""
    names = report["partner_name"].fillna(UNKNOWN_PARTNER)
    repeated = set(names[names.duplicated()])
    return {
        pid: f"{name} ({pid})" if name in repeated else name
        for pid, name in zip(report["partner_id"], names, strict=True)
    }


def requested_partner(value: str | None, labels: dict[str, str]) -> str | None:
    """The partner a `?partner=` value names by its id or its chooser label; None
    when it names none (an 18-character id is resolved by the page, through
    analytics.partners.own_partner_id: the partner_key macro)."""
    if value is None:
        return None
    if value in labels:
        return value
    by_label = {label: pid for pid, label in labels.items()}
    return by_label.get(value)


def timeline_entry(row: object) -> None:
    """One activity of a partner's timeline: date, type, subject, status, who, and
    its comments beneath."""
    parts = (row.activity_type, row.subject, row.status, row.account_manager)
    heading = " · ".join(md(p) for p in parts if isinstance(p, str) and p)
    icon = ":material/check_circle:" if row.is_touch else ":material/pending:"
    st.markdown(f"{icon} **{row.activity_date}** · {heading}")
    if isinstance(row.comments, str) and row.comments.strip():
        st.caption(md(row.comments.strip()).replace("\n", "  \n"))
