"""Repurposing: rates by league, AM and partner, monthly cohorts at 30/60/90 days,
weekly velocity, time to repurpose, and progress towards business plan aims."""

from __future__ import annotations

import datetime as dt

import duckdb
import pandas as pd

from analytics import dates
from analytics.db import query
from analytics.schema import league_rank_sql, status_rank_sql

WINDOWS = (30, 60, 90)

# Group columns for each `by`; rows come in report order: leagues with No league
# first, the four, others A-Z; AMs A-Z (clients of no known partner last); partners
# by league, status, size, name.
GROUPS = {
    "league": ("league",),
    "account_manager": ("account_manager",),
    "partner": ("partner_id", "partner_name", "account_manager", "league"),
}


def _ranked(by: str) -> str:
    """SQL: whether a group may rank in a "best" or "quickest" figure (SPEC 4): not
    the blank account manager, not the `(unknown partner)`."""
    if by == "account_manager":
        return "p.account_manager is not null"
    if by == "partner":
        return "p.partner_id <> ''"
    return "true"


def _order(by: str, size: str) -> str:
    """ORDER BY for a grouped query; `size` is the count partners are ranked by
    within their league and status (partner report order)."""
    if by == "league":
        return "min(league_rank), league"
    if by == "account_manager":
        return "account_manager is null, account_manager"
    return (
        f"min(league_rank), league, min(status_rank), {size} desc,"
        " partner_name, partner_id"
    )


# One row per partner (the unknown pseudo-partner included), league labelled,
# with its report-order ranks; only the AM's partners when one is given.
PARTNERS_CTE = f"""
partners as (
    select
        p.partner_id,
        p.partner_name,
        p.account_manager,
        league_name(p.league) as league,
        {league_rank_sql("p.league")} as league_rank,
        {status_rank_sql("p.account_status")} as status_rank
    from stg_partners as p
    where $account_manager is null or p.account_manager = $account_manager
)"""


def _params(as_of: dt.date, account_manager: str | None, **more: object) -> dict:
    return {
        "as_of": as_of,
        "account_manager": account_manager,
        **more,
    }


def _group_columns(by: str) -> tuple[str, ...]:
    if by not in GROUPS:
        raise ValueError(f"by must be one of {tuple(GROUPS)}, not {by!r}")
    return GROUPS[by]


def rates(
    con: duckdb.DuckDBPyConnection,
    as_of: dt.date,
    by: str = "league",
    account_manager: str | None = None,
) -> pd.DataFrame:
    """Repurposing rate per league, AM or partner: clients ever repurposed by D
    over clients added by D (churned clients included in both); `ranked` is false
    for the blank AM and the `(unknown partner)`, which never rank as best."""
    columns = ", ".join(f"p.{column}" for column in _group_columns(by))
    if by != "partner":
        return _group_rates(con, as_of, by, account_manager)
    # SPEC 4 "Repurposing rate": clients ever repurposed by D (churned later
    # included) / clients added by D.
    # Grain: one row per partner, partners with no clients kept.
    sql = f"""
    with
    {PARTNERS_CTE},

    clients as (
        select
            partner_id,
            count(*) as clients_added,
            count(*) filter (
                where is_ever_repurposed_at(repurposed_date, $as_of::date)
            ) as ever_repurposed
        from stg_clients
        where added_date <= $as_of::date
        group by partner_id
    ),

    final as (
        select
            {columns},
            sum(coalesce(c.clients_added, 0))::bigint as clients_added,
            sum(coalesce(c.ever_repurposed, 0))::bigint as ever_repurposed,
            sum(coalesce(c.ever_repurposed, 0)) * 1.0
                / nullif(sum(coalesce(c.clients_added, 0)), 0) as rate,
            {_ranked(by)} as ranked
        from partners as p
        left join clients as c on c.partner_id = p.partner_id
        group by {columns}
        order by {_order(by, "clients_added")}
    )

    select * from final
    """
    return query(con, sql, _params(as_of, account_manager))


def _group_rates(
    con: duckdb.DuckDBPyConnection,
    as_of: dt.date,
    by: str,
    account_manager: str | None,
) -> pd.DataFrame:
    """`rates` per league or AM, summed from rollup_client_days: clients added by
    D, and of them those repurposed by D (added_repurposed)."""
    (column,) = _group_columns(by)
    order = (
        "p.league_rank, p.league"
        if by == "league"
        else "p.account_manager is null, p.account_manager"
    )
    # Grain: one row per group of the partners, groups with no clients kept.
    sql = f"""
    with
    {PARTNERS_CTE},

    groups as (
        select {column}, min(league_rank) as league_rank
        from partners
        group by {column}
    ),

    clients as (
        select
            league_name(league) as league,
            account_manager,
            added,
            added_repurposed
        from rollup_client_days
        where day <= $as_of::date
            and ($account_manager is null or account_manager = $account_manager)
    ),

    sums as (
        select
            {column},
            sum(added) as clients_added,
            sum(added_repurposed) as ever_repurposed
        from clients
        group by {column}
    ),

    final as (
        select
            p.{column},
            coalesce(c.clients_added, 0)::bigint as clients_added,
            coalesce(c.ever_repurposed, 0)::bigint as ever_repurposed,
            coalesce(c.ever_repurposed, 0) * 1.0
                / nullif(coalesce(c.clients_added, 0), 0) as rate,
            {_ranked(by)} as ranked
        from groups as p
        left join sums as c on c.{column} is not distinct from p.{column}
        order by {order}
    )

    select * from final
    """
    return query(con, sql, _params(as_of, account_manager))
    return query(con, sql, _params(as_of, account_manager))


