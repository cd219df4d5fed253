"""The partner report and the partner detail: one row per partner in league order,
and everything the detail page shows about one partner.

Every function reads the staging tables (analytics/sql/staging.sql) and returns plain
values: counts as integers, rates as fractions, dates as `datetime.date`.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import duckdb
import pandas as pd

from analytics import dates, schema
from analytics.db import query

REPORT_COLUMNS = [
    "league",
    "account_status",
    "partner_id",
    "partner_name",
    "account_manager",
    "clients_total",
    "clients_active",
    "clients_repurposed",
    "business_plan_aim",
    "plan_progress",
    "added_this_month",
    "churned_this_week",
    "days_since_touch",
    "has_notes_task",
]

HYGIENE_EXTRA = ["last_touch_date", "overdue_tasks"]

CLIENT_STATUSES = ("Repurposed", "Active", "Churned", "Not yet added")

# Partner report row (SPEC 4), one row per partner, `(unknown partner)` included:
# - clients_total: clients added by D (churned ones included);
# - active at D: added_date <= D and (churned_date is empty or churned_date > D);
# - repurposed at D: active at D and repurposed_date <= D;
# - added_this_month / churned_this_week: dates in D's month / ISO week, up to D;
# - plan progress: repurposed at D / business_plan_aim (empty when the aim is empty
#   or 0);
# - days since touch: D minus the latest touch dated <= D, empty when never touched;
# - has_notes_task: the partner has an open `Account Management Notes` task;
# - overdue_tasks (for activity.partner_hygiene): its open tasks, neither the notes
#   task nor a near-miss one, due before D.
# The client counts come from rollup_partner_clients and rollup_partner_days, the
# activity figures from rollup_partner_activity (analytics/rollups.py).
# Order: league (none, the four, others A-Z), status (the four, then all others and
# blank as one group), clients_total descending, partner name.
PARTNER_REPORT_SQL = f"""
with partners as (
    select *
    from stg_partners
    where ($account_manager is null or account_manager = $account_manager)
        and ($league is null or league_name(league) = $league)
        and ($account_status is null or coalesce(account_status, '') = $account_status)
        and (
            $search is null
            or contains(lower(partner_name), lower($search))
            or contains(lower(partner_id), lower($search))
        )
        and ($partner_id is null or partner_id = $partner_id)
),

recent_days as (
    -- the days from the month's or the week's start (both <= D) on
    select
        partner_id,
        sum(added) filter (where day > $as_of) as added_after,
        sum(added - ended) filter (where day > $as_of) as active_after,
        sum(added_repurposed - repurposed_ended) filter (where day > $as_of)
            as repurposed_after,
        sum(added) filter (
            where is_in_period(day, $month_start, $as_of)
        ) as added_this_month,
        sum(churned) filter (
            where is_in_period(day, $week_start, $as_of)
        ) as churned_this_week
    from rollup_partner_days
    where day >= least($month_start, $week_start)
    group by partner_id
),

client_counts as (
    -- counts up to D: over all days, less the days after D
    select
        t.partner_id,
        (t.added - coalesce(r.added_after, 0))::bigint as clients_total,
        (t.added - t.ended - coalesce(r.active_after, 0))::bigint as clients_active,
        (
            t.added_repurposed
            - t.repurposed_ended
            - coalesce(r.repurposed_after, 0)
        )::bigint as clients_repurposed,
        coalesce(r.added_this_month, 0)::bigint as added_this_month,
        coalesce(r.churned_this_week, 0)::bigint as churned_this_week
    from rollup_partner_clients as t
    left join recent_days as r on r.partner_id = t.partner_id
),

activities as (
    select
        partner_id,
        has_notes_task,
        list_filter(touch_dates, lambda day: day <= $as_of)[1] as last_touch_date,
        len(list_filter(open_task_dates, lambda due: is_due_before(due, $as_of)))
            as overdue_tasks
    from rollup_partner_activity
),

