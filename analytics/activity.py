"""Activity and Salesforce hygiene: touches, open and overdue tasks, the Account
Management Notes task, partners needing attention, activity by week, the calendar
and the per-league touch cadence."""

from __future__ import annotations

import datetime as dt

import duckdb
import pandas as pd

from analytics import churn, partners, schema
from analytics.db import query

HYGIENE_COLUMNS = [
    "partner_id",
    "partner_name",
    "account_manager",
    "league",
    "account_status",
    "last_touch_date",
    "days_since_touch",
    "has_notes_task",
    "overdue_tasks",
    "churned_this_week",
    "reasons",
]
ATTENTION_COLUMNS = ["partner_id", "partner_name", "account_manager", "reasons"]
CHURN_ALERT_CLIENTS = 2  # 2+ clients churned this week needs attention
# What a near-miss notes task needs (SPEC 4), by case.
NOTES_FIXES = {
    "rename": f"rename to {schema.NOTES_SUBJECT}",
    "reopen": "reopen",
    "reopen_and_rename": f"reopen and rename to {schema.NOTES_SUBJECT}",
}


def partner_hygiene(
    con: duckdb.DuckDBPyConnection,
    as_of: dt.date,
    no_touch_days: int = schema.DEFAULT_NO_TOUCH_DAYS,
) -> pd.DataFrame:
    """One row per partner (the `(unknown partner)` included) in partner report
    order, with its last touch, notes task, overdue tasks, churn this week and the
    reasons it needs attention, '; '-joined in SPEC order ('' when none)."""
    frame = partners.partner_rows(con, as_of)
    frame["reasons"] = attention_reasons(frame, no_touch_days)
    return frame[HYGIENE_COLUMNS]


def attention_reasons(
    frame: pd.DataFrame, no_touch_days: int = schema.DEFAULT_NO_TOUCH_DAYS
) -> pd.Series:
    """Needs attention (SPEC 4), '; '-joined in this order: no touch for
    `no_touch_days`+ days or never, no notes task, an overdue task, 2+ clients
    churned this week ('' when none). Vectorised: 20k partners in milliseconds."""
    days = frame["days_since_touch"]
    checks = {
        f"no touch in {no_touch_days}+ days": days.isna() | (days >= no_touch_days),
        "no notes task": ~frame["has_notes_task"].astype(bool),
        "overdue task": frame["overdue_tasks"] > 0,
        "churn this week": frame["churned_this_week"] >= CHURN_ALERT_CLIENTS,
    }
    reasons = pd.Series("", index=frame.index, dtype=object)
    for label, hit in checks.items():
        joined = reasons.where(reasons == "", reasons + "; ") + label
        reasons = joined.where(hit.fillna(False).astype(bool), reasons)
    return reasons


def attention(
    con: duckdb.DuckDBPyConnection,
    as_of: dt.date,
    no_touch_days: int = schema.DEFAULT_NO_TOUCH_DAYS,
    account_manager: str | None = None,
) -> pd.DataFrame:
    """The partners needing attention (at least one reason), in partner report
    order: the `attention.csv` export. The `(unknown partner)` pseudo-partner is left
    out: it has no account manager to act on it."""
    frame = partner_hygiene(con, as_of, no_touch_days)
    keep = (frame["reasons"] != "") & (frame["partner_id"] != "")
    if account_manager is not None:
        keep &= frame["account_manager"] == account_manager
    return frame.loc[keep, ATTENTION_COLUMNS].reset_index(drop=True)


def activity_by_week(
    con: duckdb.DuckDBPyConnection,
    as_of: dt.date,
    weeks: int = 26,
    account_manager: str | None = None,
) -> pd.DataFrame:
    """Activities counted in the ISO week of their activity_date (up to D), one row
    per week, account manager (the activity's) and activity type seen in the
    window, zeros included; a week with no activity at all still has one row
    (empty manager and type, count 0). Summed from rollup_activity_days."""
    mondays = churn.week_starts(as_of, weeks)
    return query(
        con,
        """
        -- one row per week, account manager and activity type
        with weeks as (
            select unnest($weeks::date[]) as week_start
        ),

        activities as (
            select
                date_trunc('week', day)::date as week_start,
                account_manager,
                activity_type,
                activities
            from rollup_activity_days
            where day between $first_monday and $as_of
                and ($account_manager is null or account_manager = $account_manager)
        ),

        groups as (
            select distinct account_manager, activity_type from activities
        ),

        counts as (
            select
                week_start,
                account_manager,
                activity_type,
                sum(activities)::bigint as count
            from activities
            group by all
        ),

        final as (
            select
                w.week_start,
                g.account_manager,
                g.activity_type,
                coalesce(c.count, 0) as count
            from weeks as w
            left join groups as g on true
            left join counts as c
                on c.week_start = w.week_start
                and c.account_manager is not distinct from g.account_manager
                and c.activity_type = g.activity_type
        )

        select * from final
        order by week_start, account_manager, activity_type
        """,
        {
            "weeks": mondays,
            "first_monday": mondays[0],
            "as_of": as_of,
            "account_manager": account_manager,
        },
    )


