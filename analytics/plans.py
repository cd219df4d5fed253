"""Account planning: the quarter's 13-week cadence and stage, plan coverage of key
partners, plan usage per AM, goal vs amount, reviews due, and the stage checklist."""

from __future__ import annotations

import datetime as dt
import re

import duckdb
import pandas as pd

from analytics import dates
from analytics.db import query
from analytics.schema import KEY_LEAGUES, KEY_STATUS, league_rank_sql, status_rank_sql

STALE_PLAN_DAYS = 21
TREND_DAYS = 28
REVIEW_STATES = ("overdue", "due this week", "due this quarter")

# Plans that exist at D (created by D, or with no created date), owned by the plan's
# owner, else the partner's account manager.
PLANS_CTE = """
plans as (
    select
        x.*,
        coalesce(nullif(trim(x.account_manager), ''), p.account_manager)
            as plan_owner,
        p.partner_name,
        p.account_manager as partner_account_manager
    from stg_account_plans as x
    left join stg_partners as p on p.partner_id = x.partner_id
    where x.created_date is null or x.created_date <= $as_of::date
)"""

# Key partners: a key league, or the key account status.
KEY_PARTNERS_CTE = f"""
key_partners as (
    select
        p.partner_id,
        p.partner_name,
        p.account_manager,
        p.league,
        p.account_status,
        {league_rank_sql("p.league")} as league_rank,
        {status_rank_sql("p.account_status")} as status_rank,
        exists (
            select 1 from plans where plans.partner_id = p.partner_id
        ) as has_plan
    from stg_partners as p
    where p.partner_id <> ''
        and (list_contains($key_leagues, p.league) or p.account_status = $key_status)
)"""


def _run(con: duckdb.DuckDBPyConnection, sql: str, params: dict) -> pd.DataFrame:
    """query() binding only the parameters the SQL names (DuckDB rejects extras)."""
    named = set(re.findall(r"\$(\w+)", sql))
    return query(con, sql, {k: v for k, v in params.items() if k in named})


def _quarter_params(
    as_of: dt.date, fiscal_start_month: int, account_manager: str | None = None
) -> dict:
    span = dates.quarter(as_of, fiscal_start_month)
    return {
        "as_of": as_of,
        "quarter_start": span.start,
        "quarter_end": span.end,
        "account_manager": account_manager,
    }


def quarter_status(as_of: dt.date, fiscal_start_month: int = 1) -> dict:
    """Where D sits in the planning quarter: its dates, the planning week (1-13),
    the stage, and the weeks and days left."""
    span = dates.quarter(as_of, fiscal_start_month)
    week = dates.quarter_week(as_of, fiscal_start_month)
    number, name = dates.stage(as_of, fiscal_start_month)
    first, last = next((f, la) for n, _, f, la in dates.STAGES if n == number)
    return {
        "quarter_start": span.start,
        "quarter_end": span.end,
        "week": week,
        "stage": number,
        "stage_name": name,
        "stage_first_week": first,
        "stage_last_week": last,
        "weeks_left": dates.PLANNING_WEEKS - week,
        "days_left": (span.end - as_of).days,
    }


def coverage(
    con: duckdb.DuckDBPyConnection,
    as_of: dt.date,
    account_manager: str | None = None,
) -> pd.DataFrame:
    """Per AM: key partners, how many have an account plan, and the share."""
    # Plan coverage: key partners (league in the key leagues or status Key Account
    # Management) with at least one plan existing at D / key partners.
    # Grain: one row per account manager owning a partner, A-Z.
    sql = f"""
    with
    {PLANS_CTE},

    {KEY_PARTNERS_CTE},

    managers as (
        select distinct account_manager
        from stg_partners
        where account_manager is not null
            and ($account_manager is null or account_manager = $account_manager)
    ),

    final as (
        select
            m.account_manager,
            count(k.partner_id)::bigint as key_partners,
            count(k.partner_id) filter (where k.has_plan)::bigint as with_plan,
            count(k.partner_id) filter (where k.has_plan) * 1.0
                / nullif(count(k.partner_id), 0) as share
        from managers as m
        left join key_partners as k on k.account_manager = m.account_manager
        group by m.account_manager
        order by m.account_manager
    )

    select * from final
    """
    return _run(con, sql, _key_params(as_of, account_manager))


