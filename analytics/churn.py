"""Weekly churn: clients churned per ISO week by league or account manager, the
opening balance of active clients, the churn rate, and the clients behind them."""

from __future__ import annotations

import datetime as dt

import duckdb
import pandas as pd

from analytics import dates, schema
from analytics.db import query

GROUPINGS = ("league", "account_manager")
DEFAULT_WEEKS = 26

# Weekly churn (SPEC 4): clients whose churned_date falls in the week (and <= D).
# Active at the start of a week: added_date before its Monday and (churned_date empty
# or on/after that Monday). Churn rate: churned / active at start, empty when 0.
# Both summed from rollup_client_days (analytics.rollups).
# A client's league is its partner's current league; the `(unknown partner)`'s
# clients count under No league and a blank account manager.
# One row per week and group (every group of stg_partners in every week, zeros
# included); `{by}` is one of GROUPINGS.
WEEKLY_CHURN_SQL = f"""
with weeks as (
    select unnest($weeks::date[]) as week_start
),

partners as (
    select
        partner_id,
        league_name(league) as league,
        {schema.league_rank_sql("league")} as league_rank,
        coalesce(account_manager, '') as account_manager,
        case when account_manager is null then 1 else 0 end as account_manager_rank
    from stg_partners
    where $account_manager is null or coalesce(account_manager, '') = $account_manager
),

groups as (
    select distinct {{by}} as group_key, {{by}}_rank as group_rank
    from partners
),

days as (
    -- the rollup_client_days rows of those partners: few however many clients
    select
        league_name(league) as league,
        coalesce(account_manager, '') as account_manager,
        day,
        added,
        churned,
        ended
    from rollup_client_days
    where $account_manager is null or coalesce(account_manager, '') = $account_manager
),

counts as (
    select
        w.week_start,
        d.{{by}} as group_key,
        sum(d.churned) filter (
            where is_in_period(d.day, w.week_start, least(w.week_start + 6, $as_of))
        ) as churned,
        -- active at the day before the Monday: added by then, not churned by then
        sum(d.added - d.ended) filter (where d.day <= w.week_start - 1)
            as active_at_start
    from weeks as w
    cross join days as d
    group by all
),

final as (
    select
        w.week_start,
        g.group_key as {{by}},
        coalesce(k.churned, 0)::bigint as churned,
        coalesce(k.active_at_start, 0)::bigint as active_at_start,
        coalesce(k.churned, 0) / nullif(k.active_at_start, 0) as churn_rate,
        g.group_rank
    from weeks as w
    cross join groups as g
    left join counts as k on k.week_start = w.week_start and k.group_key = g.group_key
)

select * from final
order by week_start, group_rank, {{by}}
"""


def week_starts(as_of: dt.date, weeks: int = DEFAULT_WEEKS) -> list[dt.date]:
    """The Mondays of the `weeks` ISO weeks ending with D's week, oldest first."""
    last = dates.week_start(as_of)
    return [last - dt.timedelta(weeks=n) for n in range(weeks - 1, -1, -1)]


def weekly_churn(
    con: duckdb.DuckDBPyConnection,
    as_of: dt.date,
    by: str = "league",
    weeks: int = DEFAULT_WEEKS,
    account_manager: str | None = None,
) -> pd.DataFrame:
    """Churned, active at start and churn rate per ISO week (oldest first) and
    group: `by="league"` (No league, the four, others A-Z; the `weekly_churn.csv`
    export) or `by="account_manager"` (A-Z, blank as '' last). `account_manager`
    keeps that manager's partners only ('' for the blank one)."""
    if by not in GROUPINGS:
        raise ValueError(f"by must be one of {GROUPINGS}, not {by!r}")
    frame = query(
        con,
        WEEKLY_CHURN_SQL.format(by=by),
        {
            "weeks": week_starts(as_of, weeks),
            "as_of": as_of,
            "account_manager": account_manager,
        },
    )
    return frame.drop(columns="group_rank")


def churn_totals(
    con: duckdb.DuckDBPyConnection,
    as_of: dt.date,
    weeks: int = DEFAULT_WEEKS,
    account_manager: str | None = None,
) -> pd.DataFrame:
    """Weekly churn over all partners: week_start, churned, active_at_start,
    churn_rate (the sums of the league rows; every client is in one league)."""
    by_league = weekly_churn(con, as_of, "league", weeks, account_manager)
    totals = (
        by_league.groupby("week_start", sort=False)[["churned", "active_at_start"]]
        .sum()
        .reindex(week_starts(as_of, weeks), fill_value=0)
        .rename_axis("week_start")
        .reset_index()
    )
    active = totals["active_at_start"].astype("float64")
    totals["churn_rate"] = (totals["churned"] / active).where(active > 0)
    return totals


def churned_clients(
    con: duckdb.DuckDBPyConnection,
    as_of: dt.date,
    week_start: dt.date | None = None,
    league: str | None = None,
    account_manager: str | None = None,
) -> pd.DataFrame:
    """Clients churned in the ISO week containing `week_start` (default D's week), up
    to D, with their partner and `partner_churn_count` (clients that partner lost
    that week; 2+ needs attention). Partners losing most come first. `league` is a
    league name or schema.NO_LEAGUE; `account_manager` exact ('' for blank)."""
    monday = dates.week_start(week_start or as_of)
    return query(
        con,
        """
        -- Weekly churn (SPEC 4): clients whose churned_date falls in the week
        -- (and <= D).
        -- one row per churned client
        with churned as (
            select
                *,
                count(*) over (partition by partner_id) as partner_churn_count
            from stg_clients
            where is_in_period(churned_date, $monday, least($monday + 6, $as_of))
        ),

        final as (
            select
                c.client_id,
                c.client_name,
                c.churned_date,
                c.added_date,
                c.partner_id,
                p.partner_name,
                p.league,
                p.account_manager,
                c.partner_churn_count
            from churned as c
            join stg_partners as p on p.partner_id = c.partner_id
            where ($league is null or league_name(p.league) = $league)
                and (
                    $account_manager is null
                    or coalesce(p.account_manager, '') = $account_manager
                )
        )

        select * from final
        order by partner_churn_count desc, partner_name, partner_id, churned_date,
            client_id
        """,
        {
            "monday": monday,
            "as_of": as_of,
            "league": league,
            "account_manager": account_manager,
        },
    )
