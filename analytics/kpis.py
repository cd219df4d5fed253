"""The dashboard's KPI tiles: clients added this month against the quota,
repurposed this month, churned this week and partners needing attention, each with
the figure to compare it with."""

from __future__ import annotations

import datetime as dt

import duckdb

from analytics import activity, dates, quota, schema
from analytics.db import query

# Tile counts over the clients of the AM's partners (all clients, those of no known
# partner included, when no AM is given):
# - added this month: added_date in D's month up to D (SPEC 4 "Clients added");
# - repurposed this month: repurposed_date in D's month up to D, against the same
#   number of days into the previous month (cut at its last day);
# - churned this week: churned_date in D's week up to D (SPEC 4 "Weekly churn"),
#   against the previous week up to the same weekday;
# - month target: the month's targets summed over the AMs (or the AM's own).
# Grain: one row.
KPI_SQL = """
with
partners as (
    select partner_id
    from stg_partners
    where $account_manager is null or account_manager = $account_manager
),

clients as (
    select c.*
    from stg_clients as c
    inner join partners as p on p.partner_id = c.partner_id
),

targets as (
    select sum(clients_target)::bigint as month_target
    from stg_quotas
    where date_trunc('month', month) = $month_start
        and ($account_manager is null or trim(account_manager) = $account_manager)
),

counts as (
    select
        count(*) filter (where added_date between $month_start and $as_of)
            as added_this_month,
        count(*) filter (where repurposed_date between $month_start and $as_of)
            as repurposed_this_month,
        count(*) filter (
            where repurposed_date between $last_month_start and $last_month_point
        ) as repurposed_last_month,
        count(*) filter (where churned_date between $week_start and $as_of)
            as churned_this_week,
        count(*) filter (
            where churned_date between $last_week_start and $last_week_point
        ) as churned_last_week
    from clients
),

final as (
    select * from counts cross join targets
)

select * from final
"""


def _kpi_params(as_of: dt.date, account_manager: str | None) -> dict:
    month = dates.month(as_of)
    last_month = dates.month(month.start - dt.timedelta(days=1))
    days_in = as_of - month.start
    week_start = dates.week_start(as_of)
    return {
        "as_of": as_of,
        "account_manager": account_manager,
        "month_start": month.start,
        "last_month_start": last_month.start,
        "last_month_point": min(last_month.start + days_in, last_month.end),
        "week_start": week_start,
        "last_week_start": week_start - dt.timedelta(days=7),
        "last_week_point": as_of - dt.timedelta(days=7),
    }


def dashboard_kpis(
    con: duckdb.DuckDBPyConnection,
    as_of: dt.date,
    fiscal_start_month: int = 1,
    account_manager: str | None = None,
    no_touch_days: int = schema.DEFAULT_NO_TOUCH_DAYS,
) -> dict:
    """The KPI tiles as plain values: added_this_month, month_target (None without
    one), month_status, repurposed_this_month, repurposed_last_month,
    churned_this_week, churned_last_week, partners_needing_attention.
    The tiles are monthly and weekly; `fiscal_start_month` keeps the call uniform."""
    row = query(con, KPI_SQL, _kpi_params(as_of, account_manager)).iloc[0]
    target = None if row.isna()["month_target"] else int(row["month_target"]) or None
    month = dates.month(as_of)
    added = int(row["added_this_month"])
    attention = activity.attention(con, as_of, no_touch_days, account_manager)
    return {
        "added_this_month": added,
        "month_target": target,
        "month_status": quota.pace_status(
            added,
            target,
            dates.working_days(month.start, as_of),
            dates.working_days(month.start, month.end),
        ),
        "repurposed_this_month": int(row["repurposed_this_month"]),
        "repurposed_last_month": int(row["repurposed_last_month"]),
        "churned_this_week": int(row["churned_this_week"]),
        "churned_last_week": int(row["churned_last_week"]),
        "partners_needing_attention": len(attention),
    }