def _key_params(as_of: dt.date, account_manager: str | None) -> dict:
    return {
        "as_of": as_of,
        "account_manager": account_manager,
        "key_leagues": list(KEY_LEAGUES),
        "key_status": KEY_STATUS,
    }


def uncovered_key_partners(
    con: duckdb.DuckDBPyConnection,
    as_of: dt.date,
    account_manager: str | None = None,
) -> pd.DataFrame:
    """Key partners with no account plan at D, in partner report order."""
    # Grain: one row per key partner without a plan existing at D.
    sql = f"""
    with
    {PLANS_CTE},

    {KEY_PARTNERS_CTE},

    final as (
        select partner_id, partner_name, account_manager, league, account_status
        from key_partners
        where not has_plan
            and ($account_manager is null or account_manager = $account_manager)
        order by league_rank, league, status_rank, partner_name, partner_id
    )

    select * from final
    """
    return _run(con, sql, _key_params(as_of, account_manager))


def usage(
    con: duckdb.DuckDBPyConnection,
    as_of: dt.date,
    fiscal_start_month: int = 1,
    account_manager: str | None = None,
) -> pd.DataFrame:
    """Per AM: plans held at D, and plans created and updated this quarter (up to D)."""
    # Plan usage: created_date / last_updated within the quarter, up to D; a plan
    # belongs to its owner, else to its partner's AM. Grain: one row per AM owning a
    # partner or a plan, A-Z.
    sql = f"""
    with
    {PLANS_CTE},

    managers as (
        select distinct account_manager
        from (
            select account_manager from stg_partners
            union all
            select plan_owner from plans
        ) as named
        where account_manager is not null
            and ($account_manager is null or account_manager = $account_manager)
    ),

    final as (
        select
            m.account_manager,
            count(x.plan_id)::bigint as plans,
            count(x.plan_id) filter (
                where x.created_date between $quarter_start::date and $as_of::date
            )::bigint as created_this_quarter,
            count(x.plan_id) filter (
                where x.last_updated between $quarter_start::date and $as_of::date
            )::bigint as updated_this_quarter
        from managers as m
        left join plans as x on x.plan_owner = m.account_manager
        group by m.account_manager
        order by m.account_manager
    )

    select * from final
    """
    return _run(con, sql, _quarter_params(as_of, fiscal_start_month, account_manager))


def summary_by_week(
    con: duckdb.DuckDBPyConnection,
    as_of: dt.date,
    fiscal_start_month: int = 1,
    account_manager: str | None = None,
) -> pd.DataFrame:
    """Plans created and updated per ISO week of the quarter, up to D's week."""
    params = _quarter_params(as_of, fiscal_start_month, account_manager)
    params["first_week"] = dates.week_start(params["quarter_start"])
    params["last_week"] = dates.week_start(as_of)
    # Created / updated in a week: created_date / last_updated within the week and
    # within the quarter up to D. Grain: one row per week, oldest first, zeros kept.
    sql = f"""
    with
    {PLANS_CTE},

    weeks as (
        select unnest(generate_series(
            $first_week::date, $last_week::date, interval 7 day
        ))::date as week_start
    ),

    owned as (
        select *
        from plans
        where $account_manager is null or plan_owner = $account_manager
    ),

    created as (
        select date_trunc('week', created_date)::date as week_start, count(*) as n
        from owned
        where created_date between $quarter_start::date and $as_of::date
        group by all
    ),

    updated as (
        select date_trunc('week', last_updated)::date as week_start, count(*) as n
        from owned
        where last_updated between $quarter_start::date and $as_of::date
        group by all
    ),

    final as (
        select
            w.week_start,
            coalesce(c.n, 0)::bigint as created,
            coalesce(u.n, 0)::bigint as updated
        from weeks as w
        left join created as c on c.week_start = w.week_start
        left join updated as u on u.week_start = w.week_start
        order by w.week_start
    )

    select * from final
    """
    return _run(con, sql, params)


