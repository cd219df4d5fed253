"""What an account manager has to do: the call list (the partners to call or tidy
up today, each with its reasons in full words) and the calendar's agenda (each
day's activities with the overdue ones marked, and per-day counts for a month).

Built on activity.partner_hygiene (touch, notes task and overdue tasks as SPEC 4
defines them), the per-league touch cadence of activity.cadence and the staging
flags (is_open_task, is_notes_task) of analytics/sql/staging.sql.
"""

from __future__ import annotations

import datetime as dt

import duckdb
import numpy as np
import pandas as pd

from analytics import activity, schema
from analytics.partners import query

CALL_COLUMNS = [
    "partner_id",
    "partner_name",
    "account_manager",
    "league",
    "days_since_touch",
    "cadence_days",
    "days_over",
    "has_notes_task",
    "overdue_tasks",
    "reasons",
]


def cadence_for(
    leagues: pd.Series, cadence_days: dict[str, int] = schema.DEFAULT_CADENCE_DAYS
) -> pd.Series:
    """The days allowed between touches for each partner's league (None: no
    league): its schema.DEFAULT_CADENCE_DAYS entry, else DEFAULT_NO_TOUCH_DAYS."""
    return (
        schema.league_names(leagues)
        .map(cadence_days)
        .fillna(schema.DEFAULT_NO_TOUCH_DAYS)
        .astype("int64")
    )


def call_list(
    con: duckdb.DuckDBPyConnection,
    as_of: dt.date,
    account_manager: str | None = None,
    cadence_days: dict[str, int] = schema.DEFAULT_CADENCE_DAYS,
) -> pd.DataFrame:
    """Partners to call today: never touched or outside their league's cadence
    (days since touch above the days allowed, as activity.cadence), or with no
    notes task or an overdue task. One row per partner (the `(unknown partner)`
    left out), columns CALL_COLUMNS; `reasons` in full words, '; '-joined, e.g.
    "never touched; no notes task" or "no touch for 41 days (cadence 14)".

    Ordered by league (report order), then days over the cadence, most first (a
    partner never touched first of all), then partner name.
    """
    frame = activity.partner_hygiene(con, as_of)
    frame = frame[frame["partner_id"] != ""]
    if account_manager is not None:
        frame = frame[frame["account_manager"] == account_manager]
    frame = frame.assign(cadence_days=cadence_for(frame["league"], cadence_days))
    days = frame["days_since_touch"].astype("Float64")
    never = days.isna()
    outside = never | (days > frame["cadence_days"])
    no_notes = ~frame["has_notes_task"].astype(bool)
    overdue = frame["overdue_tasks"] > 0
    frame = frame[(outside | no_notes | overdue).to_numpy(dtype=bool)].copy()
    frame["days_over"] = (days - frame["cadence_days"])[frame.index]
    frame["reasons"] = _reasons(frame)
    order = pd.DataFrame(
        {
            "league": _league_rank(frame["league"]),
            "over": frame["days_over"].astype("float64").fillna(np.inf),
            "name": frame["partner_name"].fillna(""),
        },
        index=frame.index,
    ).sort_values(["league", "over", "name"], ascending=[True, False, True])
    return frame.loc[order.index, CALL_COLUMNS].reset_index(drop=True)


def _reasons(frame: pd.DataFrame) -> list[str]:
    reasons = []
    for days, allowed, notes, overdue in zip(
        frame["days_since_touch"],
        frame["cadence_days"],
        frame["has_notes_task"],
        frame["overdue_tasks"],
        strict=True,
    ):
        parts = []
        if days is None or pd.isna(days):
            parts.append("never touched")
        elif days > allowed:
            parts.append(f"no touch for {int(days):,} days (cadence {allowed})")
        if not notes:
            parts.append("no notes task")
        if overdue:
            parts.append(f"{overdue} overdue task{'s' if overdue != 1 else ''}")
        reasons.append("; ".join(parts))
    return reasons


def _league_rank(leagues: pd.Series) -> pd.Series:
    """Report order of leagues: none, the four in order, then others A-Z."""
    rank = {name: i + 1 for i, name in enumerate(schema.LEAGUES)}
    named = leagues.fillna("")
    others = sorted(set(named) - set(rank) - {""})
    rank |= {name: len(schema.LEAGUES) + 1 + i for i, name in enumerate(others)}
    return named.map(lambda league: 0 if league == "" else rank[league])


# Overdue task (SPEC 4): an open task other than the notes task (or a near-miss
# one) with activity_date < D: the overdue_at macro, as activity.open_tasks.
AGENDA_SQL = """
-- one row per activity dated in the range
with activities as (
    select
        *,
        overdue_at(
            is_open_task, is_notes_task, is_near_miss_notes_task, activity_date, $as_of
        ) as is_overdue
    from stg_activities
    where activity_date between $start and $end
        and ($account_manager is null or account_manager = $account_manager)
),

final as (
    select
        a.activity_date as date,
        a.partner_id,
        p.partner_name,
        a.activity_type,
        a.subject,
        a.status,
        a.account_manager,
        a.activity_id,
        a.is_open_task,
        a.is_overdue
    from activities as a
    left join stg_partners as p on p.partner_id = a.partner_id
)

select * from final
order by date, is_overdue desc, partner_name, activity_type, activity_id
limit $limit offset $offset
"""

# Completed: a Task that is not open; overdue: the ordinary open tasks (neither
# the notes task nor a near-miss one) of a day before D. Summed from
# rollup_activity_days (analytics/rollups.py).
DAY_COUNTS_SQL = """
-- one row per day and activity type in the range
select
    day as date,
    activity_type,
    sum(activities)::bigint as items,
    sum(completed_tasks)::bigint as completed,
    coalesce(
        sum(ordinary_open_tasks) filter (where is_due_before(day, $as_of)), 0
    )::bigint as overdue
from rollup_activity_days
where day between $start and $end
    and ($account_manager is null or account_manager = $account_manager)
group by all
order by date, activity_type
"""


def agenda(
    con: duckdb.DuckDBPyConnection,
    start: dt.date,
    end: dt.date,
    as_of: dt.date,
    account_manager: str | None = None,
    offset: int = 0,
    limit: int | None = None,
) -> pd.DataFrame:
    """Activities dated `start` to `end` (both included), by day, the overdue tasks
    first in each day, then partner; `is_overdue` as SPEC 4 at `as_of`.
    `account_manager` is the activity's assignee; `offset` and `limit` pick one
    page of them (all by default)."""
    params = {
        "start": start,
        "end": end,
        "as_of": as_of,
        "account_manager": account_manager,
        "offset": offset,
        "limit": limit,
    }
    return query(con, AGENDA_SQL, params)


def day_counts(
    con: duckdb.DuckDBPyConnection,
    start: dt.date,
    end: dt.date,
    as_of: dt.date,
    account_manager: str | None = None,
) -> pd.DataFrame:
    """Per day and activity type from `start` to `end`: items, completed tasks
    and overdue tasks (at `as_of`), for the month grid (no row for an empty day)."""
    params = {
        "start": start,
        "end": end,
        "as_of": as_of,
        "account_manager": account_manager,
    }
    return query(con, DAY_COUNTS_SQL, params)
