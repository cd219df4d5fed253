"""Quota pace: clients added per account manager against the month's and the
quarter's targets, with the expected-by-now line, pace, projection and status."""

from __future__ import annotations

import datetime as dt

import duckdb
import pandas as pd

from analytics import dates
from analytics.db import query

PERIODS = ("month", "quarter")
# The statuses of the `pace_status` macro (sql/macros.sql).
PACE_STATUSES = ("Ahead", "On pace", "Behind", "No quota")

PACE_COLUMNS = [
    "account_manager",
    "period",
    "target",
    "added",
    "expected",
    "pace",
    "projection",
    "status",
]
DETAIL_COLUMNS = [
    *PACE_COLUMNS,
    "source",
    "elapsed_working_days",
    "working_days",
    "remaining_needed",
    "needed_per_day",
]

# Every AM named in the quotas (file or app) or owning a partner, optionally one.
MANAGERS_CTE = """
managers as (
    select distinct account_manager
    from (
        select nullif(trim(account_manager), '') as account_manager from stg_quotas
        union all
        select account_manager from stg_partners
    ) as named
    where account_manager is not null
        and ($account_manager is null or account_manager = $account_manager)
)"""

# Targets per AM and month, months stored as their first day.
TARGETS_CTE = """
monthly_targets as (
    select
        trim(account_manager) as account_manager,
        date_trunc('month', month)::date as month,
        clients_target,
        source
    from stg_quotas
)"""


def period_of(as_of: dt.date, period: str, fiscal_start_month: int = 1) -> dates.Period:
    """The month or the fiscal quarter containing `as_of`."""
    if period == "month":
        return dates.month(as_of)
    if period == "quarter":
        return dates.quarter(as_of, fiscal_start_month)
    raise ValueError(f"period must be one of {PERIODS}, not {period!r}")


def _period_params(prefix: str, as_of: dt.date, span: dates.Period) -> dict:
    return {
        f"{prefix}_start": span.start,
        f"{prefix}_end": span.end,
        f"{prefix}_elapsed": dates.working_days(span.start, as_of),
        f"{prefix}_days": dates.working_days(span.start, span.end),
        f"{prefix}_left": dates.working_days(as_of + dt.timedelta(days=1), span.end),
    }


# The pace figures of a row with added, target, elapsed_working_days and
# working_days (the macros of sql/macros.sql): an AM's row and the team's.
PACE_FIGURES = """
    expected_by(target, elapsed_working_days, working_days) as expected,
    pace(added, target, elapsed_working_days, working_days) as pace,
    projection(added, elapsed_working_days, working_days) as projection,
    pace_status(added, target, elapsed_working_days, working_days) as status"""


# SPEC 4 "Quota pace": target for the month (or the sum of the quarter's months).
# Expected by D = target x elapsed working days (Mon-Fri, up to and including D) /
# working days in the period. Pace = added / expected. Projection = added / elapsed
# working days x working days in the period. Status: Ahead (pace >= 1.05), On pace
# (0.95-1.05), Behind (< 0.95), No quota (no target, or a target of 0: then target,
# expected and pace are empty, and the projection is still given).
# SPEC 4 "Clients added": added_date within the period (up to D), credited to the
# partner's account manager (summed from rollup_client_days).
# No working day elapsed yet (D on the first weekend of a month): expected 0, pace and
# projection empty, Ahead when anything was added, else On pace.
# Grain: one row per account manager and period (month, then quarter).
QUOTA_ROWS_SQL = f"""
with
periods as (
    select * from (values
        ('month', $month_start::date, $month_end::date,
            $month_elapsed::bigint, $month_days::bigint, $month_left::bigint),
        ('quarter', $quarter_start::date, $quarter_end::date,
            $quarter_elapsed::bigint, $quarter_days::bigint, $quarter_left::bigint)
    ) as t(period, period_start, period_end,
        elapsed_working_days, working_days, remaining_working_days)
),

{MANAGERS_CTE},

{TARGETS_CTE},

targets as (
    select
        t.account_manager,
        p.period,
        sum(t.clients_target)::bigint as target,
        case when bool_or(t.source = 'manual') then 'manual' else 'file' end as source
    from monthly_targets as t
    inner join periods as p on t.month between p.period_start and p.period_end
    group by all
),

added as (
    select
        d.account_manager,
        p.period,
        sum(d.added)::bigint as added
    from rollup_client_days as d
    inner join periods as p
        on is_in_period(d.day, p.period_start, least(p.period_end, $as_of::date))
    where d.account_manager is not null
    group by all
),

joined as (
    select
        m.account_manager,
        p.period,
        case when t.target > 0 then t.target end as target,
        coalesce(a.added, 0) as added,
        t.source,
        p.elapsed_working_days,
        p.working_days,
        p.remaining_working_days
    from managers as m
    cross join periods as p
    left join targets as t
        on t.account_manager = m.account_manager and t.period = p.period
    left join added as a
        on a.account_manager = m.account_manager and a.period = p.period
),

final as (
    select
        account_manager,
        period,
        target,
        added,
        {PACE_FIGURES},
        source,
        elapsed_working_days,
        working_days,
        case when target is not null
            then greatest(target - added, 0)
        end as remaining_needed,
        case when target is not null and remaining_working_days > 0
            then greatest(target - added, 0) / remaining_working_days
        end as needed_per_day
    from joined
)

"""
QUOTA_DETAIL_SQL = (
    QUOTA_ROWS_SQL + "select * from final order by account_manager, period"
)