OPEN_TASKS_SQL = """
-- Open task (SPEC 4): a task whose status is not Completed. Overdue task: an
-- open task other than the notes task (or a near-miss one) with
-- activity_date < D (the overdue_at macro on the staged flags).
-- one row per open task
with tasks as (
    select
        *,
        overdue_at(
            is_open_task,
            is_notes_task,
            is_near_miss_notes_task,
            activity_date,
            $as_of
        ) as is_overdue
    from stg_activities
    where is_open_task
        and ($account_manager is null or account_manager = $account_manager)
),

final as (
    select
        t.account_manager,
        t.partner_id,
        p.partner_name,
        t.activity_id,
        t.subject,
        t.activity_date,
        case when t.is_overdue then $as_of - t.activity_date else 0 end
            as days_overdue,
        t.is_overdue,
        t.is_notes_task,
        t.is_near_miss_notes_task
    from tasks as t
    left join stg_partners as p on p.partner_id = t.partner_id
)
"""


def open_tasks(
    con: duckdb.DuckDBPyConnection,
    as_of: dt.date,
    account_manager: str | None = None,
    overdue_only: bool = False,
    without_notes_tasks: bool = False,
    limit: int | None = None,
) -> pd.DataFrame:
    """Open tasks (status not Completed), oldest due first, with days_overdue (D
    minus the due date for an overdue task: an open task other than the notes task
    or a near-miss one, due before D; else 0). `account_manager` is the task's
    assignee. `without_notes_tasks`: leave out the notes tasks and the near-miss
    ones; `limit`: the first rows only (None: all)."""
    return query(
        con,
        OPEN_TASKS_SQL
        + """
        select * from final
        where (not $overdue_only or is_overdue)
            and not ($without_notes_tasks
                and (is_notes_task or is_near_miss_notes_task))
        order by activity_date, account_manager, partner_name, activity_id
        limit $limit
        """,
        {
            "as_of": as_of,
            "account_manager": account_manager,
            "overdue_only": overdue_only,
            "without_notes_tasks": without_notes_tasks,
            "limit": limit,
        },
    )


def open_task_counts(
    con: duckdb.DuckDBPyConnection, as_of: dt.date, account_manager: str | None = None
) -> dict[str, int]:
    """How many open tasks there are besides the notes tasks and the near-miss ones
    (`open`), and how many of them are overdue (`overdue`): `open_tasks` counted."""
    frame = query(
        con,
        OPEN_TASKS_SQL
        + """
        select count(*) as open, count(*) filter (where is_overdue) as overdue
        from final
        where not (is_notes_task or is_near_miss_notes_task)
        """,
        {"as_of": as_of, "account_manager": account_manager},
    )
    return {name: int(frame[name].iloc[0]) for name in ("open", "overdue")}


def notes_task_fixes(
    con: duckdb.DuckDBPyConnection, account_manager: str | None = None
) -> pd.DataFrame:
    """Near-miss notes tasks (SPEC 4), each with its fix: an open task whose subject
    differs from the notes subject only by case, spacing, punctuation or
    abbreviation is to be renamed; a Completed notes task is to be reopened (and
    renamed when misspelt too). By account manager (the task's), partner, due date.
    The fix names are NOTES_FIXES."""
    return query(
        con,
        """
        -- one row per near-miss notes task
        with tasks as (
            select *
            from stg_activities
            where is_near_miss_notes_task
                and ($account_manager is null or account_manager = $account_manager)
        ),

        final as (
            select
                t.account_manager,
                t.partner_id,
                p.partner_name,
                t.activity_id,
                t.subject,
                t.status,
                t.activity_date,
                case
                    when not t.is_completed then $rename
                    when trim(t.subject) = $notes_subject then $reopen
                    else $reopen_and_rename
                end as notes_task_fix
            from tasks as t
            left join stg_partners as p on p.partner_id = t.partner_id
        )

        select * from final
        order by account_manager, partner_name, activity_date, activity_id
        """,
        {
            "account_manager": account_manager,
            "notes_subject": schema.NOTES_SUBJECT,
            **NOTES_FIXES,
        },
    )