def goal_vs_amount(
    con: duckdb.DuckDBPyConnection,
    as_of: dt.date,
    fiscal_start_month: int = 1,
    account_manager: str | None = None,
) -> pd.DataFrame:
    """Per plan: current amount against revenue goal, and whether it keeps up with
    the share of the quarter already gone. Off-track plans first."""
    params = _quarter_params(as_of, fiscal_start_month, account_manager)
    params["elapsed_days"] = (as_of - params["quarter_start"]).days + 1
    params["quarter_days"] = (params["quarter_end"] - params["quarter_start"]).days + 1
    # Attainment = current_amount / revenue_goal (empty when the goal is empty or 0).
    # Elapsed share = days of the quarter up to and including D / days in the quarter.
    # On track when attainment >= elapsed share, compared as amount x quarter days >=
    # goal x elapsed days so the boundary is exact. Grain: one row per plan at D.
    sql = f"""
    with
    {PLANS_CTE},

    final as (
        select
            plan_id,
            partner_id,
            partner_name,
            plan_owner as account_manager,
            revenue_goal,
            current_amount,
            current_amount / nullif(revenue_goal, 0) as attainment,
            $elapsed_days / $quarter_days as elapsed_share,
            case when revenue_goal > 0 and current_amount is not null
                then current_amount * $quarter_days >= revenue_goal * $elapsed_days
            end as on_track,
            status
        from plans
        where $account_manager is null or plan_owner = $account_manager
        order by on_track nulls last, attainment, partner_name, plan_id
    )

    select * from final
    """
    return _run(con, sql, params)


def reviews(
    con: duckdb.DuckDBPyConnection,
    as_of: dt.date,
    fiscal_start_month: int = 1,
    account_manager: str | None = None,
) -> pd.DataFrame:
    """Plan reviews that are overdue, due this week or due later this quarter."""
    params = _quarter_params(as_of, fiscal_start_month, account_manager)
    params["week_end"] = dates.week(as_of).end
    # Reviews: next_review_date before D (overdue), in D's week from D on (due this
    # week), or later in this quarter (due this quarter). Grain: one row per plan.
    sql = f"""
    with
    {PLANS_CTE},

    final as (
        select
            plan_id,
            partner_id,
            partner_name,
            plan_owner as account_manager,
            next_review_date,
            case
                when next_review_date < $as_of::date then 'overdue'
                when next_review_date <= $week_end::date then 'due this week'
                else 'due this quarter'
            end as state
        from plans
        where next_review_date <= $quarter_end::date
            and ($account_manager is null or plan_owner = $account_manager)
        order by next_review_date, partner_name, plan_id
    )

    select * from final
    """
    return _run(con, sql, params)


def partner_plan(con: duckdb.DuckDBPyConnection, partner_id: str) -> pd.DataFrame:
    """Every account plan of one partner, newest first."""
    # Grain: one row per plan of the partner.
    sql = """
    with
    final as (
        select *
        from stg_account_plans
        where partner_id = $partner_id
        order by created_date desc nulls last, plan_id
    )

    select * from final
    """
    return _run(con, sql, {"partner_id": partner_id})


# --- the stage checklist ------------------------------------------------------


def _item(
    stage: int,
    key: str,
    count: int | None = None,
    detail: pd.DataFrame | None = None,
    **figures: float | int,
) -> dict:
    """One checklist item: `key` names the check (the page words it), `count` the
    rows to look at, `figures` the other numbers its sentence needs."""
    return {
        "stage": stage,
        "key": key,
        "count": count,
        "detail": detail,
        "figures": figures,
    }