# SPEC 4 "Team quota": the team's target is the sum of the targets of the AMs who
# have one; its added, expected, pace, projection and status count only those AMs'
# clients (the pace_status macro on the sums). The AMs without a target are counted
# apart (no_quota_managers, no_quota_added). When no AM has a target the team has
# none either (No quota) and added counts every AM's clients. Grain: one row per
# period.
TEAM_PACE_SQL = (
    QUOTA_ROWS_SQL
    + f""",

team as (
    select
        p.period,
        sum(f.target)::bigint as target,
        -- no AM with a target: the team has no quota, and added counts all AMs
        coalesce(
            case when count(f.target) > 0
                then sum(f.added) filter (where f.target is not null)
                else sum(f.added)
            end,
            0
        )::bigint as added,
        any_value(p.elapsed_working_days) as elapsed_working_days,
        any_value(p.working_days) as working_days,
        count(f.account_manager) filter (where f.target is not null) as managers,
        count(f.account_manager) filter (where f.target is null)
            as no_quota_managers,
        coalesce(sum(f.added) filter (where f.target is null), 0)::bigint
            as no_quota_added
    from periods as p
    left join final as f on f.period = p.period
    group by p.period
),

team_final as (
    select
        period,
        target,
        added,
        {PACE_FIGURES},
        managers,
        no_quota_managers,
        no_quota_added
    from team
)

select * from team_final order by period
"""
)


def _pace_params(
    as_of: dt.date, fiscal_start_month: int, account_manager: str | None
) -> dict:
    return {
        "as_of": as_of,
        "account_manager": account_manager,
        **_period_params("month", as_of, dates.month(as_of)),
        **_period_params("quarter", as_of, dates.quarter(as_of, fiscal_start_month)),
    }


def quota_detail(
    con: duckdb.DuckDBPyConnection,
    as_of: dt.date,
    fiscal_start_month: int = 1,
    account_manager: str | None = None,
) -> pd.DataFrame:
    """quota_pace plus where the target came from (file/manual), the working days
    elapsed and in the period, and what is still needed (in total and per day)."""
    params = _pace_params(as_of, fiscal_start_month, account_manager)
    return query(con, QUOTA_DETAIL_SQL, params)[DETAIL_COLUMNS]


def team_pace(
    con: duckdb.DuckDBPyConnection,
    as_of: dt.date,
    fiscal_start_month: int = 1,
    account_manager: str | None = None,
) -> pd.DataFrame:
    """The team's row per period (month, quarter) from the AMs with a target
    (TEAM_PACE_SQL), with the AMs without one counted apart."""
    params = _pace_params(as_of, fiscal_start_month, account_manager)
    return query(con, TEAM_PACE_SQL, params)  # month, then quarter


