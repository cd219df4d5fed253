"""The headline figures and their comparisons: the dashboard's KPI tiles and the
tiles of the Weekly churn and Repurposing pages, from one query so that a figure
shown on two of them is the same number.

Comparisons (SPEC 4): this week up to D against last week up to the same weekday,
this month up to D against last month up to the same day of the month (cut at its
last day). Where a page also shows the whole previous week it is `*_last_week_full`.
"""

from __future__ import annotations

import datetime as dt

import duckdb
import pandas as pd

from analytics import activity, dates, quota, schema
from analytics.db import query

# Period counts over the clients of the AM's partners (all clients, those of no
# known partner included, when no AM is given), summed from rollup_client_days:
# - churned / repurposed in a period: the date within it, up to D (or up to the
#   same weekday or day of the month for the previous period);
# - active at the start of a week: active at the day before its Monday (added by
#   then minus added and churned by then), so the churn rate of a week up to a day
#   is churned up to then / active at its start.
# Grain: one row.
PERIOD_COUNTS_SQL = """
with
days as (
    select *
    from rollup_client_days
    where $account_manager is null or account_manager = $account_manager
),

final as (
    select
        sum(repurposed) filter (
            where is_in_period(day, $month_start, $as_of)
        ) as repurposed_this_month,
        sum(repurposed) filter (
            where is_in_period(day, $last_month_start, $last_month_point)
        ) as repurposed_last_month_to_date,
        sum(repurposed) filter (
            where is_in_period(day, $week_start, $as_of)
        ) as repurposed_this_week,
        sum(repurposed) filter (
            where is_in_period(day, $last_week_start, $last_week_point)
        ) as repurposed_last_week_to_date,
        sum(churned) filter (
            where is_in_period(day, $week_start, $as_of)
        ) as churned_this_week,
        sum(churned) filter (
            where is_in_period(day, $last_week_start, $last_week_point)
        ) as churned_last_week_to_date,
        sum(churned) filter (
            where is_in_period(day, $last_week_start, $week_start - 1)
        ) as churned_last_week_full,
        sum(added - ended) filter (
            where day <= $week_start - 1
        ) as active_at_start_this_week,
        sum(added - ended) filter (
            where day <= $last_week_start - 1
        ) as active_at_start_last_week
    from days
)

select * from final
"""


def _period_params(as_of: dt.date, account_manager: str | None) -> dict:
    last_week = dates.last_week_to_date(as_of)
    last_month = dates.last_month_to_date(as_of)
    return {
        "as_of": as_of,
        "account_manager": account_manager,
        "month_start": dates.month(as_of).start,
        "last_month_start": last_month.start,
        "last_month_point": last_month.end,
        "week_start": dates.week_start(as_of),
        "last_week_start": last_week.start,
        "last_week_point": last_week.end,
    }


def _rate(churned: int, active: int) -> float | None:
    return churned / active if active else None


def period_counts(
    con: duckdb.DuckDBPyConnection,
    as_of: dt.date,
    account_manager: str | None = None,
) -> dict:
    """This week's and this month's counts with their comparisons, as plain values:
    repurposed_this_month / _last_month_to_date, repurposed_this_week /
    _last_week_to_date, churned_this_week / _last_week_to_date / _last_week_full,
    active_at_start_this_week / _last_week, churn_rate_this_week /
    _last_week_to_date / _last_week_full (None when nobody was active)."""
    row = query(con, PERIOD_COUNTS_SQL, _period_params(as_of, account_manager))
    counts = {k: 0 if pd.isna(v) else int(v) for k, v in row.iloc[0].items()}
    counts["churn_rate_this_week"] = _rate(
        counts["churned_this_week"], counts["active_at_start_this_week"]
    )
    counts["churn_rate_last_week_to_date"] = _rate(
        counts["churned_last_week_to_date"], counts["active_at_start_last_week"]
    )
    counts["churn_rate_last_week_full"] = _rate(
        counts["churned_last_week_full"], counts["active_at_start_last_week"]
    )
    return counts


def _plain(value: object) -> object:
    """A frame cell as a plain value: None for empty, int for whole counts."""
    if pd.isna(value):
        return None
    return value.item() if hasattr(value, "item") else value


def month_quota(
    con: duckdb.DuckDBPyConnection,
    as_of: dt.date,
    fiscal_start_month: int = 1,
    account_manager: str | None = None,
) -> dict:
    """The month's quota tile: the team row of quota.team_pace (or the AM's own
    row, when one is given) as plain values, keys prefixed `month_`."""
    team = quota.team_pace(con, as_of, fiscal_start_month, account_manager)
    row = team[team["period"] == "month"].iloc[0]
    return {
        f"month_{k}": _plain(v)
        for k, v in row.items()
        if k in ("target", "added", "expected", "pace", "status")
    } | {
        "no_quota_managers": int(row["no_quota_managers"]),
        "no_quota_added": int(row["no_quota_added"]),
    }


def dashboard_kpis(
    con: duckdb.DuckDBPyConnection,
    as_of: dt.date,
    fiscal_start_month: int = 1,
    account_manager: str | None = None,
    no_touch_days: int = schema.DEFAULT_NO_TOUCH_DAYS,
) -> dict:
    """The KPI tiles as plain values: the month's quota (month_quota), the period
    counts (period_counts) and partners_needing_attention."""
    attention = activity.attention(con, as_of, no_touch_days, account_manager)
    return {
        **month_quota(con, as_of, fiscal_start_month, account_manager),
        **period_counts(con, as_of, account_manager),
        "partners_needing_attention": len(attention),
    }