def _check_plans_touched(
    con: duckdb.DuckDBPyConnection,
    as_of: dt.date,
    fiscal_start_month: int,
    am: str | None,
) -> dict:
    table = usage(con, as_of, fiscal_start_month, am)
    idle = table[(table.created_this_quarter == 0) & (table.updated_this_quarter == 0)]
    idle = idle.reset_index(drop=True)
    return _item(1, "plans_touched", len(idle), idle, managers=len(table))


def _check_stale_plans(
    con: duckdb.DuckDBPyConnection, as_of: dt.date, am: str | None
) -> dict:
    # Stale plan: last_updated empty or more than 21 days before D.
    # Grain: one row per plan existing at D.
    sql = f"""
    with
    {PLANS_CTE},

    final as (
        select
            plan_id,
            partner_name,
            plan_owner as account_manager,
            last_updated,
            $as_of::date - last_updated as days_since_update
        from plans
        where (last_updated is null or $as_of::date - last_updated > $stale_days)
            and ($account_manager is null or plan_owner = $account_manager)
        order by last_updated nulls first, partner_name, plan_id
    )

    select * from final
    """
    params = {"as_of": as_of, "account_manager": am, "stale_days": STALE_PLAN_DAYS}
    stale = _run(con, sql, params)
    return _item(2, "stale_plans", len(stale), stale, days=STALE_PLAN_DAYS)


def _check_trends(
    con: duckdb.DuckDBPyConnection, as_of: dt.date, am: str | None
) -> dict:
    recent_start = as_of - dt.timedelta(days=TREND_DAYS - 1)
    prior_start = recent_start - dt.timedelta(days=TREND_DAYS)
    # Trend headline per AM: clients repurposed / churned in the last 28 days up to D
    # against the 28 days before. Falling: fewer repurposed or more churned.
    # Grain: one row per AM owning a partner.
    sql = """
    with
    clients as (
        select p.account_manager, c.repurposed_date, c.churned_date
        from stg_clients as c
        inner join stg_partners as p on p.partner_id = c.partner_id
        where p.account_manager is not null
            and ($account_manager is null or p.account_manager = $account_manager)
    ),

    managers as (
        select distinct account_manager
        from stg_partners
        where account_manager is not null
            and ($account_manager is null or account_manager = $account_manager)
    ),

    counts as (
        select
            account_manager,
            count(*) filter (where repurposed_date between $recent_start and $as_of)
                as repurposed_recent,
            count(*) filter (where repurposed_date between $prior_start and $prior_end)
                as repurposed_before,
            count(*) filter (where churned_date between $recent_start and $as_of)
                as churned_recent,
            count(*) filter (where churned_date between $prior_start and $prior_end)
                as churned_before
        from clients
        group by account_manager
    ),

    final as (
        select
            m.account_manager,
            coalesce(k.repurposed_recent, 0)::bigint as repurposed_last_28_days,
            coalesce(k.repurposed_before, 0)::bigint as repurposed_previous_28_days,
            coalesce(k.churned_recent, 0)::bigint as churned_last_28_days,
            coalesce(k.churned_before, 0)::bigint as churned_previous_28_days,
            coalesce(k.repurposed_recent, 0) < coalesce(k.repurposed_before, 0)
                or coalesce(k.churned_recent, 0) > coalesce(k.churned_before, 0)
                as falling
        from managers as m
        left join counts as k on k.account_manager = m.account_manager
        order by m.account_manager
    )

    select * from final
    """
    params = {
        "as_of": as_of,
        "account_manager": am,
        "recent_start": recent_start,
        "prior_start": prior_start,
        "prior_end": recent_start - dt.timedelta(days=1),
    }
    trends = _run(con, sql, params)
    falling = int(trends["falling"].sum())
    return _item(3, "trends", falling, trends, managers=len(trends), days=TREND_DAYS)