final as (
    select
        p.league,
        p.account_status,
        p.partner_id,
        p.partner_name,
        p.account_manager,
        coalesce(c.clients_total, 0) as clients_total,
        coalesce(c.clients_active, 0) as clients_active,
        coalesce(c.clients_repurposed, 0) as clients_repurposed,
        p.business_plan_aim,
        coalesce(c.clients_repurposed, 0) / nullif(p.business_plan_aim, 0)
            as plan_progress,
        coalesce(c.added_this_month, 0) as added_this_month,
        coalesce(c.churned_this_week, 0) as churned_this_week,
        $as_of - a.last_touch_date as days_since_touch,
        coalesce(a.has_notes_task, false) as has_notes_task,
        a.last_touch_date,
        coalesce(a.overdue_tasks, 0) as overdue_tasks
    from partners as p
    left join client_counts as c on c.partner_id = p.partner_id
    left join activities as a on a.partner_id = p.partner_id
)

select * from final
order by
    {schema.league_rank_sql("league")},
    league,
    {schema.status_rank_sql("account_status")},
    clients_total desc,
    partner_name,
    partner_id
"""


def partner_report(
    con: duckdb.DuckDBPyConnection,
    as_of: dt.date,
    *,
    account_manager: str | None = None,
    league: str | None = None,
    account_status: str | None = None,
    search: str | None = None,
    no_touch_days: int = schema.DEFAULT_NO_TOUCH_DAYS,
) -> pd.DataFrame:
    """One row per partner in report order (SPEC 4), columns REPORT_COLUMNS.

    Filters: `account_manager` exact; `league` a league name or schema.NO_LEAGUE for
    none; `account_status` exact ('' for blank); `search` a case-insensitive part of
    the partner's name or id. `no_touch_days` is the page's highlight threshold and
    does not change the rows.
    """
    return _report(
        con,
        as_of,
        account_manager=account_manager,
        league=league,
        account_status=account_status,
        search=search or None,
    )


def partner_rows(con: duckdb.DuckDBPyConnection, as_of: dt.date) -> pd.DataFrame:
    """Every partner's report row (REPORT_COLUMNS, report order) with its
    last_touch_date and overdue_tasks: what activity.partner_hygiene builds on."""
    return _report(con, as_of, columns=[*REPORT_COLUMNS, *HYGIENE_EXTRA])


def _report(
    con: duckdb.DuckDBPyConnection,
    as_of: dt.date,
    columns: list[str] = REPORT_COLUMNS,
    **filters: Any,
) -> pd.DataFrame:
    params = {
        "account_manager": None,
        "league": None,
        "account_status": None,
        "search": None,
        "partner_id": None,
        **filters,
        "as_of": as_of,
        "month_start": dates.month(as_of).start,
        "week_start": dates.week_start(as_of),
    }
    return query(con, PARTNER_REPORT_SQL, params)[columns]


def own_partner_id(con: duckdb.DuckDBPyConnection, partner_id: str) -> str | None:
    """The partner's own id for `partner_id` (an 18-character id finds the partner
    whose id is its first 15 characters: the partner_key macro); None when there is
    no such partner."""
    rows = query(
        con,
        """
        select partner_id
        from stg_partners
        where partner_id = $id
            or partner_key = partner_key($id)
        order by partner_id = $id desc
        limit 1
        """,
        {"id": partner_id},
    )
    return None if rows.empty else rows["partner_id"].iloc[0]


def _plain(value: Any) -> Any:
    """A frame cell as a plain Python value (None for empty)."""
    if value is None or (not isinstance(value, list | tuple) and pd.isna(value)):
        return None
    return value.item() if hasattr(value, "item") else value


def partner_info(
    con: duckdb.DuckDBPyConnection, partner_id: str, as_of: dt.date | None = None
) -> dict[str, Any] | None:
    """The partner's account information, or None when unknown. With `as_of`, also
    its report figures at that date and `is_ready` (at or above its plan aim)."""
    own_id = own_partner_id(con, partner_id)
    if own_id is None:
        return None
    if as_of is None:
        frame = query(
            con,
            """
            select partner_id, partner_name, account_manager, league, account_status,
                business_plan_aim, created_date
            from stg_partners
            where partner_id = $id
            """,
            {"id": own_id},
        )
        return {k: _plain(v) for k, v in frame.iloc[0].items()}
    row = _report(con, as_of, partner_id=own_id).iloc[0]
    info = {k: _plain(v) for k, v in row.items()}
    info["is_ready"] = info["plan_progress"] is not None and info["plan_progress"] >= 1
    return info


def partner_clients(
    con: duckdb.DuckDBPyConnection, partner_id: str, as_of: dt.date
) -> pd.DataFrame:
    """The partner's clients, newest first, with their status at D: Not yet added
    (added after D), Churned (churned by D), Repurposed (active, repurposed by D),
    else Active."""
    return query(
        con,
        """
        -- one row per client of the partner
        with clients as (
            select *
            from stg_clients
            where partner_id = $id
        ),

        final as (
            select
                client_id,
                client_name,
                added_date,
                repurposed_date,
                churned_date,
                monthly_value,
                case
                    when added_date > $as_of then 'Not yet added'
                    when not is_active_at(added_date, churned_date, $as_of)
                        then 'Churned'
                    when is_repurposed_at(
                        added_date, repurposed_date, churned_date, $as_of
                    ) then 'Repurposed'
                    else 'Active'
                end as status
            from clients
        )

        select * from final
        order by added_date desc, client_id
        """,
        {"id": own_partner_id(con, partner_id), "as_of": as_of},
    )


def partner_contacts(con: duckdb.DuckDBPyConnection, partner_id: str) -> pd.DataFrame:
    """The partner's contacts and their training status, by name."""
    return query(
        con,
        """
        select contact_id, contact_name, role, privilege, training_status,
            training_completed_date
        from stg_contacts
        where partner_id = $id
        order by contact_name, contact_id
        """,
        {"id": own_partner_id(con, partner_id)},
    )