def calendar_items(
    con: duckdb.DuckDBPyConnection,
    start: dt.date,
    end: dt.date,
    account_manager: str | None = None,
) -> pd.DataFrame:
    """Activities with activity_date from `start` to `end` (both included), by date,
    for the calendar; `account_manager` is the activity's assignee."""
    return query(
        con,
        """
        -- one row per activity in the range
        select
            a.activity_date as date,
            a.account_manager,
            a.partner_id,
            p.partner_name,
            a.activity_id,
            a.activity_type,
            a.subject,
            a.status
        from stg_activities as a
        left join stg_partners as p on p.partner_id = a.partner_id
        where a.activity_date between $start and $end
            and ($account_manager is null or a.account_manager = $account_manager)
        order by date, account_manager, partner_name, activity_id
        """,
        {"start": start, "end": end, "account_manager": account_manager},
    )


def notes_hygiene(con: duckdb.DuckDBPyConnection, as_of: dt.date) -> pd.DataFrame:
    """Per account manager (partner owner, A-Z, blank last): partners, how many have
    an open notes task, the share, and the names missing one (A-Z) with their count.
    The notes task is a current state, so `as_of` does not change the result; the
    `(unknown partner)` is left out."""
    frame = query(
        con,
        """
        -- Notes task (SPEC 4): an open task whose subject is exactly
        -- `Account Management Notes` after trimming spaces.
        -- one row per account manager
        with partners as (
            select
                partner_id,
                partner_name,
                coalesce(account_manager, '') as account_manager
            from stg_partners
            where partner_id <> ''
        ),

        notes_tasks as (
            select partner_id from rollup_partner_activity where has_notes_task
        ),

        flagged as (
            select p.*, n.partner_id is not null as has_notes_task
            from partners as p
            left join notes_tasks as n on n.partner_id = p.partner_id
        ),

        final as (
            select
                account_manager,
                count(*) as partners,
                count(*) filter (where has_notes_task) as with_notes_task,
                count(*) filter (where has_notes_task) / count(*) as share,
                coalesce(
                    list(partner_name order by partner_name)
                        filter (where not has_notes_task),
                    []
                ) as missing,
                count(*) filter (where not has_notes_task) as missing_count
            from flagged
            group by account_manager
        )

        select * from final
        order by account_manager = '', account_manager
        """,
    )
    frame["missing"] = [list(names) for names in frame["missing"]]
    return frame


def partners_missing_notes(
    con: duckdb.DuckDBPyConnection, account_manager: str | None = None
) -> pd.DataFrame:
    """Partners without an open notes task, by account manager then name (the
    `(unknown partner)` left out)."""
    return query(
        con,
        """
        -- one row per partner without an open notes task
        select
            p.partner_id, p.partner_name, p.account_manager, p.league, p.account_status
        from stg_partners as p
        where p.partner_id <> ''
            and ($account_manager is null or p.account_manager = $account_manager)
            and not exists (
                select 1 from rollup_partner_activity as a
                where a.partner_id = p.partner_id and a.has_notes_task
            )
        order by p.account_manager, p.partner_name, p.partner_id
        """,
        {"account_manager": account_manager},
    )


def cadence(
    con: duckdb.DuckDBPyConnection,
    as_of: dt.date,
    cadence_days: dict[str, int] = schema.DEFAULT_CADENCE_DAYS,
) -> pd.DataFrame:
    """Partners outside their league's touch cadence (days since touch above the
    days allowed, or never touched), in partner report order. A partner with no
    league uses the schema.NO_LEAGUE entry; a league not in `cadence_days` gets
    schema.DEFAULT_NO_TOUCH_DAYS. The `(unknown partner)` is left out."""
    frame = partner_hygiene(con, as_of)
    frame = frame[frame["partner_id"] != ""].copy()
    frame["allowed_days"] = [
        cadence_days.get(
            schema.NO_LEAGUE if pd.isna(league) else league,
            schema.DEFAULT_NO_TOUCH_DAYS,
        )
        for league in frame["league"]
    ]
    outside = frame["days_since_touch"].isna() | (
        frame["days_since_touch"] > frame["allowed_days"]
    )
    columns = [
        "partner_id",
        "partner_name",
        "account_manager",
        "league",
        "days_since_touch",
        "allowed_days",
    ]
    return frame.loc[outside.fillna(True), columns].reset_index(drop=True)