def cohorts(
    con: duckdb.DuckDBPyConnection,
    as_of: dt.date,
    account_manager: str | None = None,
    partner_id: str | None = None,
) -> pd.DataFrame:
    """One row per month of clients added: the share repurposed within 30, 60 and
    90 days among the clients already that old; `partner_id` for one partner's."""
    window_columns = ",\n".join(
        f"count(*) filter (where age >= {w}) as eligible_{w},\n"
        f"count(*) filter (where age >= {w}"
        " and is_ever_repurposed_at(repurposed_date, $as_of::date)"
        f" and days_to_repurpose <= {w}) as repurposed_{w}"
        for w in WINDOWS
    )
    final_columns = ",\n".join(
        f"coalesce(k.eligible_{w}, 0)::bigint as eligible_{w},\n"
        f"coalesce(k.repurposed_{w}, 0)::bigint as repurposed_{w},\n"
        f"k.repurposed_{w} * 1.0 / nullif(k.eligible_{w}, 0) as rate_{w}"
        for w in WINDOWS
    )
    # SPEC 4 "Repurposing cohorts": one row per month from the first month with a
    # client added up to D's month, empty months as zeros. A client is eligible for
    # window W once D - added_date >= W days, and repurposed within W when
    # repurposed_date - added_date <= W days (even if it churned later). Rate =
    # repurposed / eligible, empty when none is eligible. Clients added after D are
    # ignored. Grain: one row per month of added_date.
    sql = f"""
    with
    {PARTNERS_CTE},

    clients as (
        select
            date_trunc('month', c.added_date)::date as cohort_start,
            $as_of::date - c.added_date as age,
            c.repurposed_date,
            c.repurposed_date - c.added_date as days_to_repurpose
        from stg_clients as c
        inner join partners as p on p.partner_id = c.partner_id
        where c.added_date <= $as_of::date
            and ($partner_id is null or c.partner_id = $partner_id)
    ),

    months as (
        select unnest(generate_series(
            min(cohort_start), date_trunc('month', $as_of::date), interval 1 month
        ))::date as cohort_start
        from clients
        having count(*) > 0
    ),

    counts as (
        select
            cohort_start,
            count(*) as clients_added,
            {window_columns}
        from clients
        group by cohort_start
    ),

    final as (
        select
            strftime(m.cohort_start, '%Y-%m') as cohort_month,
            coalesce(k.clients_added, 0)::bigint as clients_added,
            {final_columns}
        from months as m
        left join counts as k on k.cohort_start = m.cohort_start
        order by m.cohort_start
    )

    select * from final
    """
    return query(con, sql, _params(as_of, account_manager, partner_id=partner_id))


def weekly_velocity(
    con: duckdb.DuckDBPyConnection,
    as_of: dt.date,
    weeks: int = 26,
    account_manager: str | None = None,
) -> pd.DataFrame:
    """Clients repurposed per ISO week, the `weeks` weeks ending with D's week."""
    last_week = dates.week_start(as_of)
    first_week = last_week - dt.timedelta(weeks=weeks - 1)
    # Repurposed in a week: repurposed_date within the week (Monday-Sunday) and <= D,
    # summed from rollup_client_days. Grain: one row per week, oldest first, zeros
    # included.
    sql = """
    with
    weeks as (
        select unnest(generate_series(
            $first_week::date, $last_week::date, interval 7 day
        ))::date as week_start
    ),

    repurposed as (
        select date_trunc('week', day)::date as week_start, sum(repurposed) as n
        from rollup_client_days
        where is_in_period(day, $first_week::date, $as_of::date)
            and ($account_manager is null or account_manager = $account_manager)
        group by all
    ),

    final as (
        select w.week_start, coalesce(r.n, 0)::bigint as repurposed_in_week
        from weeks as w
        left join repurposed as r on r.week_start = w.week_start
        order by w.week_start
    )

    select * from final
    """
    params = {
        "as_of": as_of,
        "account_manager": account_manager,
        "first_week": first_week,
        "last_week": last_week,
    }
    return query(con, sql, params)