def partner_activities(
    con: duckdb.DuckDBPyConnection, partner_id: str, as_of: dt.date | None = None
) -> pd.DataFrame:
    """The partner's activity timeline, newest first, with comments; with `as_of`,
    only activities dated on or before it."""
    return query(
        con,
        """
        select activity_id, activity_date, activity_type, subject, status,
            completed_date, account_manager, comments, is_touch, is_open_task,
            is_notes_task
        from stg_activities
        where partner_id = $id and ($as_of is null or activity_date <= $as_of)
        order by activity_date desc, coalesce(completed_date, activity_date) desc,
            activity_id
        """,
        {"id": own_partner_id(con, partner_id), "as_of": as_of},
    )


def partner_notes_task(
    con: duckdb.DuckDBPyConnection, partner_id: str
) -> dict[str, Any] | None:
    """The partner's open `Account Management Notes` task (the latest dated when
    there are several), or None when it has none."""
    frame = query(
        con,
        """
        select activity_id, subject, status, activity_date, account_manager, comments
        from stg_activities
        where partner_id = $id and is_notes_task
        order by activity_date desc, activity_id
        limit 1
        """,
        {"id": own_partner_id(con, partner_id)},
    )
    return None if frame.empty else {k: _plain(v) for k, v in frame.iloc[0].items()}


def account_managers(con: duckdb.DuckDBPyConnection) -> list[str]:
    """Every account manager owning a partner or named in quotas or activities, A-Z."""
    frame = query(
        con,
        """
        with named as (
            select account_manager from stg_partners
            union all
            select account_manager from stg_quotas
            union all
            select account_manager from stg_activities
        )

        select distinct trim(account_manager) as account_manager
        from named
        where nullif(trim(account_manager), '') is not null
        order by account_manager
        """,
    )
    return frame["account_manager"].tolist()


def leagues(con: duckdb.DuckDBPyConnection) -> list[str]:
    """The leagues partners are in, in report order; schema.NO_LEAGUE first when
    some partner has none."""
    frame = query(
        con,
        f"""
        select distinct
            league_name(league) as league,
            {schema.league_rank_sql("league")} as league_rank
        from stg_partners
        order by league_rank, league
        """,
    )
    return frame["league"].tolist()


def statuses(con: duckdb.DuckDBPyConnection) -> list[str]:
    """The non-blank account statuses partners have, in report order (the four,
    then others A-Z)."""
    frame = query(
        con,
        f"""
        select distinct
            account_status,
            {schema.status_rank_sql("account_status")} as status_rank
        from stg_partners
        where account_status is not null
        order by status_rank, account_status
        """,
    )
    return frame["account_status"].tolist()