def quota_pace(
    con: duckdb.DuckDBPyConnection,
    as_of: dt.date,
    fiscal_start_month: int = 1,
    account_manager: str | None = None,
) -> pd.DataFrame:
    """The quota_pace export: per AM (A-Z) its month row then its quarter row."""
    detail = quota_detail(con, as_of, fiscal_start_month, account_manager)
    return detail[PACE_COLUMNS].reset_index(drop=True)


# SPEC 4 "Clients added", cumulated per working day for the pace chart, beside the
# target line (target x working days elapsed at that day / working days in the
# period). D itself is kept as a point when it falls on a weekend, so the line ends
# at the clients added by D.
# Grain: one row per account manager and working day of the period (and D).
CUMULATIVE_SQL = f"""
with
{MANAGERS_CTE},

{TARGETS_CTE},

calendar as (
    select
        day::date as day,
        isodow(day) <= 5 as is_working,
        sum(case when isodow(day) <= 5 then 1 else 0 end) over (order by day)
            as elapsed_working_days
    from range($period_start::date, $period_end::date + interval 1 day, interval 1 day)
        as t(day)
),

targets as (
    select account_manager, sum(clients_target)::bigint as target
    from monthly_targets
    where month between $period_start::date and $period_end::date
    group by all
),

daily as (
    select account_manager, day, sum(added)::bigint as added
    from rollup_client_days
    where is_in_period(day, $period_start::date, $as_of::date)
    group by all
),

running as (
    select
        m.account_manager,
        cal.day,
        cal.is_working,
        cal.elapsed_working_days,
        sum(coalesce(daily.added, 0)) over (
            partition by m.account_manager order by cal.day
        )::bigint as added_cumulative
    from managers as m
    cross join calendar as cal
    left join daily
        on daily.account_manager = m.account_manager and daily.day = cal.day
),

final as (
    select
        r.account_manager,
        r.day,
        case when r.day <= $as_of::date then r.added_cumulative end
            as added_cumulative,
        case when t.target > 0
            then expected_by(t.target, r.elapsed_working_days, $working_days)
        end as target_line
    from running as r
    left join targets as t on t.account_manager = r.account_manager
    where r.is_working or r.day = $as_of::date
)

select * from final
order by account_manager, day
"""


def cumulative_added(
    con: duckdb.DuckDBPyConnection,
    as_of: dt.date,
    period: str = "month",
    fiscal_start_month: int = 1,
    account_manager: str | None = None,
) -> pd.DataFrame:
    """Per AM and working day of the period: clients added so far (empty after D)
    and the target line, for the pace chart."""
    span = period_of(as_of, period, fiscal_start_month)
    params = {
        "as_of": as_of,
        "account_manager": account_manager,
        "period_start": span.start,
        "period_end": span.end,
        "working_days": dates.working_days(span.start, span.end),
    }
    return query(con, CUMULATIVE_SQL, params)


# SPEC 4 "Clients added": added_date within the period (up to D), credited to the
# partner's account manager. Clients of no known partner are listed without one.
# Grain: one row per client, newest first.
CLIENTS_ADDED_SQL = """
with
final as (
    select
        c.client_id,
        c.client_name,
        c.added_date,
        c.partner_id,
        p.partner_name,
        p.account_manager
    from stg_clients as c
    left join stg_partners as p on p.partner_id = c.partner_id
    where is_in_period(c.added_date, $period_start::date, $as_of::date)
        and ($account_manager is null or p.account_manager = $account_manager)
)

select * from final
order by added_date desc, client_id
limit $limit
"""


def clients_added(
    con: duckdb.DuckDBPyConnection,
    as_of: dt.date,
    period: str = "month",
    fiscal_start_month: int = 1,
    account_manager: str | None = None,
    limit: int | None = None,
) -> pd.DataFrame:
    """The clients added in the month (or quarter) up to D, newest first (`limit`:
    the first rows only; None: all)."""
    span = period_of(as_of, period, fiscal_start_month)
    params = {
        "as_of": as_of,
        "period_start": span.start,
        "account_manager": account_manager,
        "limit": limit,
    }
    return query(con, CLIENTS_ADDED_SQL, params)