def time_to_repurpose(
    con: duckdb.DuckDBPyConnection,
    as_of: dt.date,
    by: str | None = None,
    account_manager: str | None = None,
) -> pd.DataFrame:
    """One row per client repurposed by D (churned later or not): days from added to
    repurposed, with the group columns of `by` (league, account_manager, partner)."""
    group = _group_columns(by) if by else ()
    group_select = "".join(f"p.{column}, " for column in group)
    # Time to repurpose: repurposed_date - added_date in days, clients with
    # repurposed_date <= D. Grain: one row per client.
    sql = f"""
    with
    {PARTNERS_CTE},

    final as (
        select
            c.client_id,
            c.client_name,
            {group_select}
            c.added_date,
            c.repurposed_date,
            c.repurposed_date - c.added_date as days
        from stg_clients as c
        inner join partners as p on p.partner_id = c.partner_id
        where is_ever_repurposed_at(c.repurposed_date, $as_of::date)
        order by p.league_rank, p.league, p.account_manager, days, c.client_id
    )

    select * from final
    """
    return query(con, sql, _params(as_of, account_manager))


def median_days(
    con: duckdb.DuckDBPyConnection,
    as_of: dt.date,
    by: str = "league",
    account_manager: str | None = None,
) -> pd.DataFrame:
    """Per group: clients ever repurposed by D and the median days from added to
    repurposed (empty when none); `ranked` as in `rates`."""
    columns = ", ".join(f"p.{column}" for column in _group_columns(by))
    # Median of repurposed_date - added_date over clients repurposed by D.
    # Grain: one row per group, groups with none repurposed kept (median empty).
    sql = f"""
    with
    {PARTNERS_CTE},

    repurposed as (
        select partner_id, repurposed_date - added_date as days
        from stg_clients
        where is_ever_repurposed_at(repurposed_date, $as_of::date)
    ),

    final as (
        select
            {columns},
            count(r.days)::bigint as ever_repurposed,
            median(r.days) as median_days,
            {_ranked(by)} as ranked
        from partners as p
        left join repurposed as r on r.partner_id = p.partner_id
        group by {columns}
        order by {_order(by, "ever_repurposed")}
    )

    select * from final
    """
    return query(con, sql, _params(as_of, account_manager))


def plan_progress(
    con: duckdb.DuckDBPyConnection,
    as_of: dt.date,
    account_manager: str | None = None,
) -> pd.DataFrame:
    """Partners with a business plan aim: repurposed at D against the aim, ready
    partners first, then the closest to their aim."""
    # SPEC 4 "Plan progress": repurposed at D / business_plan_aim (empty when the aim
    # is empty or 0). A partner at or above its aim is ready for the next stage.
    # Repurposed at D: added_date <= D, not churned by D, repurposed_date <= D.
    # Grain: one row per partner with an aim > 0.
    sql = f"""
    with
    {PARTNERS_CTE},

    repurposed as (
        select partner_id, count(*) as repurposed
        from stg_clients
        where is_repurposed_at(
            added_date, repurposed_date, churned_date, $as_of::date
        )
        group by partner_id
    ),

    final as (
        select
            p.partner_id,
            p.partner_name,
            p.account_manager,
            p.league,
            s.business_plan_aim,
            coalesce(r.repurposed, 0)::bigint as clients_repurposed,
            coalesce(r.repurposed, 0) / s.business_plan_aim as plan_progress,
            greatest(s.business_plan_aim - coalesce(r.repurposed, 0), 0)::bigint
                as to_go,
            coalesce(r.repurposed, 0) >= s.business_plan_aim as ready
        from partners as p
        inner join stg_partners as s on s.partner_id = p.partner_id
        left join repurposed as r on r.partner_id = p.partner_id
        where s.business_plan_aim > 0
        order by ready desc, to_go, plan_progress desc, p.partner_name, p.partner_id
    )

    select * from final
    """
    return query(con, sql, _params(as_of, account_manager))


def days_distribution(
    con: duckdb.DuckDBPyConnection,
    as_of: dt.date,
    bin_days: int = 7,
    account_manager: str | None = None,
) -> pd.DataFrame:
    """Clients repurposed by D counted by days from added to repurposed, in bins of
    `bin_days` (the histogram's bars, small however many clients)."""
    # Time to repurpose: repurposed_date - added_date in days, over the clients with
    # repurposed_date <= D (churned later or not), counted per bin
    # [days_from, days_to]. Grain: one row per bin holding clients, shortest first.
    sql = f"""
    with
    {PARTNERS_CTE},

    repurposed as (
        select c.repurposed_date - c.added_date as days
        from stg_clients as c
        inner join partners as p on p.partner_id = c.partner_id
        where is_ever_repurposed_at(c.repurposed_date, $as_of::date)
    ),

    final as (
        select
            (days // $bin_days) * $bin_days as days_from,
            (days // $bin_days) * $bin_days + $bin_days - 1 as days_to,
            count(*) as clients
        from repurposed
        group by all
        order by days_from
    )

    select * from final
    """
    return query(con, sql, _params(as_of, account_manager, bin_days=bin_days))