def _check_key_partners(
    con: duckdb.DuckDBPyConnection, as_of: dt.date, am: str | None
) -> dict:
    uncovered = uncovered_key_partners(con, as_of, am)
    return _item(4, "key_partners", len(uncovered), uncovered)


def _check_off_track(
    con: duckdb.DuckDBPyConnection,
    as_of: dt.date,
    fiscal_start_month: int,
    am: str | None,
) -> dict:
    plans = goal_vs_amount(con, as_of, fiscal_start_month, am)
    off = plans[plans["on_track"].eq(False).fillna(False)].reset_index(drop=True)
    return _item(5, "off_track", len(off), off, plans=len(plans))


def _check_current_amounts(
    con: duckdb.DuckDBPyConnection,
    as_of: dt.date,
    stage: int,
    fiscal_start_month: int,
    am: str | None,
) -> dict:
    """The plans' current amounts summed against their goals: what the plans hold
    today, not a forecast of the quarter's end."""
    plans = goal_vs_amount(con, as_of, fiscal_start_month, am)
    totals = (
        plans.groupby("account_manager", dropna=False)[
            ["revenue_goal", "current_amount"]
        ]
        .sum()
        .reset_index()
    )
    return _item(
        stage,
        "current_amounts",
        None,
        totals,
        current_amount_total=float(plans["current_amount"].sum()),
        revenue_goal_total=float(plans["revenue_goal"].sum()),
    )


def _check_overdue_reviews(
    con: duckdb.DuckDBPyConnection,
    as_of: dt.date,
    stage: int,
    fiscal_start_month: int,
    am: str | None,
) -> dict:
    due = reviews(con, as_of, fiscal_start_month, am)
    overdue = due[due["state"] == "overdue"].reset_index(drop=True)
    return _item(stage, "overdue_reviews", len(overdue), overdue)


def checklist(
    con: duckdb.DuckDBPyConnection,
    as_of: dt.date,
    fiscal_start_month: int = 1,
    account_manager: str | None = None,
) -> list[dict]:
    """What this week's planning stage asks of a manager, each item with a live
    check: {stage, key, count, detail, figures} (the page words each key)."""
    number, _ = dates.stage(as_of, fiscal_start_month)
    am = account_manager
    if number == 1:
        return [_check_plans_touched(con, as_of, fiscal_start_month, am)]
    if number == 2:
        return [_check_stale_plans(con, as_of, am)]
    if number == 3:
        return [_check_trends(con, as_of, am)]
    if number == 4:
        return [_check_key_partners(con, as_of, am)]
    if number == 5:
        return [_check_off_track(con, as_of, fiscal_start_month, am)]
    return [
        _check_current_amounts(con, as_of, number, fiscal_start_month, am),
        _check_overdue_reviews(con, as_of, number, fiscal_start_month, am),
    ]


# --- added for the Account plans page (pages/plans.py) -----------------


def planning_weeks(as_of: dt.date, fiscal_start_month: int = 1) -> pd.DataFrame:
    """The 13 planning weeks of D's quarter, one row per week: its dates (the first
    and last cut at the quarter's ends; week 13 runs to the quarter's end), its
    stage, and whether D falls in it."""
    span = dates.quarter(as_of, fiscal_start_month)
    first_monday = dates.week_start(span.start)
    current = dates.quarter_week(as_of, fiscal_start_month)
    rows = []
    for number, name, first, last in dates.STAGES:
        for week in range(first, last + 1):
            start = first_monday + dt.timedelta(weeks=week - 1)
            end = start + dt.timedelta(days=6)
            rows.append(
                {
                    "week": week,
                    "week_start": max(start, span.start),
                    "week_end": span.end if week == dates.PLANNING_WEEKS else end,
                    "stage": number,
                    "stage_name": name,
                    "is_current": week == current,
                }
            )
    return pd.DataFrame(rows)
